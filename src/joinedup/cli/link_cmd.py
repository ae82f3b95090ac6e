"""``joinedup link …``: export who is who, link the backlog, re-link everything, train the model,
and work the clerical review queue."""

from __future__ import annotations

from dataclasses import asdict
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import orjson
import typer
from rich.progress import TaskID

from joinedup.cli.common import DbOption, FormatOption, OutputFormat, database, err, out, progress_bar

if TYPE_CHECKING:
    from sqlalchemy import Engine as SqlEngine

    from joinedup.identity.batch import RelinkReport

link_app = typer.Typer(help="Record linkage: who is who.", no_args_is_help=True)


@link_app.command("export")
def export(db: DbOption = None, output: FormatOption = OutputFormat.JSONL) -> None:
    """One JSON object per subject of the latest version of every stored record."""
    from joinedup.contests.marking import mark_link_rows
    from joinedup.identity.link import link_pending
    from joinedup.storage.identity_export_repo import latest_links

    engine = database(db)
    link_pending(engine)  # anything stored but not linked yet (a crash mid-ingest) is linked now
    with engine.connect() as conn:
        rows = list(mark_link_rows(conn, latest_links(conn)))  # adds "contested" (issue 9)
    if output is OutputFormat.JSON:
        typer.echo(orjson.dumps(rows).decode())
        return
    if output is OutputFormat.TEXT:
        for r in rows:
            out.print(
                f"{r['agency']} {r['source_record_id']} #{r['subject_index']} ({r['role'] or '-'}): "
                f"person {r['person_id']} by {r['decision']}",
                markup=False,
                highlight=False,
            )
        return
    for r in rows:
        typer.echo(orjson.dumps(r).decode())


@link_app.command("pending")
def pending(db: DbOption = None) -> None:
    """Link every stored subject that has no person yet (ingest does this itself)."""
    from joinedup.identity.link import link_pending

    engine = database(db)
    with progress_bar("Linking") as bar:
        task = bar.add_task("link", total=None)
        count = link_pending(engine, on_progress=lambda n: bar.advance(task, n))
    err.print(f"linked {count} subjects")


class ScoringEngine(StrEnum):
    DUCKDB = "duckdb"
    SPARK = "spark"


@link_app.command("run")
def run(
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
    scoring_engine: Annotated[
        ScoringEngine,
        typer.Option(
            "--engine",
            help="Where Splink scores the pairs: DuckDB in process, or Spark local mode (needs Java and "
            "the spark extra). Decisions are the same either way.",
        ),
    ] = ScoringEngine.DUCKDB,
) -> None:
    """Re-link every stored subject (predict + cluster as one batch) with the active model.

    Subjects a person placed (merges, review decisions) stay where they were put.
    """
    from joinedup.identity.errors import IdentityError

    try:
        report = _relink(database(db), scoring_engine.value)
    except IdentityError as exc:  # e.g. --engine spark without Java
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    if output is OutputFormat.TEXT:
        out.print(
            f"re-linked {report.subjects} subjects into {report.persons} persons with model "
            f"{report.model_version} on {scoring_engine.value}: {report.changed} links changed, "
            f"{report.new_links} new, {report.review_items} for review",
            markup=False,
        )
        return
    _echo_json({**asdict(report), "engine": scoring_engine.value})


def _relink(engine: SqlEngine, scoring_engine: str) -> RelinkReport:
    from joinedup.identity.batch import relink_all

    with progress_bar("Re-linking") as bar:
        tasks: dict[str, TaskID] = {}

        def advance(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, description=stage)

        return relink_all(engine, scoring_engine=scoring_engine, on_progress=advance)


@link_app.command("train")
def train_cmd(
    db: DbOption = None,
    activate: Annotated[bool, typer.Option("--activate/--no-activate", help="Use the new model from now on.")] = True,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the random pairs that estimate u probabilities.")] = 1,
    save_json: Annotated[
        Path | None, typer.Option("--save-json", help="Also write the model's JSON to this file.")
    ] = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Train the matching model on this deployment's own records (unsupervised EM) and store it,
    versioned, in the database. Re-link with `joinedup link run` to apply it to earlier records."""
    from joinedup.identity.errors import ModelError
    from joinedup.identity.models_store import save_model
    from joinedup.identity.standardise import standardise
    from joinedup.identity.training import train
    from joinedup.storage.identity_links_repo import all_subjects_with_links

    engine = database(db)
    with engine.connect() as conn:
        subjects = [standardise(row) for row in all_subjects_with_links(conn)]
    try:
        with progress_bar("Training") as bar:
            task = bar.add_task("train", total=None)
            model = train(subjects, seed=seed)
            bar.update(task, total=1, completed=1)
    except ModelError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    with engine.begin() as conn:
        save_model(conn, model, activate=activate)
    if save_json is not None:
        save_json.write_text(orjson.dumps(model.settings, option=orjson.OPT_INDENT_2).decode() + "\n")
    summary = {
        "version": model.version,
        "trained_on": len(subjects),
        "active": activate,
        "probability_two_random_records_match": model.settings["probability_two_random_records_match"],
    }
    if output is OutputFormat.TEXT:
        out.print(
            f"trained model {model.version} on {len(subjects)} subjects"
            + (" and made it active; run `joinedup link run` to re-link earlier records" if activate else ""),
            markup=False,
        )
        return
    _echo_json(summary)


@link_app.command("models")
def models_cmd(db: DbOption = None) -> None:
    """Stored model versions, oldest first (JSON); the shipped default is used while none is active."""
    from joinedup.storage.identity_models_repo import listing

    with database(db).connect() as conn:
        _echo_json(listing(conn))


def register(app: typer.Typer) -> None:
    app.add_typer(link_app, name="link")


review_app = typer.Typer(help="The clerical review queue: matches the model could not settle.", no_args_is_help=True)
link_app.add_typer(review_app, name="review")


def _echo_json(value: object) -> None:
    typer.echo(orjson.dumps(value, default=str).decode())


@review_app.command("list")
def review_list(db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """Open review items (and those set aside as not sure)."""
    from joinedup.identity.review import list_items

    with database(db).connect() as conn:
        items = list_items(conn)
    if output is not OutputFormat.TEXT:
        _echo_json(items)
        return
    if not items:
        out.print("The review queue is empty.")
    for i in items:
        out.print(
            f"#{i['id']} subject {i['record_subject_id']}: person {i['provisional_person_id']} or "
            f"{i['candidate_person_id']}? p={i['match_probability']:.3f} ({i['reason']}) [{i['status']}]",
            markup=False,
        )


@review_app.command("show")
def review_show(item_id: int, db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """One item: the subject as recorded, the candidate's records and the weight of each comparison."""
    from joinedup.identity.errors import ReviewError
    from joinedup.identity.review import show_item

    try:
        with database(db).connect() as conn:
            shown = show_item(conn, item_id)
    except ReviewError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    if output is not OutputFormat.TEXT:
        _echo_json(shown)
        return
    out.print(f"Review item #{item_id} ({shown['status']}): {shown['reason']}", markup=False)
    out.print(f"  this subject: {shown['subject']}", markup=False, highlight=False)
    for row in shown["candidate_records"]:
        out.print(f"  candidate {shown['candidate_person_id']}: {row}", markup=False, highlight=False)
    for name, value in shown["comparison"].items():
        out.print(f"  {name:>15}: {value['match_weight']:+.2f}", markup=False)


@review_app.command("decide")
def review_decide(
    item_id: int,
    outcome: str = typer.Argument(..., help="accept | reject | not_sure"),
    note: str | None = typer.Option(None, "--note", help="Why (kept with the decision)."),
    db: DbOption = None,
) -> None:
    """Accept (merge into the candidate), reject (two people) or set aside as not sure."""
    from joinedup.cli.common import operator_name
    from joinedup.identity.errors import ReviewError
    from joinedup.identity.review import Outcome, decide_item

    try:
        chosen = Outcome(outcome.replace("-", "_"))
    except ValueError as exc:
        err.print(f"[red]{outcome!r} is not a decision; use accept, reject or not_sure[/red]")
        raise typer.Exit(2) from exc
    try:
        with database(db).begin() as conn:
            result = decide_item(conn, item_id, chosen, actor=operator_name(), note=note)
    except ReviewError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    _echo_json(result)


@link_app.command("merge")
def merge_cmd(
    from_person: int, into_person: int, reason: str = typer.Option(..., "--reason"), db: DbOption = None
) -> None:
    """Merge one person into another (recorded; undo with `joinedup link unmerge EVENT`)."""
    from joinedup.cli.common import operator_name
    from joinedup.identity.errors import MergeError
    from joinedup.identity.merges import merge

    try:
        with database(db).begin() as conn:
            event = merge(conn, from_person, into_person, actor=operator_name(), reason=reason)
    except MergeError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    _echo_json({"merge_event_id": event})


@link_app.command("unmerge")
def unmerge_cmd(event_id: int, reason: str = typer.Option(..., "--reason"), db: DbOption = None) -> None:
    """Undo a merge exactly: every link it moved goes back as it was."""
    from joinedup.cli.common import operator_name
    from joinedup.identity.errors import MergeError
    from joinedup.identity.merges import unmerge

    try:
        with database(db).begin() as conn:
            event = unmerge(conn, event_id, actor=operator_name(), reason=reason)
    except MergeError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    _echo_json({"unmerge_event_id": event})


@link_app.command("history")
def history(person: int | None = typer.Option(None, "--person"), db: DbOption = None) -> None:
    """Merges and unmerges, newest first (JSON)."""
    from joinedup.storage.identity_review_repo import events

    with database(db).connect() as conn:
        _echo_json(events(conn, person, 200))
