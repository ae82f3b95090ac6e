"""Notifications promised to people outside the front door, written to an outbox first.

The outbox row is written in the same transaction as the alert or record that caused it, so
a promise is never lost between deciding and sending. Delivery is an adapter's job
(``alerts.adapters``); the embedded default leaves messages in the outbox for the receiving
service to collect. Messages carry ids and references only, never names or narratives.

Schemes:
- ``front_door_alert``: a new alert for the child's current area.
- ``transfer_in`` / ``transfer_out``: a child with an open alert moved area.
- ``escalation``: an alert passed its deadline undecided; the team manager is told.
- ``operation_encompass``: police attended domestic abuse in the child's household; the
  child's school is told before the start of the next school day.
- ``cp_is``: a child on a child protection plan attended an emergency department; the area's
  front door is told (the clinician sees the flag through ``alerts.flags``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, desc, insert, select

from joinedup.alerts.routing import Area
from joinedup.alerts.workdays import next_school_day_start
from joinedup.chronology.facts import is_current
from joinedup.rules.model import Rule
from joinedup.storage.tables_alerts import OutboxMessage
from joinedup.storage.tables_identity import SubjectLink
from joinedup.storage.tables_records import Organisation, Record, RecordHead

UNKNOWN = "(unknown: route by hand)"


def enqueue(
    conn: Connection,
    *,
    scheme: str,
    recipient_kind: str,
    recipient: str | None,
    dedupe_key: str,
    payload: dict[str, Any],
    now: datetime,
    person_id: int | None = None,
    alert_id: int | None = None,
    record_id: int | None = None,
    due_by: datetime | None = None,
) -> bool:
    """Add a message unless one with the same key is already there; True when added."""
    if conn.execute(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)).first():
        return False
    conn.execute(
        insert(OutboxMessage).values(
            scheme=scheme,
            recipient_kind=recipient_kind,
            recipient=recipient or UNKNOWN,
            person_id=person_id,
            alert_id=alert_id,
            record_id=record_id,
            dedupe_key=dedupe_key,
            payload=payload,
            due_by=due_by,
            status="pending" if recipient else "unroutable",
            attempts=0,
            created_at=now,
        )
    )
    return True


def front_door_alert(
    conn: Connection, alert_id: int, person_id: int, rule: Rule, area: Area, due: date, now: datetime
) -> None:
    enqueue(
        conn,
        scheme="front_door_alert",
        recipient_kind="la_front_door",
        recipient=area.local_authority,
        dedupe_key=f"alert:{alert_id}",
        payload={
            "alert_id": alert_id,
            "rule_id": rule.id,
            "severity": rule.severity,
            "due_at": due.isoformat(),
            "routed_by": area.source,
        },
        now=now,
        person_id=person_id,
        alert_id=alert_id,
    )


def transfer(conn: Connection, alert_id: int, person_id: int, old: str | None, new: str, now: datetime) -> None:
    stamp = now.isoformat()
    enqueue(
        conn, scheme="transfer_in", recipient_kind="la_front_door", recipient=new,
        dedupe_key=f"transfer_in:{alert_id}:{new}:{stamp}", payload={"alert_id": alert_id, "from": old},
        now=now, person_id=person_id, alert_id=alert_id,
    )  # fmt: skip
    if old:
        enqueue(
            conn, scheme="transfer_out", recipient_kind="la_front_door", recipient=old,
            dedupe_key=f"transfer_out:{alert_id}:{old}:{stamp}", payload={"alert_id": alert_id, "to": new},
            now=now, person_id=person_id, alert_id=alert_id,
        )  # fmt: skip


def escalation(conn: Connection, alert_id: int, person_id: int, local_authority: str | None, now: datetime) -> None:
    enqueue(
        conn,
        scheme="escalation",
        recipient_kind="team_manager",
        recipient=local_authority,
        dedupe_key=f"escalation:{alert_id}",
        payload={"alert_id": alert_id, "reason": "decision overdue"},
        now=now,
        person_id=person_id,
        alert_id=alert_id,
    )


def school_of(conn: Connection, person_ids: list[int]) -> str | None:
    """The child's school: the organisation of their most recent school record."""
    row = conn.execute(
        select(Organisation.name)
        .select_from(SubjectLink)
        .join(Record, Record.id == SubjectLink.record_id)
        .join(RecordHead, is_current())
        .join(Organisation, Organisation.id == Record.organisation_id)
        .where(SubjectLink.person_id.in_(person_ids), Record.agency == "school")
        .order_by(desc(Record.occurred_on), desc(Record.id))
        .limit(1)
    ).first()
    return row[0] if row else None


def operation_encompass(conn: Connection, record_id: int, child_id: int, school: str | None, now: datetime) -> None:
    enqueue(
        conn,
        scheme="operation_encompass",
        recipient_kind="school_key_adult",
        recipient=school,
        dedupe_key=f"encompass:{record_id}:{child_id}",
        payload={
            "record_id": record_id,
            "person_id": child_id,
            "what": "domestic abuse incident in the child's household",
        },
        now=now,
        person_id=child_id,
        record_id=record_id,
        due_by=next_school_day_start(now),
    )


def cp_is(conn: Connection, record_id: int, child_id: int, local_authority: str | None, now: datetime) -> None:
    enqueue(
        conn,
        scheme="cp_is",
        recipient_kind="la_front_door",
        recipient=local_authority,
        dedupe_key=f"cpis:{record_id}:{child_id}",
        payload={
            "record_id": record_id,
            "person_id": child_id,
            "what": "child on a child protection plan attended an emergency department",
        },
        now=now,
        person_id=child_id,
        record_id=record_id,
    )
