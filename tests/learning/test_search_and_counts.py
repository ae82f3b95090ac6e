"""Searching the library (keyword with highlights, and by meaning), its filters, the theme
counts by year with their CSV, and the rules each theme is tied to: on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from learning.review_texts import DOMESTIC_ABUSE, HOME_EDUCATION, NEGLECT


def _json(result: Result) -> object:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _add(cli: Callable[..., Result], tmp_path: Path, name: str, **form: object) -> int:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(form), "utf-8")
    [added] = _json(cli("reviews", "add", str(path), "--format", "json"))
    return int(added["id"])


@pytest.fixture
def library(cli: Callable[..., Result], tmp_path: Path) -> dict[str, int]:
    """Three tagged reviews from two years and two areas."""
    return {
        "a": _add(cli, tmp_path, "a", title="Child A", year=2019, area="Northshire", text=DOMESTIC_ABUSE),
        "b": _add(
            cli, tmp_path, "b", title="Child B", year=2021, area="Southshire", text=f"{NEGLECT}\n\n{HOME_EDUCATION}"
        ),
        "c": _add(
            cli, tmp_path, "c", title="Child C", year=2021, area="Northshire", text=f"{NEGLECT}\n\n{DOMESTIC_ABUSE}"
        ),
    }


def test_keyword_search_highlights_every_term_and_filters(cli: Callable[..., Result], library: dict[str, int]) -> None:
    hits = _json(cli("reviews", "search", '"domestic abuse" police', "--format", "json"))
    assert {h["review_id"] for h in hits} == {library["a"], library["c"]}
    for hit in hits:
        marked = [hit["snippet"][start:end].lower() for start, end in hit["highlights"]]
        assert "domestic abuse" in marked and "police" in marked
    by_area = _json(cli("reviews", "search", "police", "--area", "northshire", "--year", "2021", "--format", "json"))
    assert {h["review_id"] for h in by_area} == {library["c"]}
    by_theme = _json(cli("reviews", "search", "hungry", "--theme", "education_not_in_school", "--format", "json"))
    assert {h["review_id"] for h in by_theme} == {library["b"]}
    assert _json(cli("reviews", "search", "police", "--year", "2019", "--theme", "neglect", "--format", "json")) == []
    unknown = cli("reviews", "search", "police", "--theme", "bad_luck", "--format", "json")
    assert unknown.exit_code == 2 and "'bad_luck' is not a theme" in json.loads(unknown.stdout)["error"]


def test_keyword_search_treats_like_wildcards_as_text(cli: Callable[..., Result], library: dict[str, int]) -> None:
    assert _json(cli("reviews", "search", "100%", "--format", "json")) == []
    assert _json(cli("reviews", "search", "a_b", "--format", "json")) == []


def test_semantic_search_finds_passages_by_meaning(cli: Callable[..., Result], library: dict[str, int]) -> None:
    hits = _json(cli("reviews", "search", "the girl stopped going to school", "--semantic", "--format", "json"))
    assert hits[0]["review_id"] == library["b"]
    assert "home educated" in hits[0]["snippet"]
    assert hits == sorted(hits, key=lambda h: -h["score"])
    only_2019 = _json(
        cli("reviews", "search", "the girl stopped going to school", "--semantic", "--year", "2019", "--format", "json")
    )
    assert {h["review_id"] for h in only_2019} == {library["a"]}


def test_reviews_embedded_by_an_earlier_encoder_are_searched_by_meaning_only_after_re_tagging(
    cli: Callable[..., Result], library: dict[str, int], db_url: str
) -> None:
    """After an upgrade that changes the encoder, old passage vectors lie in another space:
    comparing a query with them would rank by noise, so they are left out, the user is told,
    and ``reviews tag`` embeds them again (keeping reviewers' decisions)."""
    from sqlalchemy import update

    from joinedup.storage.db import make_engine
    from joinedup.storage.tables_learning import Review

    query = ("reviews", "search", "the girl stopped going to school", "--semantic", "--format", "json")
    assert cli("reviews", "confirm", str(library["b"]), "neglect").exit_code == 0
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(update(Review).where(Review.id == library["b"]).values(model_version="an earlier encoder"))
    engine.dispose()
    stale = cli(*query)
    assert library["b"] not in {h["review_id"] for h in _json(stale)}
    assert "1 review(s) were embedded by an earlier encoder" in stale.stderr
    tagged = cli("reviews", "tag")
    assert tagged.exit_code == 0 and "tagged 1 review(s)" in tagged.stderr, tagged.output
    fresh = cli(*query)
    assert _json(fresh)[0]["review_id"] == library["b"]
    assert "earlier encoder" not in fresh.stderr
    shown = _json(cli("reviews", "show", str(library["b"]), "--format", "json"))
    assert {t["id"]: t["status"] for t in shown["themes"]}["neglect"] == "confirmed"
    assert "tagged 0 review(s)" in cli("reviews", "tag").stderr


def test_theme_counts_by_year_and_csv_leave_out_removed_themes(
    cli: Callable[..., Result], library: dict[str, int]
) -> None:
    counts = _json(cli("reviews", "themes", "--format", "json"))
    assert counts["years"] == [2019, 2021]
    by_id = {t["id"]: t for t in counts["themes"]}
    assert by_id["domestic_abuse"]["by_year"] == {"2019": 1, "2021": 1}
    assert by_id["neglect"]["by_year"] == {"2019": 0, "2021": 2}
    assert by_id["neglect"]["total"] == 2
    assert by_id["sexual_abuse"]["total"] == 0

    assert cli("reviews", "remove", str(library["c"]), "neglect").exit_code == 0
    result = cli("reviews", "themes", "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["theme_id", "label", "year", "reviews"]
    neglect = [(r["year"], r["reviews"]) for r in rows if r["theme_id"] == "neglect"]
    assert neglect == [("2021", "1")]
    assert ("2019", "1") in [(r["year"], r["reviews"]) for r in rows if r["theme_id"] == "domestic_abuse"]


def test_each_rule_shows_its_themes_and_the_reviews_behind_them(
    cli: Callable[..., Result], library: dict[str, int]
) -> None:
    rules = _json(cli("reviews", "rules", "--format", "json"))
    by_rule = {r["rule_id"]: r for r in rules}
    assert "neglect_signs" in by_rule
    for rule in rules:
        assert rule["unknown_themes"] == [], f"rule {rule['rule_id']} names themes the taxonomy lacks"
    themes = {t["id"]: t for t in by_rule["neglect_signs"]["themes"]}
    assert {r["id"] for r in themes["neglect"]["reviews"]} == {library["b"], library["c"]}
