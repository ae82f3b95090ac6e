"""Who is reading, for the chronology and alert commands: the one place that turns ``--as NAME``
into an Actor and asks the access gate what they may see.

The access stage (issue 6) owns users and policy: ``joinedup.access.actors.resolve_cli_actor``
turns the name into an Actor (and refuses unknown or disabled users).
"""

from __future__ import annotations

from sqlalchemy import Connection

from joinedup.access.actor import OPERATOR, Actor
from joinedup.access.guard import View, guard_child_read


def actor_named(conn: Connection, name: str | None) -> Actor:
    try:
        from joinedup.access.actors import resolve_cli_actor
    except ImportError:  # the access stage not installed: only the operator can act
        if name:
            return Actor(name=name, kind="user")
        return OPERATOR
    return resolve_cli_actor(conn, name)


def view_of(conn: Connection, actor: Actor, person_id: int, purpose: str, action: str = "read") -> View:
    """What ``actor`` may see of the child; the gate writes the audit row either way."""
    return guard_child_read(conn, actor, person_id, purpose, action)
