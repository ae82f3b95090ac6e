"""Appending to the hash chain, and checking it.

Each entry's hash is sha256 over the canonical JSON of its content, which includes its place
(``seq``) and the previous entry's hash. Editing a row changes its hash; deleting one leaves a
gap in ``seq`` and a dangling ``prev_hash``; inserting or reordering breaks the link from the
entry after it; cutting the tail disagrees with ``audit_head``. Someone who can rewrite the
whole table and the head can recompute everything: ``joinedup audit verify`` prints the head
hash so it can be kept elsewhere (and checked with ``--expect-head``).

``record_event`` commits the entry on its own connection, so a refused read (whose caller
raises and rolls back) is still recorded. When the caller's connection already holds the
chain's or the database's write lock, the entry joins the caller's transaction instead, since
a second writer would wait on the first for ever.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError, OperationalError

from joinedup.audit import AuditWriteFailed, ChainBroken
from joinedup.audit.events import AuditEvent, canonical_json
from joinedup.storage import audit_repo

_TX_KEY = "joinedup.audit.tx"


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def entry_hash(values: dict[str, Any]) -> str:
    content = {name: values[name] for name in audit_repo.ENTRY_FIELDS}
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def append_event(conn: Connection, event: AuditEvent) -> int:
    """Append ``event`` inside the caller's transaction (use for writes that must be atomic
    with their audit row, such as routing an alert). Returns the entry's ``seq``."""
    now = utc_now_iso()
    seq, prev = audit_repo.lock_head(conn, now)
    values: dict[str, Any] = {
        "seq": seq + 1,
        "at": now,
        "actor_name": event.actor_name,
        "actor_kind": event.actor_kind,
        "user_id": event.user_id,
        "organisation_id": event.organisation_id,
        "role": event.role,
        "action": event.action,
        "person_id": event.person_id,
        "purpose": event.purpose,
        "lawful_basis": event.lawful_basis,
        "outcome": event.outcome,
        "reason": event.reason,
        "detail": event.detail_json(),
        "prev_hash": prev,
    }
    audit_repo.insert_entry(conn, values, entry_hash(values))
    conn.info[_TX_KEY] = conn.get_transaction()
    return seq + 1


def _holds_write_lock(conn: Connection) -> bool:
    marked = conn.info.get(_TX_KEY)
    if marked is conn.get_transaction() and marked is not None and marked.is_active:
        return True
    if conn.dialect.name == "sqlite":
        raw = conn.connection.dbapi_connection
        return bool(getattr(raw, "in_transaction", False))
    return False


def record_event(conn: Connection, event: AuditEvent) -> int:
    """Append ``event`` and make it durable now, whatever the caller's transaction does."""
    if _holds_write_lock(conn):
        return append_event(conn, event)
    last: Exception | None = None
    for _attempt in range(5):
        try:
            with conn.engine.connect() as own, own.begin():
                return append_event(own, event)
        except (IntegrityError, OperationalError) as exc:  # two first-ever writers raced for the head
            last = exc
    raise AuditWriteFailed(f"could not append audit entry for action {event.action}: {type(last).__name__}")


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head_seq: int
    head_hash: str


def verify_chain(conn: Connection, expect_head: str | None = None) -> ChainReport:
    """Walk the chain from the first entry; raise ``ChainBroken`` at the first bad one."""
    expected_seq, prev = 1, audit_repo.GENESIS
    count = 0
    for row in audit_repo.iter_entries(conn):
        if row["seq"] != expected_seq:
            problem = (
                f"expected seq {expected_seq} but found {row['seq']}: "
                f"{'entries deleted before it' if row['seq'] > expected_seq else 'entry out of order'}"
            )
            raise ChainBroken(row["id"], row["seq"], problem)
        if row["prev_hash"] != prev:
            raise ChainBroken(
                row["id"], row["seq"], "its prev_hash does not match the entry before it (inserted, deleted or moved)"
            )
        if entry_hash(row) != row["entry_hash"]:
            raise ChainBroken(row["id"], row["seq"], "its content no longer matches its hash (edited)")
        prev, expected_seq, count = row["entry_hash"], expected_seq + 1, count + 1
    head = audit_repo.read_head(conn)
    last_seq = expected_seq - 1
    if head is None:
        if count:
            raise ChainBroken(None, last_seq, "the chain's head record is missing")
        head = (0, audit_repo.GENESIS)
    if head != (last_seq, prev):
        raise ChainBroken(
            None,
            last_seq + 1 if head[0] > last_seq else last_seq,
            f"the log ends at seq {last_seq} but the head says seq {head[0]}: entries cut from or added to the end",
        )
    if expect_head is not None and expect_head != head[1]:
        raise ChainBroken(None, head[0], "the head hash differs from the one kept outside the database")
    return ChainReport(entries=count, head_seq=head[0], head_hash=head[1])
