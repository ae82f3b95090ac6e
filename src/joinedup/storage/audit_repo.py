"""The audit log's SQL: lock the chain's head, append one entry, read entries back.

Only ``joinedup.audit.chain`` calls these; it owns the hashing. Appending always starts by
writing to the ``audit_head`` row: on PostgreSQL that takes the row lock, on SQLite the
database write lock, so two writers can never both chain onto the same previous hash.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, insert, select, update

from joinedup.storage.tables_audit import AuditEntry, AuditHead

HEAD_ID = 1
GENESIS = "0" * 64
ENTRY_FIELDS = (
    "seq",
    "at",
    "actor_name",
    "actor_kind",
    "user_id",
    "organisation_id",
    "role",
    "action",
    "person_id",
    "purpose",
    "lawful_basis",
    "outcome",
    "reason",
    "detail",
    "prev_hash",
)


def lock_head(conn: Connection, now: str) -> tuple[int, str]:
    """Take the chain's write lock and return the newest (seq, hash); creates the head if new."""
    touched = conn.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(updated_at=now))
    if touched.rowcount == 0:
        conn.execute(insert(AuditHead).values(id=HEAD_ID, seq=0, entry_hash=GENESIS, updated_at=now))
    row = conn.execute(select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == HEAD_ID)).one()
    return int(row.seq), str(row.entry_hash)


def insert_entry(conn: Connection, values: dict[str, Any], entry_hash: str) -> int:
    entry_id = conn.execute(
        insert(AuditEntry).values(**values, entry_hash=entry_hash).returning(AuditEntry.id)
    ).scalar_one()
    conn.execute(update(AuditHead).where(AuditHead.id == HEAD_ID).values(seq=values["seq"], entry_hash=entry_hash))
    return int(entry_id)


def read_head(conn: Connection) -> tuple[int, str] | None:
    row = conn.execute(select(AuditHead.seq, AuditHead.entry_hash).where(AuditHead.id == HEAD_ID)).first()
    return None if row is None else (int(row.seq), str(row.entry_hash))


def iter_entries(conn: Connection, batch: int = 5_000) -> Iterator[dict[str, Any]]:
    """Every entry in chain order (by seq), as plain dicts with ``id`` and ``entry_hash``."""
    last = -1
    columns = [AuditEntry.id, AuditEntry.entry_hash, *(getattr(AuditEntry, f) for f in ENTRY_FIELDS)]
    while True:
        rows = conn.execute(select(*columns).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)).all()
        if not rows:
            return
        for row in rows:
            yield dict(row._mapping)
        last = rows[-1].seq


def entries_about(conn: Connection, person_id: int, actions: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
    query = select(AuditEntry).where(AuditEntry.person_id == person_id).order_by(AuditEntry.seq)
    if actions:
        query = query.where(AuditEntry.action.in_(actions))
    return [{c: getattr(row, c) for c in ("id", "entry_hash", *ENTRY_FIELDS)} for row in conn.execute(query)]


def entries_by_action(conn: Connection, action: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq))
    return [{c: getattr(row, c) for c in ("id", "entry_hash", *ENTRY_FIELDS)} for row in rows]
