"""``joinedup alerts list|show|ack|decide|escalate|outbox|deliver``: the front door's queue.

``alerts list --format json`` is a fixed contract (issue 5): a JSON array of alerts with
``alert_id, person_id, rule_id, severity, status, first_fired_at, due_at, local_authority,
evidence[{agency, source_record_id, occurred_at, event_type}]``; keys are added, never renamed.
Every command runs the pipeline's pending work first, so the list reflects everything ingested.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from joinedup.access.guard import View
from joinedup.alerts import service
from joinedup.alerts.access import actor_named, view_of
from joinedup.alerts.adapters import OutboxOnly, Webhook, deliver_pending
from joinedup.alerts.errors import AlertError
from joinedup.alerts.workdays import UK
from joinedup.cli.common import DbOption, FormatOption, OutputFormat, database, err, operator_name, out
from joinedup.storage import alerts_repo
from joinedup.storage.tables_alerts import OutboxMessage

alerts_app = typer.Typer(help="Alerts for the children's social care front door.", no_args_is_help=True)
AsOption = Annotated[str | None, typer.Option("--as", help="Act as this user (default: the server's operator).")]


def _emit(data: Any, output: OutputFormat) -> None:
    if output is OutputFormat.JSONL and isinstance(data, list):
        for item in data:
            typer.echo(orjson.dumps(item).decode())
    else:
        typer.echo(orjson.dumps(data).decode())


@alerts_app.command("list")
def list_alerts(
    status: Annotated[str | None, typer.Option(help="open, acknowledged or decided.")] = None,
    person: Annotated[int | None, typer.Option(help="Only this child's alerts.")] = None,
    local_authority: Annotated[str | None, typer.Option("--la", help="Only this area's alerts.")] = None,
    rule: Annotated[str | None, typer.Option(help="Only this rule's alerts.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only alerts not yet decided.")] = False,
    as_: AsOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Alerts with child, rule, triggering records and deadline."""
    engine = database(db)
    from joinedup.pipeline import process_pending

    process_pending(engine)
    today = datetime.now(UK).date()
    with engine.begin() as conn:
        actor = actor_named(conn, as_)
        rows = alerts_repo.list_alerts(
            conn, status=status, person_id=person, local_authority=local_authority, rule_id=rule, open_only=open_only
        )
        views = {pid: view_of(conn, actor, pid, "alert_triage") for pid in {r.person_id for r in rows}}
        rows = [r for r in rows if views[r.person_id] is not View.NONE]
        evidence = alerts_repo.evidence_for(conn, [r.id for r in rows if views[r.person_id] is View.FULL])
        alerts = [alerts_repo.alert_json(r, evidence.get(r.id, []), today=today) for r in rows]
    if output is not OutputFormat.TEXT:
        _emit(alerts, output)
        return
    table = Table("id", "child", "rule", "severity", "status", "first fired", "due", "area", "records")
    for a in alerts:
        due = f"[red]{a['due_at']} overdue[/red]" if a["overdue"] else a["due_at"]
        table.add_row(
            str(a["alert_id"]),
            str(a["person_id"]),
            a["rule_id"],
            a["severity"],
            a["status"],
            a["first_fired_at"],
            due,
            a["local_authority"] or "unknown",
            str(len(a["evidence"])),
        )
    out.print(table)
    err.print(f"{len(alerts)} alert(s)")


@alerts_app.command("show")
def show(alert_id: int, as_: AsOption = None, db: DbOption = None, output: FormatOption = OutputFormat.TEXT) -> None:
    """One alert: its rule, every triggering record, its history and decision."""
    engine = database(db)
    with engine.begin() as conn:
        alert = alerts_repo.get_alert(conn, alert_id)
        if alert is None:
            err.print(f"[red]No alert {alert_id}[/red]: check the id with `joinedup alerts list`")
            raise typer.Exit(1)
        actor = actor_named(conn, as_)
        view = view_of(conn, actor, alert.person_id, "alert_detail")
        if view is View.NONE:
            err.print(
                f"[red]{actor.name} may not see child {alert.person_id}'s alerts.[/red] Ask the child's lead professional or a front-door manager."
            )
            raise typer.Exit(3)
        evidence = alerts_repo.evidence_for(conn, [alert_id])[alert_id] if view is View.FULL else []
        data = alerts_repo.alert_json(alert, evidence, today=datetime.now(UK).date())
        data["history"] = [
            {"action": a.action, "actor": a.actor, "at": a.at.isoformat(), "detail": a.detail}
            for a in alerts_repo.actions_for(conn, [alert_id])[alert_id]
        ]
    if output is not OutputFormat.TEXT:
        _emit(data, output)
        return
    for key in (
        "alert_id",
        "person_id",
        "rule_id",
        "severity",
        "status",
        "first_fired_at",
        "due_at",
        "local_authority",
        "local_authority_source",
        "decision",
        "rationale",
    ):
        out.print(f"{key}: {data[key]}", markup=False, highlight=False)
    out.print("evidence:")
    for e in data["evidence"]:
        out.print(
            f"  {e['occurred_at']}  {e['agency']:<22} {e['event_type']:<36} {e['source_record_id']}",
            markup=False,
            highlight=False,
        )
    out.print("history:")
    for h in data["history"]:
        out.print(f"  {h['at']}  {h['action']} by {h['actor']}", markup=False, highlight=False)


def _act(db: str | None, action: Any) -> None:
    engine = database(db)
    try:
        with engine.begin() as conn:
            action(conn)
    except AlertError as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc


@alerts_app.command("ack")
def ack(alert_id: int, as_: AsOption = None, db: DbOption = None) -> None:
    """Acknowledge an alert: someone at the front door has it."""
    _act(db, lambda conn: service.acknowledge(conn, alert_id, as_ or operator_name()))
    out.print(f"alert {alert_id} acknowledged")


@alerts_app.command("decide")
def decide(
    alert_id: int,
    decision: Annotated[str, typer.Option(help=f"One of: {', '.join(service.DECISIONS)}.")],
    rationale: Annotated[str, typer.Option(help="Why this response (recorded, shown in the chronology).")],
    as_: AsOption = None,
    db: DbOption = None,
) -> None:
    """Record the front door's decision and its rationale; closes the alert."""
    _act(db, lambda conn: service.decide(conn, alert_id, decision, rationale, as_ or operator_name()))
    out.print(f"alert {alert_id} decided: {decision}")


@alerts_app.command("escalate")
def escalate(db: DbOption = None) -> None:
    """Escalate every overdue undecided alert to the team manager (also done after each ingest)."""
    engine = database(db)
    with engine.begin() as conn:
        n = service.escalate_overdue(conn)
    out.print(f"{n} alert(s) escalated")


@alerts_app.command("outbox")
def outbox(
    status: Annotated[str | None, typer.Option(help="pending, delivered, failed or unroutable.")] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.JSONL,
) -> None:
    """Notifications waiting or sent (Operation Encompass, CP-IS, front door, transfers)."""
    from sqlalchemy import select

    engine = database(db)
    with engine.connect() as conn:
        query = select(OutboxMessage.__table__).order_by(OutboxMessage.id)
        if status:
            query = query.where(OutboxMessage.status == status)
        rows = [
            {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in r._mapping.items()}
            for r in conn.execute(query)
        ]
    _emit(rows, OutputFormat.JSONL if output is OutputFormat.TEXT else output)


@alerts_app.command("deliver")
def deliver(
    webhook: Annotated[str | None, typer.Option(help="POST each pending message as JSON to this URL.")] = None,
    db: DbOption = None,
) -> None:
    """Deliver pending notifications through an adapter (default: leave them in the outbox)."""
    engine = database(db)
    adapter = Webhook(webhook) if webhook else OutboxOnly()
    if isinstance(adapter, OutboxOnly):
        out.print("outbox-only delivery: messages stay in the outbox for collection")
        return
    with engine.begin() as conn:
        sent, failed = deliver_pending(conn, adapter)
    out.print(f"delivered {sent}, failed {failed} (at {datetime.now(UTC).isoformat(timespec='seconds')})")


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")
