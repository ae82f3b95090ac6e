"""Reading and writing alerts, their evidence and their history: the only SQL on these tables.

The contract shape (``joinedup alerts list --format json``) is built here in ``alert_json`` so
the CLI and the API cannot drift apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from joinedup.storage.membership import one_of
from joinedup.storage.tables_alerts import Alert, AlertAction, AlertEvidence


def open_key(person_id: int, rule_id: str) -> str:
    """``rule_id`` is the rule's ``alert_key``: its id, or the group it shares an alert with."""
    return f"{person_id}:{rule_id}"


def find_open(conn: Connection, person_id: int, rule_id: str) -> Alert | None:
    row = conn.execute(select(Alert).where(Alert.open_key == open_key(person_id, rule_id))).first()
    return row[0] if row else None


def open_alerts_for(conn: Connection, person_ids: Sequence[int]) -> dict[tuple[int, str], Any]:
    rows = conn.execute(
        select(Alert.__table__).where(one_of(conn, Alert.person_id, person_ids), Alert.open_key.is_not(None))
    )
    # Keyed as the alert is kept open: by rule, or by group for rules sharing one alert.
    return {(r.person_id, r.open_key.split(":", 1)[1]): r for r in rows}


def closed_until(conn: Connection, person_ids: Sequence[int]) -> dict[tuple[int, str], date]:
    """For each (child, rule) with a decided alert: the newest evidence date it covered. A new
    alert for that pair needs a firing after that date."""
    rows = conn.execute(
        select(Alert.person_id, Alert.rule_id, func.max(AlertEvidence.occurred_on))
        .join(AlertEvidence, AlertEvidence.alert_id == Alert.id)
        .where(one_of(conn, Alert.person_id, person_ids), Alert.open_key.is_(None))
        .group_by(Alert.person_id, Alert.rule_id)
    )
    return {(p, r): d for p, r, d in rows}


def insert_alert(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(Alert).values(**values).returning(Alert.id)).scalar_one())


def update_alert(conn: Connection, alert_id: int, values: dict[str, Any]) -> None:
    conn.execute(update(Alert).where(Alert.id == alert_id).values(**values))


def evidence_ids(conn: Connection, alert_id: int) -> set[int]:
    return set(conn.execute(select(AlertEvidence.record_id).where(AlertEvidence.alert_id == alert_id)).scalars())


def add_evidence(conn: Connection, alert_id: int, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(AlertEvidence), [{"alert_id": alert_id, **r} for r in rows])


def add_action(
    conn: Connection, alert_id: int, action: str, actor: str, at: datetime, detail: dict[str, Any] | None = None
) -> None:
    conn.execute(insert(AlertAction).values(alert_id=alert_id, action=action, actor=actor, at=at, detail=detail))


def get_alert(conn: Connection, alert_id: int) -> Any:
    return conn.execute(select(Alert.__table__).where(Alert.id == alert_id)).first()


def list_alerts(
    conn: Connection,
    *,
    status: str | None = None,
    person_id: int | None = None,
    local_authority: str | None = None,
    rule_id: str | None = None,
    open_only: bool = False,
) -> list[Any]:
    query = select(Alert.__table__).order_by(Alert.id)
    if status:
        query = query.where(Alert.status == status)
    if open_only:
        query = query.where(Alert.open_key.is_not(None))
    if person_id is not None:
        query = query.where(Alert.person_id == person_id)
    if local_authority:
        query = query.where(Alert.local_authority == local_authority)
    if rule_id:
        query = query.where(Alert.rule_id == rule_id)
    return list(conn.execute(query))


def evidence_for(conn: Connection, alert_ids: Iterable[int]) -> dict[int, list[Any]]:
    ids = list(alert_ids)
    found: dict[int, list[Any]] = defaultdict(list)
    for i in range(0, len(ids), 500):
        rows = conn.execute(
            select(AlertEvidence.__table__)
            .where(AlertEvidence.alert_id.in_(ids[i : i + 500]))
            .order_by(AlertEvidence.occurred_on, AlertEvidence.record_id)
        )
        for row in rows:
            found[row.alert_id].append(row)
    return found


def actions_for(conn: Connection, alert_ids: Iterable[int]) -> dict[int, list[Any]]:
    found: dict[int, list[Any]] = defaultdict(list)
    ids = list(alert_ids)
    if ids:
        for row in conn.execute(
            select(AlertAction.__table__).where(AlertAction.alert_id.in_(ids)).order_by(AlertAction.id)
        ):
            found[row.alert_id].append(row)
    return found


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def alert_json(alert: Any, evidence: list[Any], *, today: date | None = None) -> dict[str, Any]:
    """The fixed contract shape (add keys freely; never rename)."""
    overdue = bool(today and alert.open_key is not None and alert.due_at < today)
    return {
        "alert_id": alert.id,
        "person_id": alert.person_id,
        "rule_id": alert.rule_id,
        "severity": alert.severity,
        "status": alert.status,
        "first_fired_at": _iso(alert.first_fired_at),
        "due_at": _iso(alert.due_at),
        "local_authority": alert.local_authority,
        "local_authority_source": alert.local_authority_source,
        "previous_local_authority": alert.previous_local_authority,
        "raised_at": _iso(alert.raised_at),
        "overdue": overdue,
        "escalated_at": _iso(alert.escalated_at),
        "acknowledged_by": alert.acknowledged_by,
        "acknowledged_at": _iso(alert.acknowledged_at),
        "decision": alert.decision,
        "rationale": alert.rationale,
        "decided_by": alert.decided_by,
        "decided_at": _iso(alert.decided_at),
        "evidence": [
            {
                "agency": e.agency,
                "source_record_id": e.source_record_id,
                "occurred_at": e.occurred_at,
                "event_type": e.event_type,
                "record_id": e.record_id,
                "about_person_id": e.about_person_id,
            }
            for e in evidence
        ],
    }
