"""The demo's example reviews: every file loads and is tagged, and loading again adds nothing."""

from __future__ import annotations

from sqlalchemy import Engine

from joinedup.learning import demo, frequency
from joinedup.storage import learning_reviews as repo


def test_example_reviews_load_tag_and_are_not_loaded_twice(engine: Engine) -> None:
    files = demo.example_files()
    assert len(files) >= 10
    note = demo.load_examples(engine)
    assert note == f"case reviews: {len(files)} example reviews loaded and tagged"
    with engine.connect() as conn:
        held = repo.list_reviews(conn)
        assert len(held) == len(files)
        assert all(r.tagged_at is not None for r in held)
    counts = {t["id"]: t["total"] for t in frequency.theme_frequency(engine)["themes"]}
    assert counts["neglect"] >= 2 and counts["covid_pandemic"] >= 1
    assert (
        demo.load_examples(engine) == f"case reviews: 0 example reviews loaded and tagged ({len(files)} already held)"
    )
