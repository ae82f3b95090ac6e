"""The audit chain: intact after honest appends, and every kind of tampering is named."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, delete, insert, select, update

from joinedup.audit import ChainBroken
from joinedup.audit.chain import append_event, entry_hash, record_event, verify_chain
from joinedup.audit.events import AuditEvent
from joinedup.storage.tables_audit import AuditEntry, AuditHead


def _event(n: int) -> AuditEvent:
    return AuditEvent(
        actor_name=f"user{n}",
        actor_kind="user",
        role="practitioner",
        action="read",
        purpose="test",
        outcome="flag",
        person_id=n,
    )


def _fill(engine: Engine, n: int = 5) -> None:
    with engine.begin() as conn:
        for i in range(1, n + 1):
            append_event(conn, _event(i))


def _broken(engine: Engine) -> ChainBroken:
    with engine.connect() as conn, pytest.raises(ChainBroken) as caught:
        verify_chain(conn)
    return caught.value


def test_an_honest_chain_verifies_and_reports_its_head(engine: Engine) -> None:
    _fill(engine)
    with engine.connect() as conn:
        report = verify_chain(conn)
        head = conn.execute(select(AuditEntry.entry_hash).where(AuditEntry.seq == 5)).scalar_one()
    assert (report.entries, report.head_seq, report.head_hash) == (5, 5, head)


def test_an_empty_log_verifies(engine: Engine) -> None:
    with engine.connect() as conn:
        assert verify_chain(conn).entries == 0


def test_an_edited_entry_is_named(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 3).values(purpose="something else"))
    broken = _broken(engine)
    assert broken.seq == 3 and "edited" in broken.problem


def test_a_deleted_entry_is_named(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.seq == 2))
    broken = _broken(engine)
    assert broken.seq == 3 and "deleted" in broken.problem


def test_an_inserted_entry_is_named_even_with_a_plausible_hash(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as conn:
        rows = conn.execute(select(AuditEntry).order_by(AuditEntry.seq.desc())).all()
        for row in rows:  # make room at seq 3, as a forger must
            if row.seq >= 3:
                conn.execute(update(AuditEntry).where(AuditEntry.id == row.id).values(seq=row.seq + 1))
        prev = conn.execute(select(AuditEntry.entry_hash).where(AuditEntry.seq == 2)).scalar_one()
        forged = {
            "seq": 3,
            "at": "2026-01-01T00:00:00+00:00",
            "actor_name": "nobody",
            "actor_kind": "user",
            "user_id": None,
            "organisation_id": None,
            "role": "auditor",
            "action": "read",
            "person_id": 9,
            "purpose": "cover",
            "lawful_basis": "x",
            "outcome": "full",
            "reason": "",
            "detail": "{}",
            "prev_hash": prev,
        }
        conn.execute(insert(AuditEntry).values(**forged, entry_hash=entry_hash(forged)))
    broken = _broken(engine)
    assert broken.seq == 4, broken  # the entry after the forgery no longer links


def test_reordered_entries_are_named(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as conn:
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 2).values(seq=-2))
        conn.execute(update(AuditEntry).where(AuditEntry.seq == 4).values(seq=2))
        conn.execute(update(AuditEntry).where(AuditEntry.seq == -2).values(seq=4))
    broken = _broken(engine)
    assert broken.seq == 2


def test_a_cut_tail_is_named(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.seq == 5))
    broken = _broken(engine)
    assert "end" in broken.problem


def test_an_appended_entry_not_in_the_head_is_named(engine: Engine) -> None:
    _fill(engine)
    with engine.begin() as conn:
        last = conn.execute(select(AuditEntry).where(AuditEntry.seq == 5)).one()
        forged = {
            k: getattr(last, k)
            for k in (
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
            )
        }
        forged.update(seq=6, prev_hash=last.entry_hash)
        conn.execute(insert(AuditEntry).values(**forged, entry_hash=entry_hash(forged)))
    assert "end" in _broken(engine).problem


def test_a_rewritten_chain_is_caught_by_the_head_kept_elsewhere(engine: Engine) -> None:
    _fill(engine)
    with engine.connect() as conn:
        kept = verify_chain(conn).head_hash
    with engine.begin() as conn:
        conn.execute(delete(AuditEntry).where(AuditEntry.seq == 5))
        prev = conn.execute(select(AuditEntry.entry_hash).where(AuditEntry.seq == 4)).scalar_one()
        conn.execute(update(AuditHead).values(seq=4, entry_hash=prev))
    with engine.connect() as conn:
        verify_chain(conn)  # the chain alone looks whole...
        with pytest.raises(ChainBroken):
            verify_chain(conn, expect_head=kept)  # ...but not against the kept head


def test_concurrent_writers_chain_every_entry_once(engine: Engine) -> None:
    def write(worker: int) -> None:
        for i in range(10):
            with engine.connect() as conn:
                record_event(conn, _event(worker * 100 + i))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with engine.connect() as conn:
        assert verify_chain(conn).entries == 40


def test_record_event_survives_the_callers_rollback(engine: Engine) -> None:
    with engine.connect() as conn:
        record_event(conn, _event(1))
        conn.rollback()
    with engine.connect() as conn:
        assert verify_chain(conn).entries == 1


def test_record_event_joins_a_transaction_that_already_writes(engine: Engine) -> None:
    with engine.begin() as conn:
        append_event(conn, _event(1))
        record_event(conn, _event(2))  # would deadlock on a second connection
    with engine.connect() as conn:
        assert verify_chain(conn).entries == 2
