"""``joinedup ingest FILE --format json``: the exact object other tools read, through the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from support.records import record, write_jsonl

JOINEDUP = [sys.executable, "-m", "joinedup.cli"]
REJECTED_KEYS = {"line", "source_record_id", "field", "reason"}


def _run(*args: str, db_url: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "JOINEDUP_DB"}
    return subprocess.run([*JOINEDUP, *args, "--db", db_url], capture_output=True, text=True, env=env, timeout=300)


def test_ingest_json_report_on_a_fresh_database(db_url: str, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [record("C-1"), record("C-2", event_type="nope"), record("C-3")])
    first = _run("ingest", str(path), "--format", "json", db_url=db_url)
    assert first.returncode == 1, "a rejected row must make the command exit non-zero"
    report = json.loads(first.stdout)
    assert {"accepted", "duplicate", "new_version", "rejected"} <= set(report)
    assert (report["accepted"], report["duplicate"], report["new_version"]) == (2, 0, 0)
    [rejected] = report["rejected"]
    assert set(rejected) >= REJECTED_KEYS
    assert (rejected["line"], rejected["source_record_id"], rejected["field"]) == (2, "C-2", "event_type")

    changed = write_jsonl(tmp_path / "again.jsonl", [record("C-1"), record("C-3", narrative="Changed.")])
    second = _run("ingest", str(changed), "--format", "json", db_url=db_url)
    assert second.returncode == 0
    again = json.loads(second.stdout)
    assert (again["accepted"], again["duplicate"], again["new_version"], again["rejected"]) == (0, 1, 1, [])


def test_ingest_text_output_names_line_field_and_reason(db_url: str, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [record("C-1", occurred_at="2999-05-01")])
    result = _run("ingest", str(path), db_url=db_url)
    assert result.returncode == 1
    assert "rejected 1" in result.stdout
    assert "line 1, occurred_at (C-1): 2999-05-01 is in the future" in result.stdout


def test_unreadable_file_exits_2_with_a_reason(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("agency,colour\nschool,red\n")
    result = _run("ingest", str(path), "--format", "json", db_url=db_url)
    assert result.returncode == 2
    assert "unknown column" in json.loads(result.stdout)["error"]
