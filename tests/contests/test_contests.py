"""Contesting the record, end to end on a fresh database (SQLite and PostgreSQL): a wrong merge
is contested, shows as contested in the link export and the chronology, is decided by a
manager, and is put right by an unmerge that gives each child back their own story."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from joinedup.access.actor import OPERATOR, Actor
from joinedup.audit.sar import subject_access_export
from joinedup.chronology.assemble import assemble_chronology
from joinedup.chronology.facts import load_child_facts
from joinedup.cli.main import app
from joinedup.contests import (
    CannotDecide,
    NotPermitted,
    UnknownItem,
    contest_alert,
    contest_link,
    contest_record,
    decide_contest,
)
from joinedup.contests.marking import mark_chronology
from joinedup.identity.merges import merge
from joinedup.identity.persons import person_of_subject
from joinedup.ingest import ingest_payloads
from joinedup.storage import audit_repo
from joinedup.storage import contests_repo as repo
from support.records import record

runner = CliRunner()
MANAGER = Actor(name="m.khan", kind="user", roles=frozenset({"manager"}))
PRACTITIONER = Actor(name="p.jones", kind="user", roles=frozenset({"practitioner"}))

OTHER_CHILD = [
    {
        "role": "child",
        "given_name": "Marek",
        "family_name": "Nowicki",
        "date_of_birth": "2019-11-30",
        "address": {"line1": "3 Quay Street", "town": "Southport", "postcode": "SP9 9ZZ"},
    }
]


def _two_children_wrongly_merged(engine: Engine) -> tuple[int, int, int]:
    ingest_payloads(
        engine,
        [
            record("S-1"),
            record("G-1", agency="gp", event_type="missed_appointment_was_not_brought", subjects=OTHER_CHILD),
        ],
        source="test",
        submitted_by="test",
    )
    with engine.begin() as conn:
        tilly = _person(conn, "school", "S-1")
        marek = _person(conn, "gp", "G-1")
        assert tilly != marek
        merge_id = merge(conn, marek, tilly, actor="clerk", reason="looked alike")
    return tilly, marek, merge_id


def _person(conn: Any, agency: str, source_id: str) -> int:
    found = repo.head_record(conn, agency, source_id)
    assert found is not None
    pid = person_of_subject(conn, found["id"], 0)
    assert pid is not None
    return pid


def _export(db_url: str) -> dict[str, dict[str, Any]]:
    done = runner.invoke(app, ["link", "export", "--format", "jsonl", "--db", db_url])
    assert done.exit_code == 0, done.output
    rows = [orjson.loads(line) for line in done.stdout.splitlines() if line.strip()]
    return {f"{r['agency']}/{r['source_record_id']}#{r['subject_index']}": r for r in rows}


def _sources(engine: Engine, person_id: int) -> set[int]:
    with engine.connect() as conn:
        facts = load_child_facts(conn, [person_id])
    return {e.record_id for e in facts[person_id].events} if person_id in facts else set()


def test_a_contested_link_is_marked_then_an_upheld_contest_unmerges_it(engine: Engine, db_url: str) -> None:
    tilly, marek, merge_id = _two_children_wrongly_merged(engine)
    with engine.connect() as conn:
        s1, g1 = repo.head_record(conn, "school", "S-1"), repo.head_record(conn, "gp", "G-1")
    assert s1 and g1
    assert _sources(engine, tilly) == {s1["id"], g1["id"]}  # the wrong merge joined their stories

    with engine.begin() as conn:
        cid = contest_link(
            conn, PRACTITIONER, "gp", "G-1", 0, "This is not Tilly: different child", on_behalf_of="family"
        )

    exported = _export(db_url)
    assert exported["gp/G-1#0"]["contested"] is True and exported["gp/G-1#0"]["contest_ids"] == [cid]
    assert exported["school/S-1#0"]["contested"] is False
    with engine.connect() as conn:
        story = mark_chronology(conn, assemble_chronology(conn, tilly).as_json())
    marked = {e["record_id"]: e["contested"] for e in story["entries"] if e["kind"] == "record"}
    assert marked == {s1["id"]: False, g1["id"]: True}
    shown = runner.invoke(app, ["chronology", str(tilly), "--format", "json", "--db", db_url])
    assert shown.exit_code == 0, shown.output
    entries = orjson.loads(shown.stdout.strip().splitlines()[-1])["entries"]
    assert {e["record_id"]: e["contested"] for e in entries if e["kind"] == "record"} == marked

    with engine.begin() as conn, pytest.raises(NotPermitted, match="manager"):
        decide_contest(conn, PRACTITIONER, cid, "upheld", "agreed", unmerge=merge_id)
    done = runner.invoke(
        app, ["contests", "decide", str(cid), "upheld", "--reason", "different child", "--db", db_url, "--as", "nobody"]
    )
    assert done.exit_code == 1 and "nobody" in done.output

    with engine.begin() as conn:
        decided = decide_contest(
            conn, MANAGER, cid, "upheld", "Different child: DOB and address differ", unmerge=merge_id
        )
    assert decided["status"] == "upheld" and decided["decided_role"] == "manager"
    assert decided["correction"]["kind"] == "unmerge" and decided["correction"]["merge_event_id"] == merge_id
    assert _sources(engine, tilly) == {s1["id"]}
    assert _sources(engine, marek) == {g1["id"]}
    assert _export(db_url)["gp/G-1#0"]["contested"] is False  # decided: no longer open

    listed = runner.invoke(app, ["contests", "list", "--format", "json", "--db", db_url])
    assert listed.exit_code == 0, listed.output
    (row,) = orjson.loads(listed.stdout)
    assert row["id"] == cid and row["status"] == "upheld" and row["on_behalf_of"] == "family"
    assert row["item_key"] == "gp/G-1#0" and row["reason"].startswith("This is not Tilly")
    with engine.connect() as conn:
        actions = [e["action"] for e in audit_repo.entries_by_action(conn, "contest.raise")]
        actions += [e["action"] for e in audit_repo.entries_by_action(conn, "contest.decide")]
    assert actions == ["contest.raise", "contest.decide"]


def test_a_record_is_corrected_by_a_new_version_never_an_edit(engine: Engine) -> None:
    ingest_payloads(engine, [record("S-1")], source="test", submitted_by="test")
    with engine.begin() as conn:
        cid = contest_record(conn, OPERATOR, "school", "S-1", "The child was not hungry; she had eaten")
        with pytest.raises(CannotDecide, match="--new-version"):
            decide_contest(conn, MANAGER, cid, "upheld", "agreed")
    ingest_payloads(engine, [record("S-1", narrative="Arrived late.")], source="test", submitted_by="test")
    with engine.begin() as conn:
        first = repo.get(conn, cid)
        newer = repo.head_record(conn, "school", "S-1")
        assert first and newer and newer["id"] != first["record_id"] and newer["version"] == 2
        with pytest.raises(CannotDecide, match="not a later version"):
            decide_contest(conn, MANAGER, cid, "upheld", "agreed", new_version=first["record_id"])
        decided = decide_contest(conn, MANAGER, cid, "upheld", "School sent a corrected note", new_version=newer["id"])
        assert decided["correction"] == {"kind": "new_version", "record_id": newer["id"], "version": 2}
        assert repo.record(conn, first["record_id"]) is not None  # the old version is still held
        with pytest.raises(CannotDecide, match="already upheld"):
            decide_contest(conn, MANAGER, cid, "rejected", "second thoughts")
    with engine.begin() as conn:
        held = subject_access_export(conn, OPERATOR, first["person_id"])
    assert [c["id"] for c in held["tables"]["contests"]] == [cid]  # in the subject access export


def test_contests_need_a_reason_a_known_item_and_a_role_that_may_raise_them(engine: Engine) -> None:
    ingest_payloads(engine, [record("S-1")], source="test", submitted_by="test")
    auditor = replace(PRACTITIONER, name="a.udit", roles=frozenset({"auditor"}))
    with engine.begin() as conn:
        with pytest.raises(CannotDecide, match="reason"):
            contest_record(conn, PRACTITIONER, "school", "S-1", "  ")
        with pytest.raises(UnknownItem, match="no record 'S-9'"):
            contest_record(conn, PRACTITIONER, "school", "S-9", "wrong")
        with pytest.raises(UnknownItem, match="no subject 7"):
            contest_link(conn, PRACTITIONER, "school", "S-1", 7, "wrong")
        with pytest.raises(UnknownItem, match="no alert 999"):
            contest_alert(conn, PRACTITIONER, 999, "wrong")
        with pytest.raises(NotPermitted):
            contest_record(conn, auditor, "school", "S-1", "wrong")


def test_an_unmerge_after_a_contest_gives_each_child_their_alerts_back(engine: Engine) -> None:
    """Marek's three missed appointments raised an alert; wrongly merged into Tilly, they raise
    one on her too. Upholding the contest unmerges them: Marek keeps his alert and Tilly's alert,
    resting on his records, is handed to the manager to review (alerts are never deleted)."""
    from datetime import UTC, datetime

    from joinedup.rules.engine import evaluate_children
    from joinedup.rules.loader import load_library
    from joinedup.storage.tables_alerts import Alert

    missed = [
        record(f"G-{i}", agency="gp", event_type="missed_appointment_was_not_brought", subjects=OTHER_CHILD)
        | {"occurred_at": f"2024-0{i}-10"}
        for i in (1, 2, 3)
    ]
    ingest_payloads(engine, [record("S-1"), *missed], source="test", submitted_by="test")
    with engine.begin() as conn:
        tilly, marek = _person(conn, "school", "S-1"), _person(conn, "gp", "G-1")
        merge_id = merge(conn, marek, tilly, actor="clerk", reason="looked alike")
        evaluate_children(conn, load_library(), load_child_facts(conn, [tilly]), datetime.now(UTC))

    def open_rules(pid: int) -> list[tuple[int, str]]:
        with engine.connect() as conn:
            rows = conn.execute(
                Alert.__table__.select().where(Alert.person_id == pid, Alert.status != "decided")
            ).mappings()
            return [(r["id"], r["rule_id"]) for r in rows]

    on_tilly = open_rules(tilly)  # Tilly's own record raises nothing; these rest on Marek's
    assert "repeated_was_not_brought" in [rule for _a, rule in on_tilly], "the merge should raise his alert on her"
    with engine.begin() as conn:
        cid = contest_link(conn, PRACTITIONER, "gp", "G-1", 0, "Not Tilly's appointments")
        decided = decide_contest(conn, MANAGER, cid, "upheld", "Different child", unmerge=merge_id)
    assert decided["correction"]["alerts_to_review"] == sorted(a for a, _rule in on_tilly)
    assert "repeated_was_not_brought" in [rule for _a, rule in open_rules(marek)]
    with engine.connect() as conn:
        facts = load_child_facts(conn, [tilly, marek])
    assert {e.event_type for e in facts[tilly].events} == {"attendance_concern"}
    assert [e.event_type for e in facts[marek].events] == ["missed_appointment_was_not_brought"] * 3
