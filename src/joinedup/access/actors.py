"""Who the command line acts as: the server's operator (named after the logged-in OS user),
or a named user with ``--as NAME``, whose reads the policy then treats like any other."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Connection

from joinedup.access import UnknownUser
from joinedup.access.accounts import actor_for_user
from joinedup.access.actor import OPERATOR, Actor
from joinedup.storage import access_accounts as repo


def operator_actor() -> Actor:
    from joinedup.cli.common import operator_name

    return replace(OPERATOR, name=operator_name())


def resolve_cli_actor(conn: Connection, as_name: str | None) -> Actor:
    """The Actor for a CLI command: the operator, or the user called ``as_name``."""
    if as_name is None:
        return operator_actor()
    user = repo.user_by_name(conn, as_name)
    if user is None:
        raise UnknownUser(f"no user called {as_name!r} for --as; `joinedup users list` shows who there is")
    actor = actor_for_user(conn, user.id)
    if actor is None:
        raise UnknownUser(f"user {as_name!r} is disabled")
    return actor
