"""``joinedup reviews …``: the case-review learning library from the command line.

``add`` loads files (PDF, HTML, text, Markdown, JSON) and tags them; ``show`` prints a
review's themes with their evidence; ``confirm``/``remove`` record a reviewer's decision;
``search`` finds passages by keyword or meaning; ``themes`` counts themes by year (CSV for
reports); ``rules`` shows the learning behind each alert rule. Tagging loads the embedding
model (a few seconds); nothing else does.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import orjson
import typer

from joinedup.cli.common import DbOption, FormatOption, OutputFormat, database, err, operator_name, out
from joinedup.learning import LearningError
from joinedup.learning import library as lib

reviews_app = typer.Typer(help="The case-review learning library: load, tag, search, count.", no_args_is_help=True)


class TableFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    CSV = "csv"


def _emit(data: object) -> None:
    typer.echo(orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS).decode())


def _fail(exc: LearningError, output: str) -> typer.Exit:
    if output == "text":
        err.print(f"[red]{exc}[/red]", highlight=False)
    else:
        _emit({"error": str(exc)})
    return typer.Exit(2)


@reviews_app.command("add")
def add(
    files: Annotated[list[Path], typer.Argument(help="Review files: .pdf .html .txt .md or .json.")],
    title: Annotated[str | None, typer.Option(help="Title (default: from the document).")] = None,
    year: Annotated[int | None, typer.Option(help="Year published (default: from the first page).")] = None,
    area: Annotated[str | None, typer.Option(help="Local authority or partnership area.")] = None,
    tag: Annotated[bool, typer.Option("--tag/--no-tag", help="Tag themes now (loads the model).")] = True,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Add review files to the library, detect duplicates, and tag their learning themes."""
    engine = database(db)
    results, failed = [], 0
    for file in files:
        try:
            added = lib.add_review_file(engine, file, added_by=operator_name(), title=title, year=year, area=area)
            if tag and added.stored:
                err.print(f"Tagging review {added.id} ({file.name})…")
                lib.tag_review(engine, added.id)
        except LearningError as exc:
            failed += 1
            err.print(f"[red]{exc}[/red]", highlight=False)
            continue
        results.append(added)
        if output is OutputFormat.TEXT:
            note = f" (duplicate of review {added.duplicate_of})" if added.duplicate_of else ""
            out.print(f"review {added.id}: {added.title}{note}", markup=False, highlight=False)
    if output is not OutputFormat.TEXT:
        _emit([r.as_json() for r in results])
    if failed:
        raise typer.Exit(1)


@reviews_app.command("tag")
def tag_cmd(
    review_id: Annotated[
        int | None,
        typer.Argument(help="Review to re-tag (default: every review untagged, or tagged by an earlier encoder)."),
    ] = None,
    db: DbOption = None,
) -> None:
    """Tag (or re-tag) reviews; reviewers' confirmations and removals are kept."""
    engine = database(db)
    try:
        done = (
            [review_id]
            if review_id is not None and lib.tag_review(engine, review_id) >= 0
            else lib.tag_untagged(engine)
        )
    except LearningError as exc:
        raise _fail(exc, "text") from exc
    err.print(f"tagged {len(done)} review(s)")


@reviews_app.command("list")
def list_cmd(db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """Every review in the library."""
    from joinedup.storage import learning_reviews as repo

    engine = database(db)
    with engine.connect() as conn:
        rows = repo.list_reviews(conn)
    if output is OutputFormat.TEXT:
        for r in rows:
            out.print(f"{r.id:>4}  {r.year or '----'}  {r.area or '':<20}  {r.title}", markup=False, highlight=False)
        return
    _emit(
        [{"id": r.id, "title": r.title, "year": r.year, "area": r.area, "duplicate_of": r.duplicate_of} for r in rows]
    )


@reviews_app.command("show")
def show(review_id: int, db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """A review's themes, each with its confidence and evidencing passages."""
    engine = database(db)
    try:
        detail = lib.review_detail(engine, review_id)
    except LearningError as exc:
        raise _fail(exc, output.value) from exc
    if output is not OutputFormat.TEXT:
        _emit(detail)
        return
    out.print(
        f"{detail['id']}: {detail['title']} ({detail['year'] or 'undated'}, {detail['area'] or 'no area'})",
        markup=False,
    )
    for theme in detail["themes"]:
        confidence = "—" if theme["confidence"] is None else f"{theme['confidence']:.2f}"
        out.print(f"  {theme['id']:<32} {confidence:>5}  {theme['status']}", markup=False, highlight=False)
        for ev in theme["evidence"][:2]:
            page = f"p.{ev['page']} " if ev["page"] else ""
            out.print(f"      {page}{ev['text'][:160]}…", markup=False, highlight=False)


def _decide(review_id: int, theme_id: str, confirm: bool, db: str | None) -> None:
    engine = database(db)
    try:
        lib.decide(engine, review_id, theme_id, confirm=confirm, decided_by=operator_name())
    except LearningError as exc:
        raise _fail(exc, "text") from exc
    err.print(f"theme {theme_id} {'confirmed' if confirm else 'removed'} on review {review_id}")


@reviews_app.command("confirm")
def confirm(review_id: int, theme_id: str, db: DbOption = None) -> None:
    """Confirm a theme on a review (kept through re-tagging)."""
    _decide(review_id, theme_id, True, db)


@reviews_app.command("remove")
def remove(review_id: int, theme_id: str, db: DbOption = None) -> None:
    """Remove a theme from a review (kept through re-tagging)."""
    _decide(review_id, theme_id, False, db)


@reviews_app.command("search")
def search(
    query: str,
    semantic: Annotated[bool, typer.Option("--semantic", help="Search by meaning (loads the model).")] = False,
    theme: Annotated[str | None, typer.Option(help="Only reviews tagged with this theme id.")] = None,
    year: Annotated[int | None, typer.Option(help="Only reviews of this year.")] = None,
    area: Annotated[str | None, typer.Option(help="Only reviews of this area.")] = None,
    limit: Annotated[int, typer.Option(help="At most this many passages.")] = 20,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Passages matching QUERY, with highlights; filter by theme, year and area."""
    from joinedup.learning import search as s
    from joinedup.storage.learning_queries import Filters

    engine = database(db)
    filters = Filters(theme=theme, year=year, area=area)
    try:
        hits = (s.semantic_search if semantic else s.keyword_search)(engine, query, filters, limit)
    except LearningError as exc:
        raise _fail(exc, output.value) from exc
    if semantic and (left_out := s.reviews_left_out_of_semantic_search(engine)):
        err.print(
            f"{left_out} review(s) were embedded by an earlier encoder and are not searched by meaning: "
            "run joinedup reviews tag to embed them again"
        )
    if output is not OutputFormat.TEXT:
        _emit([h.as_json() for h in hits])
        return
    from rich.text import Text

    for h in hits:
        line = Text(h.snippet)
        for start, end in h.highlights:
            line.stylize("bold yellow", start, end)
        page = f" p.{h.page}" if h.page else ""
        out.print(Text(f"[{h.review_id}] {h.title} ({h.year or 'undated'}){page}  score {h.score:.2f}", style="bold"))
        out.print(line)
    if not hits:
        err.print("no passages found")


@reviews_app.command("themes")
def themes(db: DbOption = None, output: Annotated[TableFormat, typer.Option("--format")] = TableFormat.TEXT) -> None:
    """How often each theme recurs, by year (--format csv for a spreadsheet)."""
    from joinedup.learning import frequency

    engine = database(db)
    if output is TableFormat.CSV:
        typer.echo(frequency.frequency_csv(engine), nl=False)
        return
    data = frequency.theme_frequency(engine)
    if output is TableFormat.JSON:
        _emit(data)
        return
    for t in data["themes"]:
        out.print(f"{t['total']:>4}  {t['id']:<32} {t['label']}", markup=False, highlight=False)


@reviews_app.command("rules")
def rules(db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """Each alert rule, the themes it encodes and the reviews behind them."""
    from joinedup.learning import rules_link

    engine = database(db)
    data = rules_link.rule_learning(engine)
    if output is not OutputFormat.TEXT:
        _emit(data)
        return
    for rule in data:
        out.print(f"{rule['rule_id']}: {rule['title']}", markup=False, highlight=False)
        for theme in rule["themes"]:
            out.print(f"    {theme['id']} ({len(theme['reviews'])} reviews)", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    app.add_typer(reviews_app, name="reviews")
