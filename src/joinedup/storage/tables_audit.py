"""Tables of the audit log: append-only entries in a sha256 hash chain, and the chain's head.

Each entry's ``entry_hash`` covers its own content and the previous entry's hash, so changing,
deleting, inserting or reordering any row breaks the chain from that row on. ``audit_head``
holds the newest (seq, hash): it is the row every writer locks before appending (the chain's
serialisation point on SQLite and PostgreSQL alike) and the anchor that shows a truncated tail.
No foreign keys: an audit row must outlive whatever it names.
"""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.storage.base import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    at: Mapped[str] = mapped_column(String(40))  # ISO 8601 UTC, exactly as hashed
    actor_name: Mapped[str] = mapped_column(String(200))
    actor_kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(Integer)
    organisation_id: Mapped[int | None] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(40), index=True)
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    purpose: Mapped[str] = mapped_column(Text)
    lawful_basis: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)  # canonical JSON: ids and counts, never narratives
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[str] = mapped_column(String(40))
