"""SQL of the review queue and of merges: the only writer of review items and merge events."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, bindparam, delete, insert, select, update

from joinedup.storage.identity_links_repo import now
from joinedup.storage.tables_identity import IdentityProfile, MergeEvent, Person, ReviewItem, SubjectLink
from joinedup.storage.tables_records import Record, RecordSubject


def items(conn: Connection, statuses: tuple[str, ...], limit: int) -> list[dict[str, Any]]:
    rows = conn.execute(select(ReviewItem).where(ReviewItem.status.in_(statuses)).order_by(ReviewItem.id).limit(limit))
    return [dict(r._mapping) for r in rows]


def item(conn: Connection, item_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(ReviewItem).where(ReviewItem.id == item_id)).first()
    return dict(row._mapping) if row else None


def subject_with_record(conn: Connection, record_subject_id: int) -> dict[str, Any] | None:
    row = conn.execute(
        select(RecordSubject, Record.agency, Record.source_record_id, Record.occurred_at)
        .join(Record, Record.id == RecordSubject.record_id)
        .where(RecordSubject.id == record_subject_id)
    ).first()
    return dict(row._mapping) if row else None


def subjects_of_person(conn: Connection, person_id: int, limit: int = 50) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(RecordSubject, Record.agency, Record.source_record_id, Record.occurred_at)
        .join(SubjectLink, SubjectLink.record_subject_id == RecordSubject.id)
        .join(Record, Record.id == RecordSubject.record_id)
        .where(SubjectLink.person_id == person_id)
        .order_by(RecordSubject.id)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def set_item(conn: Connection, item_id: int, **values: Any) -> None:
    conn.execute(update(ReviewItem).where(ReviewItem.id == item_id).values(**values))


def set_decision(conn: Connection, record_subject_id: int, decision: str) -> None:
    conn.execute(
        update(SubjectLink)
        .where(SubjectLink.record_subject_id == record_subject_id)
        .values(decision=decision, linked_at=now())
    )


def person(conn: Connection, person_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(Person).where(Person.id == person_id)).first()
    return dict(row._mapping) if row else None


def links_of(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(
            SubjectLink.record_subject_id, SubjectLink.person_id, SubjectLink.decision, SubjectLink.match_probability
        )
        .where(SubjectLink.person_id == person_id)
        .order_by(SubjectLink.record_subject_id)
    )
    return [dict(r._mapping) for r in rows]


def move_links(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Set person, decision and probability of each ``record_subject_id`` given."""
    if not rows:
        return
    stamp = now()
    conn.execute(
        update(SubjectLink)
        .where(SubjectLink.record_subject_id == bindparam("rsid"))
        .values(
            person_id=bindparam("pid"), decision=bindparam("dec"), match_probability=bindparam("prob"), linked_at=stamp
        )
        .execution_options(synchronize_session=False),
        [
            {
                "rsid": r["record_subject_id"],
                "pid": r["person_id"],
                "dec": r["decision"],
                "prob": r["match_probability"],
            }
            for r in rows
        ],
    )


def set_person(conn: Connection, person_id: int, status: str, merged_into_id: int | None) -> None:
    conn.execute(update(Person).where(Person.id == person_id).values(status=status, merged_into_id=merged_into_id))


def add_event(conn: Connection, **values: Any) -> int:
    return int(
        conn.execute(insert(MergeEvent).values(created_at=now(), **values).returning(MergeEvent.id)).scalar_one()
    )


def event(conn: Connection, event_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(MergeEvent).where(MergeEvent.id == event_id)).first()
    return dict(row._mapping) if row else None


def events(conn: Connection, person_id: int | None, limit: int) -> list[dict[str, Any]]:
    query = select(MergeEvent).order_by(MergeEvent.id.desc()).limit(limit)
    if person_id is not None:
        query = query.where((MergeEvent.from_person_id == person_id) | (MergeEvent.into_person_id == person_id))
    return [dict(r._mapping) for r in conn.execute(query)]


def mark_undone(conn: Connection, event_id: int, by_event_id: int) -> None:
    conn.execute(update(MergeEvent).where(MergeEvent.id == event_id).values(undone_by_event_id=by_event_id))


def drop_profiles(conn: Connection, person_ids: list[int]) -> None:
    conn.execute(delete(IdentityProfile).where(IdentityProfile.person_id.in_(person_ids)))


def subject_rows_of(conn: Connection, person_ids: list[int]) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(RecordSubject, SubjectLink.person_id.label("linked_person_id"))
        .join(SubjectLink, SubjectLink.record_subject_id == RecordSubject.id)
        .where(SubjectLink.person_id.in_(person_ids))
    )
    return [dict(r._mapping) for r in rows]
