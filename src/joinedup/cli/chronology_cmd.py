"""``joinedup chronology PERSON_ID``: one child's story across agencies, through the access gate."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import orjson
import typer

from joinedup.access.guard import View
from joinedup.alerts.access import actor_named, view_of
from joinedup.chronology import ChronologyError, assemble_chronology
from joinedup.chronology.assemble import withhold_restricted
from joinedup.cli.common import DbOption, FormatOption, OutputFormat, database, err, out


def chronology(
    person_id: Annotated[int, typer.Argument(help="The child's person id (joinedup link export lists them).")],
    agency: Annotated[list[str] | None, typer.Option(help="Only these agencies (repeatable).")] = None,
    event_type: Annotated[
        list[str] | None, typer.Option("--event-type", help="Only these event types (repeatable).")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this date (YYYY-MM-DD).")] = None,
    purpose: Annotated[str, typer.Option(help="Why you are looking (recorded in the audit log).")] = "case_work",
    as_: Annotated[str | None, typer.Option("--as", help="Act as this user (default: the server's operator).")] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Every record about the child, their household and linked adults, in time order."""
    try:
        since_d = date.fromisoformat(since) if since else None
        until_d = date.fromisoformat(until) if until else None
    except ValueError as exc:
        err.print(f"[red]Dates are YYYY-MM-DD[/red] ({exc})")
        raise typer.Exit(2) from exc
    engine = database(db)
    with engine.begin() as conn:
        try:
            actor = actor_named(conn, as_)
        except Exception as exc:  # the access stage's UnknownUser and the like
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(3) from exc
        view = view_of(conn, actor, person_id, purpose, "chronology")
        if view is View.NONE:
            err.print(
                f"[red]{actor.name} may not see child {person_id}'s chronology.[/red] Ask the child's lead professional or a front-door manager for access."
            )
            raise typer.Exit(3)
        if view is View.FLAG:
            from joinedup.alerts.flags import child_flags

            flags = child_flags(conn, person_id)
            if output is OutputFormat.TEXT:
                out.print(f"child {person_id}: flags only (no chronology for {actor.name})")
                for key, value in flags.items():
                    out.print(f"  {key}: {value}", markup=False, highlight=False)
            else:
                typer.echo(orjson.dumps({"person_id": person_id, "view": "flag", "flags": flags}).decode())
            return
        try:
            story = assemble_chronology(
                conn,
                person_id,
                agencies=set(agency) if agency else None,
                event_types=set(event_type) if event_type else None,
                since=since_d,
                until=until_d,
            )
        except ChronologyError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
        story = withhold_restricted(story, actor)
    if output is not OutputFormat.TEXT:
        from joinedup.contests.marking import mark_chronology

        with engine.connect() as conn:  # adds "contested"/"contest_ids" to each entry (issue 9)
            typer.echo(orjson.dumps(mark_chronology(conn, story.as_json())).decode())
        return
    out.print(
        f"Chronology of child {person_id} (born {story.date_of_birth or 'unknown'}); on a CP plan: {'yes' if story.on_child_protection_plan else 'no'}",
        markup=False,
    )
    out.print(
        f"Household: {', '.join(f'{m.person_id} ({m.role})' for m in story.household) or 'none known'}", markup=False
    )
    for e in story.entries:
        if e.kind == "record" and e.provenance:
            p = e.provenance
            who = "child" if e.about == "child" else f"household {e.about_person_id}"
            versions = f" v{p.version}" if p.earlier_versions else ""
            link = (
                f"{p.link_decision} {p.match_probability:.2f}"
                if p.match_probability is not None
                else (p.link_decision or "")
            )
            out.print(
                f"{e.on}  {e.agency:<22} {e.event_type:<36} [{who}] {p.organisation or ''} {p.source_record_id}{versions} ({link})",
                markup=False,
                highlight=False,
            )
            if e.narrative:
                out.print(f"            {e.narrative}", markup=False, highlight=False)
            elif e.narrative_withheld:
                out.print("            (narrative withheld from your role)", markup=False, highlight=False)
        elif e.kind == "alert":
            out.print(f"{e.on}  ALERT {e.alert_id} raised: {e.rule_id}", markup=False, highlight=False)
        else:
            out.print(
                f"{e.on}  DECISION on alert {e.alert_id} ({e.rule_id}): {e.decision} by {e.decided_by}: {e.rationale}",
                markup=False,
                highlight=False,
            )


def register(app: typer.Typer) -> None:
    app.command("chronology")(chronology)
