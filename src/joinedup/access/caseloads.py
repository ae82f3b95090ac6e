"""Caseloads and rolls: a child on a worker's caseload, or on an organisation's roll (a
school's pupils, a GP's patients), makes that worker or organisation involved.

Adding one is an admin's or the operator's act, or a manager's for their own organisation,
and is audited (action ``caseload_add``): it widens who may see a child.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, select

from joinedup.access import InvalidAccount, NotPermitted
from joinedup.access.actor import Actor
from joinedup.access.policy import may_administer_users
from joinedup.audit.chain import append_event
from joinedup.audit.events import LAWFUL_BASIS_SAFEGUARDING, AuditEvent
from joinedup.storage import access_accounts, access_involvement
from joinedup.storage.tables_identity import Person

RELATIONSHIPS = ("roll", "caseload", "allocated")


def add_to_caseload(
    conn: Connection, actor: Actor, person_id: int, user_id: int, relationship: str = "caseload"
) -> int:
    if relationship not in RELATIONSHIPS:
        raise InvalidAccount(f"relationship {relationship!r} is not one of: {', '.join(RELATIONSHIPS)}")
    user = access_accounts.user_by_id(conn, user_id)
    if user is None:
        raise InvalidAccount(f"no user with id {user_id}")
    own_manager = "manager" in actor.roles and actor.organisation_id == user.organisation_id
    if not (may_administer_users(actor) or own_manager):
        raise NotPermitted("only an admin, or a manager of the same organisation, changes caseloads")
    if conn.execute(select(Person.id).where(Person.id == person_id)).first() is None:
        raise InvalidAccount(f"no person with id {person_id}")
    entry = access_involvement.add_caseload(
        conn,
        {
            "person_id": person_id,
            "organisation_id": user.organisation_id,
            "user_id": None if relationship == "roll" else user_id,
            "relationship": relationship,
            "started_at": datetime.now(UTC),
            "added_by": actor.name,
        },
    )
    append_event(
        conn,
        AuditEvent.for_actor(
            actor,
            action="caseload_add",
            purpose="caseload management",
            outcome="done",
            person_id=person_id,
            lawful_basis=LAWFUL_BASIS_SAFEGUARDING,
            detail={"caseload_id": entry, "user_id": user_id, "relationship": relationship},
        ),
    )
    return entry
