"""SQL for accounts: organisations looked up or added, users, API tokens, sessions, and
sign-in attempts. The access package decides; this module only reads and writes rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from joinedup.storage.tables_access import ApiToken, LoginAttempt, User, UserSession
from joinedup.storage.tables_records import Organisation


def organisations_named(conn: Connection, name: str) -> list[Any]:
    query = select(Organisation).where(func.lower(Organisation.name) == name.strip().lower())
    return list(conn.execute(query).all())


def organisation(conn: Connection, organisation_id: int) -> Any:
    return conn.execute(select(Organisation).where(Organisation.id == organisation_id)).first()


def all_organisation_names(conn: Connection, limit: int = 30) -> list[str]:
    query = select(Organisation.name, Organisation.agency).order_by(Organisation.name).limit(limit)
    return [f"{row.name} ({row.agency})" for row in conn.execute(query)]


def add_organisation(conn: Connection, agency: str, name: str, local_authority: str, now: datetime) -> int:
    query = (
        insert(Organisation)
        .values(agency=agency, name=name, local_authority=local_authority, created_at=now)
        .returning(Organisation.id)
    )
    return int(conn.execute(query).scalar_one())


def add_user(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(User).values(**values).returning(User.id)).scalar_one())


def user_by_name(conn: Connection, username: str) -> Any:
    return conn.execute(select(User).where(User.username == username)).first()


def user_by_id(conn: Connection, user_id: int) -> Any:
    return conn.execute(select(User).where(User.id == user_id)).first()


def user_with_organisation(conn: Connection, user_id: int) -> Any:
    query = (
        select(User, Organisation.local_authority, Organisation.agency)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.id == user_id)
    )
    return conn.execute(query).first()


def list_users(conn: Connection) -> list[Any]:
    query = (
        select(User.id, User.username, User.role, User.disabled_at, Organisation.name.label("organisation"))
        .join(Organisation, Organisation.id == User.organisation_id)
        .order_by(User.username)
    )
    return list(conn.execute(query).all())


def update_user(conn: Connection, user_id: int, **values: Any) -> None:
    conn.execute(update(User).where(User.id == user_id).values(**values))


def add_token(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(ApiToken).values(**values).returning(ApiToken.id)).scalar_one())


def token_by_hash(conn: Connection, token_hash: str) -> Any:
    return conn.execute(select(ApiToken).where(ApiToken.token_hash == token_hash)).first()


def tokens(conn: Connection, user_id: int | None = None) -> list[Any]:
    query = select(ApiToken, User.username).join(User, User.id == ApiToken.user_id).order_by(ApiToken.id)
    if user_id is not None:
        query = query.where(ApiToken.user_id == user_id)
    return list(conn.execute(query).all())


def update_token(conn: Connection, token_id: int, **values: Any) -> int:
    return conn.execute(update(ApiToken).where(ApiToken.id == token_id).values(**values)).rowcount


def add_session(conn: Connection, values: dict[str, Any]) -> int:
    return int(conn.execute(insert(UserSession).values(**values).returning(UserSession.id)).scalar_one())


def session_by_hash(conn: Connection, id_hash: str) -> Any:
    return conn.execute(select(UserSession).where(UserSession.id_hash == id_hash)).first()


def update_session(conn: Connection, session_id: int, **values: Any) -> None:
    conn.execute(update(UserSession).where(UserSession.id == session_id).values(**values))


def end_sessions_of(conn: Connection, user_id: int, now: datetime) -> None:
    conn.execute(
        update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None)).values(ended_at=now)
    )


def add_login_attempt(conn: Connection, username: str, client_ip: str, now: datetime, succeeded: bool) -> None:
    conn.execute(
        insert(LoginAttempt).values(username=username, client_ip=client_ip, attempted_at=now, succeeded=succeeded)
    )


def failures_from(conn: Connection, client_ip: str, since: datetime) -> int:
    query = select(func.count()).where(
        LoginAttempt.client_ip == client_ip, LoginAttempt.succeeded.is_(False), LoginAttempt.attempted_at > since
    )
    return int(conn.execute(query).scalar_one())
