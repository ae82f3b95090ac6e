"""Review files in every form the library reads, written fresh for each test, and a CLI runner.

The review texts are invented (children are letters, places are made up) and written the way
published reviews phrase their findings, so the tagger has real work to do. Tests that tag
load the bundled embedding model once per test process.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from joinedup.cli.main import app
from learning.pdf_files import wrap, write_pdf
from learning.review_texts import DOMESTIC_ABUSE, HOME_EDUCATION, NEGLECT


@pytest.fixture
def review_files(tmp_path: Path) -> dict[str, Path]:
    """The same library in five forms: each file is a different (invented) review."""
    folder = tmp_path / "reviews"
    folder.mkdir()
    header = "Local Child Safeguarding Practice Review: Child R"
    pdf_pages = [
        [header, "Published March 2021", "", *wrap(DOMESTIC_ABUSE), "", "Page 1 of 3"],
        [header, "", *wrap(NEGLECT), "", "Page 2 of 3"],
        [header, "", *wrap(HOME_EDUCATION), "", "Page 3 of 3"],
    ]
    files = {
        "pdf": write_pdf(folder / "child-r.pdf", pdf_pages, title="Practice review: Child R"),
        "html": folder / "child-s.html",
        "text": folder / "child-t.txt",
        "markdown": folder / "child-u.md",
        "json": folder / "child-v.json",
    }
    files["html"].write_text(
        "<html><head><title>Review: Child S</title><script>var x = 1;</script></head><body>"
        "<nav>Home | Reviews | Contact</nav><h1>Serious case review: Child S</h1>"
        f"<p>Published 2016.</p><p>{HOME_EDUCATION}</p><p>{NEGLECT}</p>"
        "<footer>Copyright the partnership</footer></body></html>",
        "utf-8",
    )
    files["text"].write_text(f"Serious case review: Child T\n2014\n\n{DOMESTIC_ABUSE}\f{HOME_EDUCATION}\n", "utf-8")
    files["markdown"].write_text(
        f"# Rapid review: Child U\n\nPublished **2019**.\n\n## Findings\n\n- {NEGLECT}\n\n> {DOMESTIC_ABUSE}\n",
        "utf-8",
    )
    files["json"].write_text(
        json.dumps({"title": "Thematic review: Child V", "year": 2022, "area": "Eastshire", "text": HOME_EDUCATION}),
        "utf-8",
    )
    return files


@pytest.fixture
def cli(db_url: str) -> Callable[..., Result]:
    """``cli("reviews", "add", ...)``: the real command line, in-process, on this test's database."""
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, [*args, "--db", db_url], catch_exceptions=False, env={"JOINEDUP_DB": None})

    return run
