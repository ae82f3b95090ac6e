"""Signing people in: throttled, locked out after repeated failures, and sessions that end.

The cookie holds a random 256-bit id; the database holds its sha256 digest, so a copy of the
sessions table signs nobody in. A session ends after ``session_idle`` without use or
``session_absolute`` after sign-in, whichever comes first. Each session has its own CSRF
token, which every form posts back (``verify_csrf``).

Sign-in refusals say the same thing whether the username exists or not; the reason recorded
(``SignInResult.reason``) is for the audit log and the throttle, not the screen.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection

from joinedup.access.accounts import actor_for_user
from joinedup.access.actor import Actor
from joinedup.access.passwords import needs_rehash, verify_password
from joinedup.access.settings import auth_settings
from joinedup.audit.chain import append_event
from joinedup.audit.events import LAWFUL_BASIS_ADMIN, AuditEvent
from joinedup.storage import access_accounts as repo

COOKIE_NAME = "joinedup_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
_TOUCH_EVERY = timedelta(seconds=60)
GENERIC_REFUSAL = "Enter a correct username and password"


@dataclass(frozen=True)
class Session:
    session_id: int
    user_id: int
    csrf_token: str
    created_at: datetime
    expires_at: datetime
    actor: Actor


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    reason: str  # ok | bad_credentials | locked | throttled | disabled
    message: str  # what to show the person
    token: str | None = None  # the cookie value, only when ok
    session: Session | None = None
    retry_after_seconds: int = 0


def cookie_settings(secure: bool | None = None, max_age: int | None = None) -> dict[str, Any]:
    """Keyword arguments for ``Response.set_cookie`` (HttpOnly, SameSite=Lax, Secure behind TLS)."""
    settings = auth_settings()
    return {
        "key": COOKIE_NAME,
        "httponly": True,
        "samesite": "lax",
        "secure": settings.secure_cookies if secure is None else (secure or settings.secure_cookies),
        "path": "/",
        "max_age": max_age if max_age is not None else int(settings.session_absolute.total_seconds()),
    }


def sign_in(conn: Connection, username: str, password: str, client_ip: str) -> SignInResult:
    """Check a username and password; on success create a session. Writes to ``conn``: the
    caller commits (the attempt, any lockout and the session) whatever the outcome."""
    settings = auth_settings()
    now = datetime.now(UTC)
    username = username.strip()[:100]
    client_ip = (client_ip or "unknown")[:64]
    if repo.failures_from(conn, client_ip, now - settings.ip_window) >= settings.ip_failures_allowed:
        verify_password(None, password)
        return _refuse(conn, username, client_ip, now, "throttled", settings.ip_window)
    user = repo.user_by_name(conn, username)
    if user is not None and user.locked_until is not None and _aware(user.locked_until) > now:
        verify_password(None, password)
        return _refuse(conn, username, client_ip, now, "locked", _aware(user.locked_until) - now, user)
    if not verify_password(user.password_hash if user is not None else None, password):
        if user is not None:
            failures = (user.failed_logins or 0) + 1
            locked = now + settings.lockout_for if failures >= settings.lockout_after else None
            repo.update_user(conn, user.id, failed_logins=0 if locked else failures, locked_until=locked)
            if locked:
                return _refuse(conn, username, client_ip, now, "locked", settings.lockout_for, user)
        return _refuse(conn, username, client_ip, now, "bad_credentials", None, user)
    assert user is not None
    if user.disabled_at is not None:
        return _refuse(conn, username, client_ip, now, "disabled", None, user)
    changes: dict[str, Any] = {"failed_logins": 0, "locked_until": None}
    if needs_rehash(user.password_hash):
        from joinedup.access.passwords import _HASHER

        changes["password_hash"] = _HASHER.hash(password)
    repo.update_user(conn, user.id, **changes)
    repo.add_login_attempt(conn, username, client_ip, now, True)
    token, session = create_session(conn, user.id)
    _audit(conn, session.actor, "sign_in", "ok", client_ip)
    return SignInResult(True, "ok", "Signed in", token=token, session=session)


def _refuse(
    conn: Connection,
    username: str,
    client_ip: str,
    now: datetime,
    reason: str,
    wait: timedelta | None,
    user: Any = None,
) -> SignInResult:
    repo.add_login_attempt(conn, username, client_ip, now, False)
    who = Actor(name=username or "(blank)", kind="user", user_id=user.id if user is not None else None)
    _audit(conn, who, "sign_in", reason, client_ip)
    seconds = int(wait.total_seconds()) if wait is not None else 0
    message = GENERIC_REFUSAL
    if reason in ("locked", "throttled"):
        message = f"Too many attempts to sign in. Try again in {max(1, seconds // 60)} minutes"
    return SignInResult(False, reason, message, retry_after_seconds=seconds)


def _audit(conn: Connection, actor: Actor, action: str, outcome: str, client_ip: str) -> None:
    append_event(
        conn,
        AuditEvent.for_actor(
            actor,
            action=action,
            purpose="authentication",
            outcome=outcome,
            lawful_basis=LAWFUL_BASIS_ADMIN,
            detail={"client_ip": client_ip},
        ),
    )


def create_session(conn: Connection, user_id: int) -> tuple[str, Session]:
    """A new session for ``user_id``; returns (cookie value, session)."""
    settings = auth_settings()
    now = datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    expires = now + settings.session_absolute
    session_id = repo.add_session(
        conn,
        {
            "id_hash": _digest(token),
            "user_id": user_id,
            "csrf_token": csrf,
            "created_at": now,
            "last_seen_at": now,
            "expires_at": expires,
        },
    )
    actor = actor_for_user(conn, user_id)
    if actor is None:
        raise ValueError(f"user {user_id} is missing or disabled")
    return token, Session(session_id, user_id, csrf, now, expires, actor)


def load_session(conn: Connection, token: str | None) -> Session | None:
    """The live session a cookie value stands for; None when unknown, ended, idle too long or
    past its absolute expiry (such sessions are ended on the spot)."""
    if not token or len(token) > 200:
        return None
    row = repo.session_by_hash(conn, _digest(token))
    if row is None or row.ended_at is not None:
        return None
    settings = auth_settings()
    now = datetime.now(UTC)
    if _aware(row.expires_at) <= now or _aware(row.last_seen_at) + settings.session_idle <= now:
        repo.update_session(conn, row.id, ended_at=now)
        return None
    actor = actor_for_user(conn, row.user_id)
    if actor is None:
        return None
    if _aware(row.last_seen_at) < now - _TOUCH_EVERY:
        repo.update_session(conn, row.id, last_seen_at=now)
    return Session(row.id, row.user_id, row.csrf_token, _aware(row.created_at), _aware(row.expires_at), actor)


def end_session(conn: Connection, token: str | None) -> bool:
    """Sign out: the session can never be used again. True when there was one to end."""
    if not token:
        return False
    row = repo.session_by_hash(conn, _digest(token))
    if row is None or row.ended_at is not None:
        return False
    repo.update_session(conn, row.id, ended_at=datetime.now(UTC))
    return True


def csrf_token_for(session: Session) -> str:
    return session.csrf_token


def verify_csrf(session: Session | None, token: str | None) -> bool:
    """True when ``token`` is this session's CSRF token (compared in constant time)."""
    if session is None or not token:
        return False
    return hmac.compare_digest(session.csrf_token.encode(), token.encode())


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
