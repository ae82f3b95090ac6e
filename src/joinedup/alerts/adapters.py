"""Delivering outbox messages: one small interface, several ways out.

``OutboxOnly`` (the embedded default) delivers nothing: receiving services collect from the
outbox (``joinedup alerts outbox``). ``Webhook`` posts each message as JSON; an email or
GOV.UK Notify adapter implements the same ``deliver`` and is chosen by configuration.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Protocol

import httpx
from sqlalchemy import Connection, select, update

from joinedup.storage.tables_alerts import OutboxMessage


class Adapter(Protocol):
    name: str

    def deliver(self, message: dict[str, Any]) -> None:
        """Send one message; raise on failure (the message stays pending and is retried)."""


class OutboxOnly:
    name = "outbox"

    def deliver(self, message: dict[str, Any]) -> None:
        raise NotImplementedError("the outbox-only adapter leaves messages for collection")


class Webhook:
    name = "webhook"

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    def deliver(self, message: dict[str, Any]) -> None:
        httpx.post(self.url, json=message, timeout=self.timeout).raise_for_status()


MAX_ATTEMPTS = 5


def deliver_pending(conn: Connection, adapter: Adapter, limit: int = 500) -> tuple[int, int]:
    """Try each pending message once; returns (delivered, failed)."""
    rows = conn.execute(
        select(OutboxMessage.__table__).where(OutboxMessage.status == "pending").order_by(OutboxMessage.id).limit(limit)
    ).all()
    delivered = failed = 0
    for row in rows:
        message = {
            k: row._mapping[k]
            for k in ("id", "scheme", "recipient_kind", "recipient", "person_id", "alert_id", "record_id", "payload")
        }
        message["due_by"] = row.due_by.isoformat() if row.due_by else None
        now = datetime.now(UTC)
        try:
            adapter.deliver(message)
        except Exception as exc:  # any failure of the far end: keep it, count it, say why
            failed += 1
            status = "failed" if row.attempts + 1 >= MAX_ATTEMPTS else "pending"
            conn.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id == row.id)
                .values(attempts=row.attempts + 1, last_error=f"{adapter.name}: {type(exc).__name__}", status=status)
            )
            continue
        delivered += 1
        conn.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == row.id)
            .values(status="delivered", delivered_at=now, attempts=row.attempts + 1)
        )
    return delivered, failed
