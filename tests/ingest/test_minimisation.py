"""The data-minimisation register at the door: a field the register does not hold for a
record's event type is dropped with a clear notice in the ingest report, and never stored."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import yaml
from sqlalchemy import select
from typer.testing import CliRunner

from joinedup.cli.main import app
from joinedup.ingest.minimisation import RegisterError, load_register, parse_register
from joinedup.records.vocab import EventType
from joinedup.storage.db import open_database
from joinedup.storage.tables_records import IngestRejection, Record
from support.records import record, write_jsonl

runner = CliRunner()
SECRET = "Off sick; mum says the bailiffs came on Monday."


def _ingest(path: Path, db_url: str) -> dict[str, object]:
    done = runner.invoke(app, ["ingest", str(path), "--db", db_url, "--format", "json"])
    assert done.exit_code == 0, done.output
    report: dict[str, object] = orjson.loads(done.stdout.strip().splitlines()[-1])
    return report


def test_a_field_outside_the_register_is_dropped_with_a_notice_and_never_stored(db_url: str, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            record("S-1", event_type="absence", narrative=SECRET),
            record("S-2", event_type="attendance_concern", narrative="Late and hungry again."),
        ],
    )
    report = _ingest(path, db_url)
    assert report["accepted"] == 2 and report["rejected"] == []
    (notice,) = report["notices"]  # type: ignore[misc]
    assert notice["event_type"] == "absence" and notice["field"] == "narrative"
    assert notice["records"] == 1 and notice["lines"] == [1]
    assert "does not hold narrative for absence" in notice["reason"] and "not stored" in notice["reason"]

    engine = open_database(db_url)
    with engine.connect() as conn:
        rows = {r.source_record_id: r for r in conn.execute(select(Record))}
        rejected = conn.execute(select(IngestRejection)).all()
    assert rows["S-1"].narrative is None and "narrative" not in rows["S-1"].payload
    assert SECRET not in orjson.dumps(rows["S-1"].payload).decode()
    assert rows["S-2"].narrative == "Late and hungry again."  # held for concerns
    assert rejected == []
    engine.dispose()

    again = _ingest(path, db_url)  # idempotent: the minimised record is recognised
    assert again["duplicate"] == 2 and again["accepted"] == 0
    text = runner.invoke(app, ["ingest", str(path), "--db", db_url])
    assert "notice: 1 record(s): the data register does not hold narrative for absence" in text.stdout


def test_the_register_gives_every_event_type_a_purpose_and_a_retention() -> None:
    register = load_register()
    assert set(register.event_types) == {e.value for e in EventType}
    for entry in register.event_types.values():
        assert entry.purpose and 1 <= entry.retention_years <= 100
        assert not entry.not_held or entry.why_not
    assert register.lawful_basis.startswith("UK GDPR")


def test_a_wrong_register_is_refused_with_every_problem_listed() -> None:
    text = (Path(__file__).parents[2] / "src/joinedup/ingest/register.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    del data["event_types"]["absence"]
    data["event_types"]["school_admission"]["not_held"] = ["subjects"]
    data["event_types"]["made_up"] = {"group": "concern"}
    with pytest.raises(RegisterError) as caught:
        parse_register(data)
    message = str(caught.value)
    assert "event_types.absence: missing" in message
    assert "'subjects' cannot be dropped" in message
    assert "made_up: not an event type" in message
