"""What happens to alerts: raised or updated from a rule's firing, rerouted when a child moves,
escalated when overdue, acknowledged and decided by people.

One open alert per child and rule (``alerts.open_key``): new evidence is added to the open
alert rather than raising another. Rules that name the same ``alert_group`` share one open
alert per child: the first to fire opens it, the others add their evidence and their name
(action ``rule_joined``), and the alert takes the highest severity and the earliest deadline
among them. A decided alert is closed; the same rule (or group) can raise a new alert for the
child only on evidence dated after the decided one's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from joinedup.alerts import notify
from joinedup.alerts.errors import AlertNotFound, AlertStateError
from joinedup.alerts.routing import Area
from joinedup.alerts.workdays import UK, add_working_days
from joinedup.audit.chain import append_event
from joinedup.audit.events import LAWFUL_BASIS_SAFEGUARDING, AuditEvent
from joinedup.chronology.facts import Event
from joinedup.rules.evaluate import Firing
from joinedup.rules.model import SEVERITIES, Rule
from joinedup.storage import alerts_repo as repo
from joinedup.storage.tables_alerts import Alert
from joinedup.storage.tables_records import Record

DECISIONS = ("no_further_action", "early_help", "child_and_family_assessment", "strategy_discussion", "already_open")
SYSTEM = "joinedup:rules"
ROUTING_PURPOSE = "safeguarding: share a combined concern with the children's social care front door"


def _audit_routing(conn: Connection, alert_id: int, person_id: int, rule_id: str, detail: dict[str, Any]) -> None:
    """Routing an alert shares what several agencies recorded with the front door: a sharing
    decision, so it is recorded with its purpose and lawful basis in the same transaction."""
    append_event(
        conn,
        AuditEvent(
            actor_name=SYSTEM,
            actor_kind="system",
            role="",
            action="alert_routed",
            purpose=ROUTING_PURPOSE,
            outcome="routed",
            lawful_basis=LAWFUL_BASIS_SAFEGUARDING,
            person_id=person_id,
            detail={"alert_id": alert_id, "rule_id": rule_id, **detail},
        ),
    )


def _evidence_rows(conn: Connection, events: list[Event], now: datetime) -> list[dict[str, Any]]:
    ids = [e.record_id for e in events]
    meta = {
        r.id: r
        for r in conn.execute(select(Record.id, Record.source_record_id, Record.occurred_at).where(Record.id.in_(ids)))
    }
    return [
        {
            "record_id": e.record_id,
            "agency": e.agency,
            "source_record_id": meta[e.record_id].source_record_id,
            "occurred_at": meta[e.record_id].occurred_at,
            "occurred_on": e.occurred_on,
            "event_type": e.event_type,
            "about_person_id": e.about_person_id,
            "added_at": now,
        }
        for e in events
        if e.record_id in meta
    ]


def raise_or_update(conn: Connection, rule: Rule, firing: Firing, area: Area, existing: Any, now: datetime) -> int:
    """Open a new alert for the firing, or add its new evidence to the open one; returns the id."""
    if existing is None:
        due = add_working_days(now.astimezone(UK).date(), rule.decision_within_working_days)
        alert_id = repo.insert_alert(
            conn,
            {
                "person_id": firing.person_id,
                "rule_id": rule.id,
                "severity": rule.severity,
                "status": "open",
                "open_key": repo.open_key(firing.person_id, rule.alert_key),
                "first_fired_at": firing.first_on,
                "trigger_record_id": firing.trigger.record_id,
                "raised_at": now,
                "due_at": due,
                "local_authority": area.local_authority,
                "local_authority_source": area.source,
                "updated_at": now,
            },
        )
        repo.add_evidence(conn, alert_id, _evidence_rows(conn, firing.sorted_evidence(), now))
        repo.add_action(conn, alert_id, "raised", SYSTEM, now, {"rule_id": rule.id, "routed_by": area.source})
        notify.front_door_alert(conn, alert_id, firing.person_id, rule, area, due, now)
        _audit_routing(
            conn, alert_id, firing.person_id, rule.id, {"to": area.local_authority, "routed_by": area.source}
        )
        return alert_id
    held = repo.evidence_ids(conn, existing.id)
    new = [e for e in firing.sorted_evidence() if e.record_id not in held]
    if rule.id != existing.rule_id:
        _join(conn, existing, rule, firing, now)
    if new:
        repo.add_evidence(conn, existing.id, _evidence_rows(conn, new, now))
        repo.update_alert(conn, existing.id, {"updated_at": now})
        repo.add_action(conn, existing.id, "evidence_added", SYSTEM, now, {"record_ids": [e.record_id for e in new]})
    reroute(conn, existing, area, now)
    return int(existing.id)


def _join(conn: Connection, alert: Any, rule: Rule, firing: Firing, now: datetime) -> None:
    """Another rule of the alert's group fired: said once on the alert, which takes the higher
    severity and the earlier deadline of the two."""
    joined = {
        a.detail.get("rule_id")
        for a in repo.actions_for(conn, [alert.id]).get(alert.id, [])
        if a.action == "rule_joined" and a.detail
    }
    if rule.id in joined:
        return
    values: dict[str, Any] = {"updated_at": now}
    if SEVERITIES.index(rule.severity) > SEVERITIES.index(alert.severity):
        values["severity"] = rule.severity
    due = add_working_days(now.astimezone(UK).date(), rule.decision_within_working_days)
    if alert.open_key is not None and due < alert.due_at:
        values["due_at"] = due
    repo.update_alert(conn, alert.id, values)
    repo.add_action(
        conn, alert.id, "rule_joined", SYSTEM, now, {"rule_id": rule.id, "first_fired_at": firing.first_on.isoformat()}
    )


def reroute(conn: Connection, alert: Any, area: Area, now: datetime) -> bool:
    """The child moved: the new area's front door gets the alert, the old one is told."""
    old = alert.local_authority
    if area.local_authority is None or area.local_authority == old:
        return False
    repo.update_alert(
        conn,
        alert.id,
        {
            "local_authority": area.local_authority,
            "local_authority_source": area.source,
            "previous_local_authority": old,
            "updated_at": now,
        },
    )
    repo.add_action(
        conn, alert.id, "rerouted", SYSTEM, now, {"from": old, "to": area.local_authority, "by": area.source}
    )
    notify.transfer(conn, alert.id, alert.person_id, old, area.local_authority, now)
    _audit_routing(
        conn, int(alert.id), int(alert.person_id), str(alert.rule_id), {"from": old, "to": area.local_authority}
    )
    return True


def acknowledge(conn: Connection, alert_id: int, actor: str, now: datetime | None = None) -> None:
    now = now or datetime.now(UTC)
    alert = repo.get_alert(conn, alert_id)
    if alert is None:
        raise AlertNotFound(alert_id)
    if alert.status != "open":
        raise AlertStateError(f"alert {alert_id} is {alert.status}; only an open alert can be acknowledged")
    repo.update_alert(
        conn, alert_id, {"status": "acknowledged", "acknowledged_by": actor, "acknowledged_at": now, "updated_at": now}
    )
    repo.add_action(conn, alert_id, "acknowledged", actor, now)


def decide(
    conn: Connection, alert_id: int, decision: str, rationale: str, actor: str, now: datetime | None = None
) -> None:
    """Record the front door's decision and close the alert; the rationale is required, because
    the seventh golden rule of information sharing asks for the decision and the reason."""
    now = now or datetime.now(UTC)
    if decision not in DECISIONS:
        raise AlertStateError(f"{decision!r} is not a decision; use one of {', '.join(DECISIONS)}")
    if not rationale or not rationale.strip():
        raise AlertStateError("give the rationale for the decision (why this response)")
    alert = repo.get_alert(conn, alert_id)
    if alert is None:
        raise AlertNotFound(alert_id)
    if alert.status == "decided":
        raise AlertStateError(f"alert {alert_id} was already decided ({alert.decision})")
    values: dict[str, Any] = {
        "status": "decided",
        "open_key": None,
        "decision": decision,
        "rationale": rationale.strip(),
        "decided_by": actor,
        "decided_at": now,
        "updated_at": now,
    }
    if alert.acknowledged_at is None:
        values |= {"acknowledged_by": actor, "acknowledged_at": now}
    repo.update_alert(conn, alert_id, values)
    repo.add_action(conn, alert_id, "decided", actor, now, {"decision": decision})


def escalate_overdue(conn: Connection, now: datetime | None = None) -> int:
    """Every undecided alert past its due date goes to the team manager (once)."""
    now = now or datetime.now(UTC)
    today = now.astimezone(UK).date()
    rows = conn.execute(
        select(Alert.id, Alert.person_id, Alert.local_authority, Alert.due_at).where(
            Alert.open_key.is_not(None), Alert.escalated_at.is_(None), Alert.due_at < today
        )
    ).all()
    for row in rows:
        repo.update_alert(conn, row.id, {"escalated_at": now, "updated_at": now})
        repo.add_action(
            conn, row.id, "escalated", SYSTEM, now, {"to": "team_manager", "due_at": row.due_at.isoformat()}
        )
        notify.escalation(conn, row.id, row.person_id, row.local_authority, now)
    return len(rows)
