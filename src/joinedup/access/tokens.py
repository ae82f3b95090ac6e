"""Bearer tokens for agency systems: printed once, stored only as a sha256 digest, scoped
(``ingest`` to submit records, ``read`` to read children's data as the token's user allows),
revocable.

A token is 256 random bits, so a plain sha256 digest is as good as a slow hash here and lets
every API request be checked in microseconds; passwords, which people choose, get argon2.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Connection

from joinedup.access import InvalidAccount, UnknownUser
from joinedup.access.accounts import actor_for_user
from joinedup.access.actor import Actor
from joinedup.audit.chain import append_event
from joinedup.audit.events import LAWFUL_BASIS_ADMIN, AuditEvent
from joinedup.storage import access_accounts as repo

# ``decide``: a case-management system that reads and also records decisions (acknowledge,
# decide, merge); ``read`` alone can never change anything.
SCOPES = ("ingest", "read", "decide")
TOKEN_PREFIX = "ju_"  # noqa: S105 - a prefix that names our tokens, not a secret
_TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class TokenInfo:
    token_id: int
    username: str
    prefix: str
    scope: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(
    conn: Connection, username: str, scope: str = "ingest", issued_by: Actor | None = None
) -> tuple[int, str]:
    """Create a token for ``username``; returns (token id, the token). The token is shown once."""
    if scope not in SCOPES:
        raise InvalidAccount(f"scope {scope!r} is not one of: {', '.join(SCOPES)}")
    user = repo.user_by_name(conn, username)
    if user is None:
        raise UnknownUser(f"no user called {username!r}; add one with `joinedup users add`")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token_id = repo.add_token(
        conn,
        {
            "user_id": user.id,
            "token_hash": digest(token),
            "prefix": token[:10],
            "scope": scope,
            "created_at": datetime.now(UTC),
        },
    )
    if issued_by is not None:
        append_event(
            conn,
            AuditEvent.for_actor(
                issued_by,
                action="token_create",
                purpose="API client administration",
                outcome="done",
                lawful_basis=LAWFUL_BASIS_ADMIN,
                detail={"token_id": token_id, "user_id": user.id, "scope": scope},
            ),
        )
    return token_id, token


def authenticate_token(conn: Connection, token: str) -> Actor | None:
    """The API client a bearer token stands for; None for unknown, revoked or disabled."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = repo.token_by_hash(conn, digest(token))
    if row is None or row.revoked_at is not None:
        return None
    actor = actor_for_user(conn, row.user_id, kind="api_client", scopes=frozenset({row.scope}), token_id=row.id)
    if actor is None:
        return None
    now = datetime.now(UTC)
    last = row.last_used_at
    if last is None or _aware(last) < now - _TOUCH_EVERY:
        repo.update_token(conn, row.id, last_used_at=now)
    return actor


def revoke_token(conn: Connection, token_id: int, revoked_by: Actor | None = None) -> None:
    if repo.update_token(conn, token_id, revoked_at=datetime.now(UTC)) == 0:
        raise InvalidAccount(f"no token with id {token_id}; `joinedup tokens list` shows them")
    if revoked_by is not None:
        append_event(
            conn,
            AuditEvent.for_actor(
                revoked_by,
                action="token_revoke",
                purpose="API client administration",
                outcome="done",
                lawful_basis=LAWFUL_BASIS_ADMIN,
                detail={"token_id": token_id},
            ),
        )


def list_tokens(conn: Connection, username: str | None = None) -> list[TokenInfo]:
    user_id = None
    if username is not None:
        user = repo.user_by_name(conn, username)
        if user is None:
            raise UnknownUser(f"no user called {username!r}")
        user_id = user.id
    return [
        TokenInfo(
            t.id,
            t.username,
            t.prefix,
            t.scope,
            t.created_at,
            t.last_used_at,
            t.revoked_at,
        )
        for t in repo.tokens(conn, user_id)
    ]


def _aware(moment: datetime) -> datetime:
    """SQLite hands datetimes back without their zone; every one we store is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
