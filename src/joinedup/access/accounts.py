"""Users and their organisations: adding them, and turning a user into the ``Actor`` the
policy decides on. Adding a user is audited (action ``user_add``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from joinedup.access import InvalidAccount, UnknownOrganisation, UnknownUser
from joinedup.access.actor import Actor
from joinedup.access.passwords import hash_password
from joinedup.access.policy import ROLES
from joinedup.audit.chain import append_event
from joinedup.audit.events import LAWFUL_BASIS_ADMIN, AuditEvent
from joinedup.records.vocab import Agency
from joinedup.storage import access_accounts as repo

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{1,99}$")


@dataclass(frozen=True)
class UserSummary:
    user_id: int
    username: str
    role: str
    organisation_id: int
    organisation: str


def resolve_organisation(
    conn: Connection, name: str, agency: str | None = None, local_authority: str | None = None
) -> int:
    """The id of the organisation called ``name``; added when ``agency`` and
    ``local_authority`` are both given and none exists. Otherwise a clear error."""
    found = [o for o in repo.organisations_named(conn, name) if agency is None or o.agency == agency]
    if len(found) == 1:
        return int(found[0].id)
    if len(found) > 1:
        agencies = ", ".join(sorted(o.agency for o in found))
        raise UnknownOrganisation(
            f"{len(found)} organisations are called {name!r} ({agencies}); add --agency to say which"
        )
    if agency is not None and local_authority is not None:
        if agency not in {a.value for a in Agency}:
            raise InvalidAccount(f"agency {agency!r} is not one of: {', '.join(a.value for a in Agency)}")
        return repo.add_organisation(conn, agency, name.strip(), local_authority.strip(), datetime.now(UTC))
    known = repo.all_organisation_names(conn)
    listing = "; ".join(known) if known else "none yet"
    raise UnknownOrganisation(
        f"no organisation called {name!r}. Known: {listing}. To add it, give --agency and --la as well"
    )


def add_user(
    conn: Connection,
    username: str,
    organisation_id: int,
    role: str,
    password: str | None = None,
    contact: str | None = None,
    added_by: Actor | None = None,
) -> int:
    if not USERNAME.match(username):
        raise InvalidAccount(f"username {username!r}: use 2-100 letters, digits, dots, dashes, @ or underscores")
    if role not in ROLES:
        raise InvalidAccount(f"role {role!r} is not one of: {', '.join(ROLES)}")
    if repo.user_by_name(conn, username) is not None:
        raise InvalidAccount(f"a user called {username!r} already exists")
    if repo.organisation(conn, organisation_id) is None:
        raise UnknownOrganisation(f"no organisation with id {organisation_id}")
    user_id = repo.add_user(
        conn,
        {
            "username": username,
            "organisation_id": organisation_id,
            "role": role,
            "contact": contact,
            "password_hash": hash_password(password) if password is not None else None,
            "created_at": datetime.now(UTC),
            "failed_logins": 0,
        },
    )
    if added_by is not None:
        append_event(
            conn,
            AuditEvent.for_actor(
                added_by,
                action="user_add",
                purpose="user administration",
                outcome="done",
                lawful_basis=LAWFUL_BASIS_ADMIN,
                detail={"user_id": user_id, "role": role, "organisation_id": organisation_id},
            ),
        )
    return user_id


def set_password(conn: Connection, username: str, password: str) -> None:
    user = find_user(conn, username)
    repo.update_user(conn, user.id, password_hash=hash_password(password), failed_logins=0, locked_until=None)


def disable_user(conn: Connection, username: str) -> None:
    user = find_user(conn, username)
    now = datetime.now(UTC)
    repo.update_user(conn, user.id, disabled_at=now)
    repo.end_sessions_of(conn, user.id, now)


def find_user(conn: Connection, username: str) -> Any:
    user = repo.user_by_name(conn, username)
    if user is None:
        raise UnknownUser(f"no user called {username!r}; add one with `joinedup users add`")
    return user


def list_users(conn: Connection) -> list[UserSummary]:
    return [UserSummary(row.id, row.username, row.role, 0, row.organisation) for row in repo.list_users(conn)]


def actor_for_user(
    conn: Connection,
    user_id: int,
    kind: str = "user",
    scopes: frozenset[str] | None = None,
    token_id: int | None = None,
) -> Actor | None:
    """The Actor a user acts as; None when the user is missing or disabled."""
    row = repo.user_with_organisation(conn, user_id)
    if row is None or row.disabled_at is not None:
        return None
    user = row
    return Actor(
        name=user.username,
        kind=kind,
        roles=frozenset({user.role}),
        organisation_id=user.organisation_id,
        local_authority=row.local_authority,
        user_id=user.id,
        scopes=scopes if scopes is not None else frozenset({"read", "ingest"}),
        token_id=token_id,
        agency=row.agency,
    )
