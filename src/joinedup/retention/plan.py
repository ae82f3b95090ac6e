"""Working out which records are past their retention date, and what still holds each one.

A record is due when its event date plus its event type's ``retention_years`` (from the
data-minimisation register) has passed. It is *held*, and reported as such, while it is
evidence for an alert nobody has decided yet or while it is under an open contest: deleting
the evidence of an open question would destroy the very thing a family or a manager is
entitled to see. Event types the register does not name are held too, and said so, because
guessing a retention period is a records manager's decision, not ours.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, or_, select

from joinedup.ingest.minimisation import Register, load_register
from joinedup.storage.tables_alerts import Alert, AlertEvidence
from joinedup.storage.tables_contests import Contest
from joinedup.storage.tables_records import Record, RecordHead


@dataclass(frozen=True)
class RetentionItem:
    agency: str
    source_record_id: str
    versions: int
    event_type: str
    occurred_on: str
    retention_years: int | None
    due_on: str | None
    held_by: str | None  # None: may go; otherwise why it must stay for now

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def years_after(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def plan_retention(conn: Connection, today: date, register: Register | None = None) -> list[RetentionItem]:
    """Every record (by agency and source id, all its versions together) due by ``today``."""
    register = register or load_register()
    by_years: dict[int, list[str]] = {}
    for kind in register.event_types.values():
        by_years.setdefault(kind.retention_years, []).append(kind.event_type)
    due_clauses = [
        and_(Record.event_type.in_(types), Record.occurred_on <= years_after(today, -years))
        for years, types in by_years.items()
    ]
    unregistered = Record.event_type.not_in(list(register.event_types))
    rows = conn.execute(
        select(Record.id, Record.agency, Record.source_record_id, Record.version, Record.event_type, Record.occurred_on)
        .join(RecordHead, RecordHead.record_id == Record.id)
        .where(or_(unregistered, *due_clauses))
        .order_by(Record.occurred_on, Record.agency, Record.source_record_id)
    ).all()
    if not rows:
        return []
    open_evidence = _open_alert_evidence(conn)
    contested = _open_record_contests(conn)
    items = []
    for row in rows:
        entry = register.event_types.get(row.event_type)
        key = (row.agency, row.source_record_id)
        if entry is None:
            held: str | None = "event type not in the data register: the records manager must set its period"
        elif key in open_evidence:
            held = f"evidence for undecided alert {open_evidence[key]}"
        elif f"{row.agency}/{row.source_record_id}" in contested:
            held = "under an open contest"
        else:
            held = None
        items.append(
            RetentionItem(
                agency=row.agency,
                source_record_id=row.source_record_id,
                versions=int(row.version),
                event_type=row.event_type,
                occurred_on=row.occurred_on.isoformat(),
                retention_years=None if entry is None else entry.retention_years,
                due_on=None if entry is None else years_after(row.occurred_on, entry.retention_years).isoformat(),
                held_by=held,
            )
        )
    return items


def _open_alert_evidence(conn: Connection) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for agency, source_record_id, alert_id in conn.execute(
        select(AlertEvidence.agency, AlertEvidence.source_record_id, Alert.id)
        .join(Alert, Alert.id == AlertEvidence.alert_id)
        .where(Alert.status != "decided")
    ):
        found.setdefault((agency, source_record_id), int(alert_id))
    return found


def _open_record_contests(conn: Connection) -> set[str]:
    return set(
        conn.execute(select(Contest.item_key).where(Contest.item_kind == "record", Contest.status == "open")).scalars()
    )
