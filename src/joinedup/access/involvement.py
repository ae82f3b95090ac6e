"""Gathering the facts the policy decides on, from the database, for one actor and one child.

Only the queries a decision can turn on are run: the operator needs none; a practitioner's
local authority is never asked about, since it cannot open the full view.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection

from joinedup.access.actor import Actor
from joinedup.access.policy import BREAK_GLASS_ROLES, CHILD_DATA_ROLES, FULL_VIEW_ROLES, READ_SCOPES, ChildFacts
from joinedup.storage import access_involvement as repo


def child_local_authorities(conn: Connection, person_id: int) -> set[str]:
    """The local authorities a child belongs to: any named by a record about them (the
    record's own ``local_authority`` or its organisation's area). A child who moved has two,
    so the previous area's front door still sees the story it holds."""
    return repo.child_local_authorities(conn, person_id)


def is_involved(conn: Connection, actor: Actor, person_id: int) -> bool:
    """Has the actor's organisation recorded something about the child, or is the child on
    the organisation's roll or the actor's caseload?"""
    if actor.organisation_id is not None and repo.organisation_recorded_about(conn, actor.organisation_id, person_id):
        return True
    return repo.on_caseload(conn, person_id, actor.organisation_id, actor.user_id)


def gather_facts(conn: Connection, actor: Actor, person_id: int) -> ChildFacts:
    if actor.kind == "operator" or not (actor.roles & CHILD_DATA_ROLES):
        return ChildFacts()
    if actor.kind == "api_client" and not actor.scopes & READ_SCOPES:
        return ChildFacts()
    areas: frozenset[str] = frozenset()
    if actor.roles & FULL_VIEW_ROLES and actor.local_authority is not None:
        areas = frozenset(child_local_authorities(conn, person_id))
        if actor.local_authority in areas:
            return ChildFacts(local_authorities=areas)
    glass = (
        actor.user_id is not None
        and bool(actor.roles & BREAK_GLASS_ROLES)
        and repo.active_break_glass(conn, actor.user_id, person_id, datetime.now(UTC))
    )
    return ChildFacts(involved=is_involved(conn, actor, person_id), local_authorities=areas, break_glass=glass)
