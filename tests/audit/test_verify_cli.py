"""Tampering with the audit log, caught by the real command: ``joinedup audit verify`` exits 0
on an intact chain and 1 naming the first bad entry after an edit, a delete, an insert or a
reorder, on SQLite and PostgreSQL (the ``db_url`` fixture runs each test on both).

The log is written the way the service writes it: people looking at a child through the
access gate, refused and allowed. The tampering is done with plain SQL, as someone with
database access would do it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, delete, insert, select, update
from typer.testing import CliRunner

from joinedup.access.actor import OPERATOR, Actor
from joinedup.access.guard import guard_child_read
from joinedup.audit.chain import entry_hash
from joinedup.cli.main import app
from joinedup.storage.audit_repo import ENTRY_FIELDS
from joinedup.storage.db import make_engine
from joinedup.storage.tables_audit import AuditEntry

ENTRIES = 6


def _write_log(engine: Engine) -> None:
    """Six real audit entries: looks at three children by the operator and a stranger."""
    stranger = Actor(name="stranger", kind="user", roles=frozenset({"practitioner"}), organisation_id=None, user_id=99)
    with engine.connect() as conn:
        for person_id in (1, 2, 3):
            guard_child_read(conn, OPERATOR, person_id, "chronology at the command line")
            guard_child_read(conn, stranger, person_id, "curiosity")


def _verify(db_url: str, *extra: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify", "--db", db_url, *extra])
    return result.exit_code, result.output


def _ids(conn: Connection) -> dict[int, int]:
    """seq -> id, as the log stands."""
    return {row.seq: row.id for row in conn.execute(select(AuditEntry.seq, AuditEntry.id))}


def _edit(conn: Connection) -> int:
    conn.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(purpose="safeguarding review"))
    return _ids(conn)[3]


def _edit_and_rehash(conn: Connection) -> int:
    """A cleverer edit: the row's own hash recomputed, so only the link from the next one breaks."""
    ids = _ids(conn)
    row = conn.execute(select(AuditEntry).where(AuditEntry.seq == 3)).one()
    values = {name: getattr(row, name) for name in ENTRY_FIELDS} | {"purpose": "safeguarding review"}
    conn.execute(
        update(AuditEntry)
        .where(AuditEntry.seq == 3)
        .values(purpose="safeguarding review", entry_hash=entry_hash(values))
    )
    return ids[4]


def _delete(conn: Connection) -> int:
    ids = _ids(conn)
    conn.execute(delete(AuditEntry).where(AuditEntry.seq == 3))
    return ids[4]


def _insert(conn: Connection) -> int:
    """A forged entry at seq 3 with a correct hash of its own; the later entries moved up."""
    ids = _ids(conn)
    for seq in sorted(ids, reverse=True):
        if seq >= 3:
            conn.execute(update(AuditEntry).where(AuditEntry.id == ids[seq]).values(seq=seq + 1))
    prev = conn.execute(select(AuditEntry.entry_hash).where(AuditEntry.seq == 2)).scalar_one()
    row = conn.execute(select(AuditEntry).where(AuditEntry.id == ids[1])).one()
    forged: dict[str, Any] = {name: getattr(row, name) for name in ENTRY_FIELDS}
    forged.update(seq=3, prev_hash=prev, actor_name="someone else", purpose="cover story")
    conn.execute(insert(AuditEntry).values(**forged, entry_hash=entry_hash(forged)))
    return ids[3]  # the entry that followed seq 2 no longer links to the one before it


def _reorder(conn: Connection) -> int:
    ids = _ids(conn)
    conn.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(seq=-2))
    conn.execute(update(AuditEntry).where(AuditEntry.id == ids[4]).values(seq=2))
    conn.execute(update(AuditEntry).where(AuditEntry.id == ids[2]).values(seq=4))
    return ids[4]  # now at seq 2, where it does not belong


TAMPERING: dict[str, tuple[Callable[[Connection], int], int, str]] = {
    # name: (tamper, seq named, words in the problem)
    "edit": (_edit, 3, "edited"),
    "edit with its hash recomputed": (_edit_and_rehash, 4, "prev_hash"),
    "delete": (_delete, 4, "deleted"),
    "insert": (_insert, 4, "prev_hash"),
    "reorder": (_reorder, 2, "prev_hash"),
}


def test_an_intact_log_verifies_with_exit_0_and_its_head(db_url: str) -> None:
    engine = make_engine(db_url)
    _write_log(engine)
    engine.dispose()
    code, output = _verify(db_url, "--format", "json")
    report = json.loads(output)
    assert code == 0 and report["intact"] is True and report["entries"] == ENTRIES
    code, output = _verify(db_url, "--expect-head", report["head_hash"])
    assert code == 0 and f"{ENTRIES} entries" in output


@pytest.mark.parametrize("kind", list(TAMPERING))
def test_tampering_is_detected_and_the_entry_named(db_url: str, kind: str) -> None:
    tamper, seq, words = TAMPERING[kind]
    engine = make_engine(db_url)
    _write_log(engine)
    with engine.begin() as conn:
        entry_id = tamper(conn)
    engine.dispose()
    code, output = _verify(db_url, "--format", "json")
    report = json.loads(output)
    assert code == 1, output
    assert report["intact"] is False
    assert (report["entry_id"], report["seq"]) == (entry_id, seq), report
    assert words in report["problem"], report
    code, text = _verify(db_url)
    assert code == 1 and f"entry id={entry_id} seq={seq}" in text, text
