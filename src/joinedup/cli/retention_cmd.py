"""``joinedup retention apply --dry-run``: what the data register's retention periods would remove.

Only the dry run exists: it lists every record past its period and what, if anything, holds it
(an undecided alert, an open contest, an event type the register does not name). Removing
records is refused until the deletion procedure (which must settle derived links, alerts and
audit references) is built and signed off; saying so plainly beats a flag that does nothing.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import Annotated

import orjson
import typer
from rich.table import Table

from joinedup.cli.common import DbOption, FormatOption, OutputFormat, database, err, out

retention_app = typer.Typer(help="Retention: records past the data register's periods.", no_args_is_help=True)


@retention_app.command("apply")
def apply(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would go and why; change nothing.")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge as on this date (YYYY-MM-DD).")] = None,
    output: FormatOption = OutputFormat.TEXT,
    db: DbOption = None,
) -> None:
    """Show (with --dry-run) every record past its retention period and what holds it."""
    from joinedup.access.actors import operator_actor
    from joinedup.audit.chain import record_event
    from joinedup.audit.events import AuditEvent
    from joinedup.records.clock import uk_today
    from joinedup.retention import plan_retention

    if not dry_run:
        err.print(
            "[red]Not done:[/red] removing records is not built yet; "
            "run with --dry-run to see what is due and what holds it."
        )
        raise typer.Exit(2)
    try:
        today = date.fromisoformat(as_of) if as_of else uk_today()
    except ValueError as exc:
        err.print(f"[red]--as-of {as_of!r} is not a date;[/red] write it as YYYY-MM-DD")
        raise typer.Exit(2) from exc
    engine = database(db)
    with engine.begin() as conn:
        items = plan_retention(conn, today)
        due = sum(1 for i in items if i.held_by is None)
        record_event(
            conn,
            AuditEvent.for_actor(
                operator_actor(),
                action="retention_review",
                purpose="data minimisation: retention schedule",
                outcome="dry_run",
                detail={"as_of": today.isoformat(), "due": due, "held": len(items) - due},
            ),
        )
    if output is OutputFormat.JSON:
        typer.echo(orjson.dumps([i.as_json() for i in items]).decode())
        return
    if output is OutputFormat.JSONL:
        for item in items:
            typer.echo(orjson.dumps(item.as_json()).decode())
        return
    if not items:
        out.print(f"Nothing is past its retention period on {today.isoformat()}.")
        return
    table = Table(title=f"Past their retention period on {today.isoformat()} (dry run: nothing removed)")
    for column in ("event type", "years", "would go", "held", "why held"):
        table.add_column(column)
    by_type: dict[str, Counter[str]] = {}
    years: dict[str, str] = {}
    for item in items:
        by_type.setdefault(item.event_type, Counter())[item.held_by or ""] += 1
        years[item.event_type] = "?" if item.retention_years is None else str(item.retention_years)
    for event_type, reasons in sorted(by_type.items()):
        held = {r: n for r, n in reasons.items() if r}
        table.add_row(
            event_type,
            years[event_type],
            str(reasons.get("", 0)),
            str(sum(held.values())),
            "; ".join(f"{n} {r}" for r, n in held.items()),
        )
    out.print(table)
    out.print(f"{due} records would go, {len(items) - due} are held.")


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")
