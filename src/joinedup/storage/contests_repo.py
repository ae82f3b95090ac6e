"""Reading and writing contests. Only the decision columns of a contest are ever set after it
is raised, and only once (the update is guarded by ``status = 'open'``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from joinedup.storage.tables_alerts import Alert
from joinedup.storage.tables_contests import Contest
from joinedup.storage.tables_identity import SubjectLink
from joinedup.storage.tables_records import Record, RecordHead, RecordSubject


def add(conn: Connection, **values: Any) -> int:
    return int(conn.execute(insert(Contest).values(**values).returning(Contest.id)).scalar_one())


def get(conn: Connection, contest_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(Contest).where(Contest.id == contest_id)).mappings().first()
    return dict(row) if row else None


def decide(conn: Connection, contest_id: int, **values: Any) -> bool:
    """Set the decision; False when the contest was no longer open (someone decided first)."""
    done = conn.execute(update(Contest).where(Contest.id == contest_id, Contest.status == "open").values(**values))
    return bool(done.rowcount)


def listing(
    conn: Connection, *, status: str | None = None, person_id: int | None = None, limit: int = 1000
) -> list[dict[str, Any]]:
    query = select(Contest).order_by(Contest.id).limit(limit)
    if status is not None:
        query = query.where(Contest.status == status)
    if person_id is not None:
        query = query.where(Contest.person_id == person_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def open_keys(conn: Connection) -> dict[tuple[str, str], list[int]]:
    """(item_kind, item_key) -> ids of the open contests on it: what every view marks."""
    found: dict[tuple[str, str], list[int]] = {}
    rows = conn.execute(
        select(Contest.item_kind, Contest.item_key, Contest.id).where(Contest.status == "open").order_by(Contest.id)
    )
    for kind, key, cid in rows:
        found.setdefault((kind, key), []).append(cid)
    return found


def head_record(conn: Connection, agency: str, source_record_id: str) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(Record.id, Record.version, Record.agency, Record.source_record_id)
            .join(RecordHead, RecordHead.record_id == Record.id)
            .where(Record.agency == agency, Record.source_record_id == source_record_id)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def record(conn: Connection, record_id: int) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(Record.id, Record.version, Record.agency, Record.source_record_id).where(Record.id == record_id)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def subject_link(conn: Connection, record_id: int, subject_index: int) -> dict[str, Any] | None:
    row = (
        conn.execute(
            select(RecordSubject.id, RecordSubject.role, SubjectLink.person_id, SubjectLink.decision)
            .outerjoin(SubjectLink, SubjectLink.record_subject_id == RecordSubject.id)
            .where(RecordSubject.record_id == record_id, RecordSubject.subject_index == subject_index)
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


def first_child_person(conn: Connection, record_id: int) -> int | None:
    return conn.execute(
        select(SubjectLink.person_id)
        .join(RecordSubject, RecordSubject.id == SubjectLink.record_subject_id)
        .where(RecordSubject.record_id == record_id)
        .order_by(RecordSubject.role != "child", RecordSubject.subject_index)
        .limit(1)
    ).scalar()


def alert(conn: Connection, alert_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(Alert.id, Alert.person_id, Alert.rule_id, Alert.status).where(Alert.id == alert_id))
    found = row.mappings().first()
    return dict(found) if found else None


def alerts_resting_on_others(conn: Connection, person_ids: list[int]) -> list[int]:
    """Open alerts of these persons with evidence about a record none of their subjects is now
    linked to: after an unmerge, the alerts a manager must look at again."""
    from joinedup.storage.tables_alerts import AlertEvidence

    found: list[int] = []
    for pid in person_ids:
        own = set(conn.execute(select(SubjectLink.record_id).where(SubjectLink.person_id == pid)).scalars())
        rows = conn.execute(
            select(Alert.id, AlertEvidence.record_id)
            .join(AlertEvidence, AlertEvidence.alert_id == Alert.id)
            .where(Alert.person_id == pid, Alert.status != "decided")
        )
        found += sorted({alert_id for alert_id, record_id in rows if record_id not in own})
    return found


def open_record_ids(conn: Connection) -> list[dict[str, Any]]:
    """(contest id, record version id) of every open contest on a record or a link."""
    rows = conn.execute(
        select(Contest.id, Contest.record_id).where(Contest.status == "open", Contest.record_id.is_not(None))
    )
    return [dict(r) for r in rows.mappings()]


def subject_keys(conn: Connection, record_subject_ids: list[int]) -> dict[int, dict[str, Any]]:
    """record_subject id -> the agency, source record id and subject index that name its link."""
    if not record_subject_ids:
        return {}
    rows = conn.execute(
        select(RecordSubject.id, Record.agency, Record.source_record_id, RecordSubject.subject_index)
        .join(Record, Record.id == RecordSubject.record_id)
        .where(RecordSubject.id.in_(sorted(set(record_subject_ids))))
    ).mappings()
    return {
        r["id"]: {"agency": r["agency"], "source_record_id": r["source_record_id"], "subject_index": r["subject_index"]}
        for r in rows
    }


def subject_index_of(conn: Connection, agency: str, source_record_id: str, person_id: int) -> int | None:
    """Which subject of the record (its current version) is linked to this person."""
    return conn.execute(
        select(RecordSubject.subject_index)
        .join(RecordHead, RecordHead.record_id == RecordSubject.record_id)
        .join(Record, Record.id == RecordSubject.record_id)
        .join(SubjectLink, SubjectLink.record_subject_id == RecordSubject.id)
        .where(Record.agency == agency, Record.source_record_id == source_record_id, SubjectLink.person_id == person_id)
        .order_by(RecordSubject.subject_index)
        .limit(1)
    ).scalar()
