"""``joinedup reviews …`` end to end on a fresh database (SQLite and PostgreSQL): loading every
file form, the ``--format json`` contracts of ``add`` and ``show``, duplicates, and reviewer
decisions that survive re-tagging."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from typer.testing import Result

from learning.review_texts import DOMESTIC_ABUSE, HOME_EDUCATION, NEGLECT

ADD_KEYS = {"id", "title", "file", "duplicate_of"}


def _json(result: Result) -> object:
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_add_reads_pdf_html_text_markdown_and_json_and_prints_the_contract(
    cli: Callable[..., Result], review_files: dict[str, Path]
) -> None:
    order = ["pdf", "html", "text", "markdown", "json"]
    added = _json(cli("reviews", "add", *(str(review_files[k]) for k in order), "--no-tag", "--format", "json"))
    assert isinstance(added, list) and len(added) == 5
    assert all(set(row) == ADD_KEYS for row in added), added
    assert [row["file"] for row in added] == [str(review_files[k]) for k in order]
    assert [row["duplicate_of"] for row in added] == [None] * 5
    assert len({row["id"] for row in added}) == 5
    titles = [row["title"] for row in added]
    assert titles == [
        "Practice review: Child R",  # the PDF's metadata title
        "Serious case review: Child S",  # the HTML h1, not the <title>
        "Serious case review: Child T",  # the text file's first line
        "Rapid review: Child U",  # the Markdown heading
        "Thematic review: Child V",  # the JSON form's title
    ]
    listed = _json(cli("reviews", "list", "--format", "json"))
    years = {row["title"]: row["year"] for row in listed}
    assert years == {
        "Practice review: Child R": 2021,
        "Serious case review: Child S": 2016,
        "Serious case review: Child T": 2014,
        "Rapid review: Child U": 2019,
        "Thematic review: Child V": 2022,
    }
    assert {row["title"]: row["area"] for row in listed}["Thematic review: Child V"] == "Eastshire"


def test_pdf_passages_keep_their_page_and_lose_headers_footers_and_page_numbers(
    cli: Callable[..., Result], review_files: dict[str, Path]
) -> None:
    [added] = _json(cli("reviews", "add", str(review_files["pdf"]), "--format", "json"))
    shown = _json(cli("reviews", "show", str(added["id"]), "--format", "json"))
    evidence = [e for theme in shown["themes"] for e in theme["evidence"]]
    assert evidence, "a tagged review shows the passages behind its themes"
    for e in evidence:
        assert "Local Child Safeguarding Practice Review" not in e["text"]
        assert "Page 1 of 3" not in e["text"] and "Page 2 of 3" not in e["text"]
    pages = {e["page"] for e in evidence}
    by_theme = {t["id"]: t for t in shown["themes"]}
    assert "domestic_abuse" in by_theme
    assert {e["page"] for e in by_theme["domestic_abuse"]["evidence"]} == {1}
    assert pages <= {1, 2, 3}
    assert shown["pages"] == 3


def test_show_json_contract_on_a_fresh_database(cli: Callable[..., Result], review_files: dict[str, Path]) -> None:
    [added] = _json(cli("reviews", "add", str(review_files["markdown"]), "--format", "json"))
    shown = _json(cli("reviews", "show", str(added["id"]), "--format", "json"))
    assert {"id", "title", "themes"} <= set(shown)
    assert shown["id"] == added["id"] and shown["title"] == "Rapid review: Child U"
    assert shown["themes"], "neglect and domestic abuse are plain in this review"
    for theme in shown["themes"]:
        assert {"id", "confidence", "evidence"} <= set(theme)
        assert isinstance(theme["evidence"], list) and theme["evidence"]
        assert 0.0 <= theme["confidence"] <= 1.0
        for e in theme["evidence"]:
            assert {"passage_id", "page", "text"} <= set(e)
    ids = {t["id"] for t in shown["themes"]}
    assert {"neglect", "domestic_abuse"} <= ids
    assert "sexual_abuse" not in ids and "covid_pandemic" not in ids


def test_show_of_an_unknown_review_says_so_in_json(cli: Callable[..., Result]) -> None:
    result = cli("reviews", "show", "999", "--format", "json")
    assert result.exit_code == 2
    assert "no review 999" in json.loads(result.stdout)["error"]


def test_exact_and_near_duplicates_are_detected(
    cli: Callable[..., Result], review_files: dict[str, Path], tmp_path: Path
) -> None:
    [first] = _json(cli("reviews", "add", str(review_files["text"]), "--no-tag", "--format", "json"))
    copy = shutil.copy(review_files["text"], tmp_path / "same-review-again.txt")
    [again] = _json(cli("reviews", "add", str(copy), "--no-tag", "--format", "json"))
    assert again["duplicate_of"] == first["id"] and again["id"] == first["id"], "an exact copy is not stored twice"
    assert again["file"] == str(copy)

    # Another edition: the same text with one sentence added is stored, but marked as a copy.
    edition = tmp_path / "child-t-second-edition.txt"
    edition.write_text(
        review_files["text"].read_text("utf-8") + "\nThis edition corrects a date in the chronology.\n", "utf-8"
    )
    [near] = _json(cli("reviews", "add", str(edition), "--no-tag", "--format", "json"))
    assert near["duplicate_of"] == first["id"] and near["id"] != first["id"]

    [other] = _json(cli("reviews", "add", str(review_files["json"]), "--no-tag", "--format", "json"))
    assert other["duplicate_of"] is None, "a different review is not a duplicate"
    listed = _json(cli("reviews", "list", "--format", "json"))
    assert len(listed) == 3


def test_bad_files_are_refused_with_the_file_and_the_reason(
    cli: Callable[..., Result], review_files: dict[str, Path], tmp_path: Path
) -> None:
    bad_json = tmp_path / "broken.json"
    bad_json.write_text('{"title": "x", "year": "twenty"', "utf-8")
    no_text = tmp_path / "form.json"
    no_text.write_text('{"title": "x", "year": 2020}', "utf-8")
    docx = tmp_path / "review.docx"
    docx.write_bytes(b"PK")
    result = cli("reviews", "add", str(bad_json), str(no_text), str(docx), str(review_files["json"]), "--no-tag")
    assert result.exit_code == 1, "a refused file makes the command fail, after loading the good ones"
    assert "broken.json: not valid JSON at line 1" in result.stderr
    assert 'form.json: expected an object {"title", "year", "area", "text"}' in result.stderr
    assert "review.docx: cannot read .docx" in result.stderr
    assert "review 1: Thematic review: Child V" in result.stdout


def test_confirmed_and_removed_themes_survive_re_tagging(
    cli: Callable[..., Result], review_files: dict[str, Path]
) -> None:
    [added] = _json(cli("reviews", "add", str(review_files["pdf"]), "--format", "json"))
    review = str(added["id"])
    before = {t["id"] for t in _json(cli("reviews", "show", review, "--format", "json"))["themes"]}
    assert "domestic_abuse" in before
    assert cli("reviews", "remove", review, "domestic_abuse").exit_code == 0
    assert cli("reviews", "confirm", review, "fathers_and_male_carers").exit_code == 0  # one it did not suggest
    assert cli("reviews", "tag", review).exit_code == 0

    after = _json(cli("reviews", "show", review, "--format", "json"))["themes"]
    by_id = {t["id"]: t for t in after}
    assert "domestic_abuse" not in by_id, "a removed theme stays removed after re-tagging"
    assert by_id["fathers_and_male_carers"]["status"] == "confirmed"
    assert after[0]["id"] == "fathers_and_male_carers", "confirmed themes come first"
    assert {t["status"] for t in after if t["id"] != "fathers_and_male_carers"} == {"suggested"}

    bad = cli("reviews", "confirm", review, "bad_parenting")
    assert bad.exit_code == 2 and "'bad_parenting' is not a theme in the taxonomy" in bad.stderr


def test_json_form_without_a_year_reads_it_from_the_text(cli: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "summary.json"
    path.write_text(json.dumps({"title": "Child W", "text": f"Published in 2018. {NEGLECT} {DOMESTIC_ABUSE}"}))
    [added] = _json(cli("reviews", "add", str(path), "--no-tag", "--format", "json"))
    listed = _json(cli("reviews", "list", "--format", "json"))
    assert listed == [{"id": added["id"], "title": "Child W", "year": 2018, "area": None, "duplicate_of": None}]
    assert HOME_EDUCATION  # the fixtures' texts are shared with the other tests
