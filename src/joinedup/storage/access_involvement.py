"""Queries behind the policy's facts: a child's local authorities, whether an organisation or
user is involved with a child, active break-glass grants, and the records a flag view reads."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, exists, insert, or_, select, union

from joinedup.storage.tables_access import BreakGlassGrant, Caseload
from joinedup.storage.tables_identity import SubjectLink
from joinedup.storage.tables_records import Organisation, Record


def child_local_authorities(conn: Connection, person_id: int) -> set[str]:
    """Every local authority named by a record about the person, or by its organisation."""
    from_records = (
        select(Record.local_authority.label("la"))
        .join(SubjectLink, SubjectLink.record_id == Record.id)
        .where(SubjectLink.person_id == person_id, Record.local_authority.is_not(None))
    )
    from_orgs = (
        select(Organisation.local_authority.label("la"))
        .join(Record, Record.organisation_id == Organisation.id)
        .join(SubjectLink, SubjectLink.record_id == Record.id)
        .where(SubjectLink.person_id == person_id, Organisation.local_authority.is_not(None))
    )
    return {row.la for row in conn.execute(union(from_records, from_orgs))}


def organisation_recorded_about(conn: Connection, organisation_id: int, person_id: int) -> bool:
    query = select(
        exists()
        .where(SubjectLink.record_id == Record.id)
        .where(SubjectLink.person_id == person_id, Record.organisation_id == organisation_id)
    )
    return bool(conn.execute(query).scalar())


def on_caseload(conn: Connection, person_id: int, organisation_id: int | None, user_id: int | None) -> bool:
    who = []
    if organisation_id is not None:
        who.append(Caseload.organisation_id == organisation_id)
    if user_id is not None:
        who.append(Caseload.user_id == user_id)
    if not who:
        return False
    query = select(exists().where(Caseload.person_id == person_id, Caseload.ended_at.is_(None), or_(*who)))
    return bool(conn.execute(query).scalar())


def add_caseload(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(Caseload).values(**values).returning(Caseload.id)).scalar_one())


def active_break_glass(conn: Connection, user_id: int, person_id: int, now: datetime) -> bool:
    query = select(
        exists().where(
            BreakGlassGrant.user_id == user_id,
            BreakGlassGrant.person_id == person_id,
            BreakGlassGrant.expires_at > now,
        )
    )
    return bool(conn.execute(query).scalar())


def records_for_flags(conn: Connection, person_id: int) -> list[Any]:
    """The person's records' agency, event, date and organisation: no narratives."""
    query = (
        select(
            Record.id,
            Record.agency,
            Record.event_type,
            Record.occurred_on,
            Record.organisation_id,
            Record.local_authority,
            Organisation.name.label("organisation_name"),
        )
        .join(SubjectLink, SubjectLink.record_id == Record.id)
        .outerjoin(Organisation, Organisation.id == Record.organisation_id)
        .where(SubjectLink.person_id == person_id)
        .order_by(Record.occurred_on, Record.id)
    )
    return list(conn.execute(query).all())


def allocated_workers(conn: Connection, person_id: int) -> list[Any]:
    from joinedup.storage.tables_access import User

    query = (
        select(User.username, User.role, User.contact, Organisation.name.label("organisation_name"))
        .join(Caseload, Caseload.user_id == User.id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(Caseload.person_id == person_id, Caseload.ended_at.is_(None), Caseload.relationship == "allocated")
        .order_by(Caseload.started_at.desc())
    )
    return list(conn.execute(query).all())
