"""``joinedup ingest`` then ``joinedup chronology PERSON_ID --format json`` and ``joinedup alerts
list --format json`` on a fresh database, through the real CLI: records are linked and rules
evaluated by ingest itself, the reads go through the access gate and leave audit rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import select

from joinedup.storage.db import make_engine
from joinedup.storage.tables_audit import AuditEntry
from joinedup.storage.tables_identity import SubjectLink
from joinedup.storage.tables_records import Record
from support.records import record, write_jsonl

JOINEDUP = [sys.executable, "-m", "joinedup.cli"]
HOME = {"line1": "12 Mill Lane", "town": "Northtown", "postcode": "NT1 4AB"}
CHILD = {
    "role": "child",
    "given_name": "Tilly",
    "family_name": "Ashdown",
    "date_of_birth": "2016-04-09",
    "nhs_number": "9434765919",
    "address": HOME,
}
MUM = {
    "role": "parent",
    "given_name": "Joanne",
    "family_name": "Ashdown",
    "date_of_birth": "1988-03-03",
    "address": HOME,
}
ALERT_KEYS = {
    "alert_id",
    "person_id",
    "rule_id",
    "severity",
    "status",
    "first_fired_at",
    "due_at",
    "local_authority",
    "evidence",
}
EVIDENCE_KEYS = {"agency", "source_record_id", "occurred_at", "event_type"}


def _run(*args: str, db_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JOINEDUP_DB"}
    return subprocess.run([*JOINEDUP, *args, "--db", db_url], capture_output=True, text=True, env=env, timeout=300)


def _ingest(db_url: str, tmp_path: Path) -> dict[str, Any]:
    """A school concern about the child and mother, the GP's faltering weight, then the police's
    domestic abuse call about the mother alone."""
    rows = [
        record("S-1", event_type="hunger_food_seeking", subjects=[CHILD, MUM]),
        record(
            "G-1", agency="gp", organisation="Mill Lane Surgery", event_type="weight_faltering",
            occurred_at="2024-02-01", subjects=[CHILD],
        ),
        record(
            "P-1", agency="police", organisation="Northshire Police", event_type="domestic_abuse_incident",
            occurred_at="2024-02-10", subjects=[MUM],
        ),
    ]  # fmt: skip
    done = _run("ingest", str(write_jsonl(tmp_path / "in.jsonl", rows)), "--format", "json", db_url=db_url)
    assert done.returncode == 0, done.stderr
    engine = make_engine(db_url)
    with engine.connect() as conn:
        child = conn.execute(
            select(SubjectLink.person_id)
            .join(Record, Record.id == SubjectLink.record_id)
            .where(Record.source_record_id == "G-1")
        ).scalar_one()
    engine.dispose()
    return {"db_url": db_url, "child": child}


def _audit_rows(db_url: str, person_id: int) -> list[Any]:
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEntry).where(AuditEntry.person_id == person_id)).all()
    engine.dispose()
    return rows


def _check_chronology_json_tells_the_childs_story_and_the_read_is_audited(ingested: dict[str, Any]) -> None:
    db_url, child = ingested["db_url"], ingested["child"]
    done = _run("chronology", str(child), "--format", "json", "--purpose", "strategy discussion prep", db_url=db_url)
    assert done.returncode == 0, done.stderr
    story = json.loads(done.stdout)
    assert story["person_id"] == child and story["date_of_birth"] == "2016-04-09"
    records = [e for e in story["entries"] if e["kind"] == "record"]
    assert [(e["agency"], e["event_type"], e["about"]) for e in records] == [
        ("school", "hunger_food_seeking", "child"),
        ("gp", "weight_faltering", "child"),
        ("police", "domestic_abuse_incident", "household"),
    ], "the mother's domestic abuse incident belongs in her child's story"
    police = records[2]["provenance"]
    assert police["organisation"] == "Northshire Police" and police["source_record_id"] == "P-1"
    assert police["recorded_as"]["given_name"] == "Joanne" and police["recorded_as"]["role"] == "parent"
    assert police["link_decision"] and police["match_probability"] is not None
    assert [e["rule_id"] for e in story["entries"] if e["kind"] == "alert"] == ["neglect_signs"]
    assert "Joanne" not in json.dumps(story["household"]), "household lists ids and roles, not names"
    [audit] = [r for r in _audit_rows(db_url, child) if r.action == "chronology"]
    assert audit.purpose == "strategy discussion prep" and audit.outcome == "full"
    assert "Tilly" not in audit.detail and "Ashdown" not in audit.detail


def _check_alerts_list_json_has_the_contract_keys(ingested: dict[str, Any]) -> None:
    db_url, child = ingested["db_url"], ingested["child"]
    done = _run("alerts", "list", "--format", "json", db_url=db_url)
    assert done.returncode == 0, done.stderr
    alerts = json.loads(done.stdout)
    assert isinstance(alerts, list)
    [neglect] = [a for a in alerts if a["rule_id"] == "neglect_signs"]
    assert set(neglect) >= ALERT_KEYS
    assert (neglect["person_id"], neglect["status"], neglect["local_authority"]) == (child, "open", "Northtown")
    assert neglect["first_fired_at"] == "2024-02-01", "the date of the record that completed the pattern"
    assert [{k: e[k] for k in EVIDENCE_KEYS} for e in neglect["evidence"]] == [
        {
            "agency": "school",
            "source_record_id": "S-1",
            "occurred_at": "2024-01-15",
            "event_type": "hunger_food_seeking",
        },
        {"agency": "gp", "source_record_id": "G-1", "occurred_at": "2024-02-01", "event_type": "weight_faltering"},
    ]


def _check_chronology_refuses_clearly(ingested: dict[str, Any]) -> None:
    db_url = ingested["db_url"]
    unknown = _run("chronology", "999999", "--format", "json", db_url=db_url)
    assert unknown.returncode != 0 and unknown.stdout == ""
    stranger = _run("chronology", str(ingested["child"]), "--as", "nobody-here", db_url=db_url)
    assert stranger.returncode == 3 and "nobody-here" in stranger.stderr
    bad_date = _run("chronology", str(ingested["child"]), "--since", "01/02/2024", db_url=db_url)
    assert bad_date.returncode == 2 and "YYYY-MM-DD" in bad_date.stderr


def test_ingest_then_chronology_and_alerts_through_the_cli(db_url: str, tmp_path: Path) -> None:
    """One ingest per backend (the real pipeline takes seconds), then every read checked."""
    ingested = _ingest(db_url, tmp_path)
    _check_chronology_json_tells_the_childs_story_and_the_read_is_audited(ingested)
    _check_alerts_list_json_has_the_contract_keys(ingested)
    _check_chronology_refuses_clearly(ingested)
