"""``joinedup contests …``: contest a record, a link or an alert; decide; list.

A family contests through the local authority: the professional who takes their challenge
raises it with ``--family``. Decisions take a user with the manager role (``--as NAME``).
"""

from __future__ import annotations

from typing import Annotated

import orjson
import typer

from joinedup.cli.common import DbOption, FormatOption, OutputFormat, database, err, out

contests_app = typer.Typer(help="Contest what JoinedUp holds, and decide contests.", no_args_is_help=True)
AsOption = Annotated[str | None, typer.Option("--as", help="Act as this user (default: the server's operator).")]
Reason = Annotated[str, typer.Option("--reason", help="What is wrong, and what is right.")]
Family = Annotated[bool, typer.Option("--family", help="Raised for the family, through the local authority.")]


def _run(db: str | None, as_name: str | None, work):  # type: ignore[no-untyped-def]
    from joinedup.access import UnknownUser
    from joinedup.access.actors import resolve_cli_actor
    from joinedup.contests import ContestError

    engine = database(db)
    try:
        with engine.begin() as conn:
            return work(conn, resolve_cli_actor(conn, as_name))
    except (ContestError, UnknownUser) as exc:
        err.print(f"[red]Not done:[/red] {exc}")
        raise typer.Exit(1) from exc


@contests_app.command("record")
def contest_record_cmd(
    agency: str,
    source_record_id: str,
    reason: Reason,
    family: Family = False,
    db: DbOption = None,
    as_name: AsOption = None,
) -> None:
    """Contest a record (what an agency recorded) by its agency and source record id."""
    from joinedup.contests import contest_record

    who = "family" if family else "professional"
    cid = _run(db, as_name, lambda c, a: contest_record(c, a, agency, source_record_id, reason, on_behalf_of=who))
    out.print(f"contest {cid} raised on record {agency}/{source_record_id}", markup=False)


@contests_app.command("link")
def contest_link_cmd(
    agency: str,
    source_record_id: str,
    subject_index: int,
    reason: Reason,
    family: Family = False,
    db: DbOption = None,
    as_name: AsOption = None,
) -> None:
    """Contest who a record's subject was linked to (the key `joinedup link export` prints)."""
    from joinedup.contests import contest_link

    who = "family" if family else "professional"
    cid = _run(
        db, as_name, lambda c, a: contest_link(c, a, agency, source_record_id, subject_index, reason, on_behalf_of=who)
    )
    out.print(f"contest {cid} raised on link {agency}/{source_record_id}#{subject_index}", markup=False)


@contests_app.command("alert")
def contest_alert_cmd(
    alert_id: int, reason: Reason, family: Family = False, db: DbOption = None, as_name: AsOption = None
) -> None:
    """Contest an alert by its id."""
    from joinedup.contests import contest_alert

    who = "family" if family else "professional"
    cid = _run(db, as_name, lambda c, a: contest_alert(c, a, alert_id, reason, on_behalf_of=who))
    out.print(f"contest {cid} raised on alert {alert_id}", markup=False)


@contests_app.command("decide")
def decide_cmd(
    contest_id: int,
    outcome: Annotated[str, typer.Argument(help="upheld or rejected")],
    reason: Reason,
    unmerge: Annotated[int | None, typer.Option("--unmerge", help="Upholding a link: the merge to undo.")] = None,
    new_version: Annotated[
        int | None, typer.Option("--new-version", help="Upholding a record: the corrected version's record id.")
    ] = None,
    db: DbOption = None,
    as_name: AsOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Decide a contest (a manager); an upheld one is corrected by an unmerge or a new version."""
    from joinedup.contests import decide_contest

    decided = _run(
        db,
        as_name,
        lambda c, a: decide_contest(c, a, contest_id, outcome, reason, unmerge=unmerge, new_version=new_version),
    )
    if output is OutputFormat.TEXT:
        out.print(f"contest {contest_id} {decided['status']} by {decided['decided_by']}", markup=False)
        return
    typer.echo(orjson.dumps(decided).decode())


@contests_app.command("list")
def list_cmd(
    status: Annotated[str | None, typer.Option("--status", help="open, upheld or rejected.")] = None,
    person: Annotated[int | None, typer.Option("--person", help="Only contests about this person id.")] = None,
    db: DbOption = None,
    as_name: AsOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Every contest with its reason, status and decision."""
    from joinedup.contests import list_contests

    rows = _run(db, as_name, lambda c, a: list_contests(c, a, status=status, person_id=person))
    if output is OutputFormat.JSON:
        typer.echo(orjson.dumps(rows).decode())
        return
    if output is OutputFormat.JSONL:
        for r in rows:
            typer.echo(orjson.dumps(r).decode())
        return
    for r in rows:
        out.print(
            f"{r['id']:>5} {r['status']:<9} {r['item_kind']:<7} {r['item_key']} raised by {r['raised_by']}"
            f" ({r['on_behalf_of']})" + (f"; decided by {r['decided_by']}" if r["decided_by"] else ""),
            markup=False,
        )


def register(app: typer.Typer) -> None:
    app.add_typer(contests_app, name="contests")
