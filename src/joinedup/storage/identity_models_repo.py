"""Trained linkage models, versioned: the newest active one is what matching uses."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from joinedup.storage.tables_identity import LinkageModel


def active(conn: Connection) -> tuple[str, dict[str, Any]] | None:
    row = conn.execute(
        select(LinkageModel.version, LinkageModel.settings)
        .where(LinkageModel.active.is_(True))
        .order_by(LinkageModel.id.desc())
        .limit(1)
    ).first()
    return (row.version, dict(row.settings)) if row else None


def save(conn: Connection, version: str, settings: dict[str, Any], trained_on: int, *, activate: bool) -> None:
    if activate:
        conn.execute(update(LinkageModel).values(active=False))
    conn.execute(
        insert(LinkageModel).values(
            version=version, settings=settings, trained_on=trained_on, active=activate, created_at=datetime.now(UTC)
        )
    )


def listing(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(
        select(LinkageModel.version, LinkageModel.created_at, LinkageModel.trained_on, LinkageModel.active).order_by(
            LinkageModel.id
        )
    )
    return [dict(r._mapping) for r in rows]
