"""Example reviews for ``joinedup demo``: summaries of published reviews, loaded and tagged.

``joinedup.cli.demo_cmd`` calls ``load_examples(engine)`` (it lists this module in
``EXTRA_LOADERS``). The examples are short summaries in ``data/examples/`` written in our own
words from public facts of published reviews (the same texts as some of the labelled
evaluation set), in the JSON form ``joinedup reviews add`` takes. Loading twice adds nothing:
an exact duplicate is recognised and not stored again.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from sqlalchemy import Engine

from joinedup.learning import library


def example_files() -> list[Path]:
    folder = Path(str(resources.files("joinedup.learning").joinpath("data", "examples")))
    return sorted(folder.glob("*.json"))


def load_examples(engine: Engine) -> str:
    """Add and tag every example review not yet in the library; says what it did."""
    added = 0
    for path in example_files():
        result = library.add_review_file(engine, path, added_by="demo")
        if result.stored:
            library.tag_review(engine, result.id)
            added += 1
    held = len(example_files()) - added
    return f"case reviews: {added} example reviews loaded and tagged" + (f" ({held} already held)" if held else "")
