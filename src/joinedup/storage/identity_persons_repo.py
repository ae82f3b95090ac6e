"""Reads about persons for other stages: their records, co-subjects and shared addresses."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select
from sqlalchemy.orm import aliased

from joinedup.storage.tables_identity import IdentityProfile, Person, SubjectLink
from joinedup.storage.tables_records import Record, RecordHead, RecordSubject


def merged_into(conn: Connection, person_id: int) -> int | None:
    return conn.execute(select(Person.merged_into_id).where(Person.id == person_id)).scalar_one_or_none()


def record_ids(conn: Connection, person_id: int) -> list[int]:
    rows = conn.execute(
        select(SubjectLink.record_id)
        .where(SubjectLink.person_id == person_id)
        .distinct()
        .order_by(SubjectLink.record_id)
    )
    return [r[0] for r in rows]


def person_of_subject(conn: Connection, record_id: int, subject_index: int) -> int | None:
    return conn.execute(
        select(SubjectLink.person_id).where(
            SubjectLink.record_id == record_id, SubjectLink.subject_index == subject_index
        )
    ).scalar_one_or_none()


def co_subjects(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    """Every other subject on the latest version of each record this person is on."""
    me = aliased(SubjectLink)
    other = aliased(SubjectLink)
    my_subject = aliased(RecordSubject)
    their_subject = aliased(RecordSubject)
    query = (
        select(
            other.person_id.label("person_id"),
            my_subject.role.label("my_role"),
            their_subject.role.label("their_role"),
            Record.occurred_on,
        )
        .select_from(me)
        .join(Record, Record.id == me.record_id)
        .join(RecordHead, RecordHead.record_id == Record.id)
        .join(my_subject, my_subject.id == me.record_subject_id)
        .join(other, and_(other.record_id == me.record_id, other.person_id != me.person_id))
        .join(their_subject, their_subject.id == other.record_subject_id)
        .where(me.person_id == person_id)
    )
    return [dict(r._mapping) for r in conn.execute(query)]


def address_sharers(conn: Connection, person_id: int) -> list[dict[str, Any]]:
    """Other persons recorded at one of this person's addresses (postcode and first line), with dates."""
    mine = conn.execute(
        select(IdentityProfile.postcode, IdentityProfile.address).where(
            IdentityProfile.person_id == person_id,
            IdentityProfile.postcode.is_not(None),
            IdentityProfile.address.is_not(None),
        )
    ).all()
    places = {(r.postcode, r.address) for r in mine}
    if not places:
        return []
    others = conn.execute(
        select(
            IdentityProfile.person_id, IdentityProfile.postcode, IdentityProfile.address, IdentityProfile.roles
        ).where(IdentityProfile.postcode.in_(sorted({p for p, _ in places})), IdentityProfile.person_id != person_id)
    ).all()
    found = []
    for row in others:
        if (row.postcode, row.address) not in places:
            continue
        dates = conn.execute(
            select(Record.occurred_on)
            .join(SubjectLink, SubjectLink.record_id == Record.id)
            .where(SubjectLink.person_id == row.person_id)
        ).scalars()
        seen = sorted(d for d in dates if isinstance(d, date))
        if seen:
            found.append({"person_id": row.person_id, "roles": row.roles or [], "first": seen[0], "last": seen[-1]})
    return found


def first_record_date(conn: Connection, person_id: int) -> date | None:
    from sqlalchemy import func

    return conn.execute(
        select(func.min(Record.occurred_on))
        .join(SubjectLink, SubjectLink.record_id == Record.id)
        .where(SubjectLink.person_id == person_id)
    ).scalar_one_or_none()
