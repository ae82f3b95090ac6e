"""The synthetic files go through the real ``joinedup ingest`` command with nothing refused,
as JSON Lines and as CSV alike."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import func, select

from joinedup.ingest import ingest_file
from joinedup.storage.db import open_database
from joinedup.storage.tables_records import Record, RecordSubject

ReadJsonl = Callable[[Path], list[dict[str, Any]]]


def _ingest(path: Path, db_url: str, joinedup_command: str) -> dict[str, object]:
    done = subprocess.run(
        [joinedup_command, "ingest", str(path), "--db", db_url, "--format", "json"],
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    report: dict[str, object] = orjson.loads(done.stdout.splitlines()[-1])
    return report


def _counts(db_url: str) -> tuple[int, int]:
    engine = open_database(db_url)
    with engine.connect() as conn:
        found = (
            conn.execute(select(func.count()).select_from(Record)).scalar_one(),
            conn.execute(select(func.count()).select_from(RecordSubject)).scalar_one(),
        )
    engine.dispose()
    return found


@pytest.mark.slow
def test_every_synthetic_record_is_accepted_by_the_ingest_command(
    tiny: Path, db_url: str, read_jsonl: ReadJsonl, joinedup_command: str
) -> None:
    report = _ingest(tiny / "records.jsonl", db_url, joinedup_command)
    expected = len(read_jsonl(tiny / "records.jsonl"))
    assert report["rejected"] == []
    assert report["accepted"] == expected
    subjects = len(read_jsonl(tiny / "truth/subjects.jsonl"))
    assert _counts(db_url) == (expected, subjects)


def test_the_csv_form_ingests_to_the_same_counts_as_json_lines(tiny: Path, tmp_path: Path) -> None:
    """Intake only (the later stages are not what differs between the two forms)."""
    counts = []
    for name in ("records.jsonl", "records.csv"):
        db_url = f"sqlite:///{tmp_path / name}.sqlite"
        engine = open_database(db_url)
        report = ingest_file(engine, tiny / name, submitted_by="test", run_pipeline=False)
        engine.dispose()
        assert report.rejected == [], name
        counts.append((report.accepted, *_counts(db_url)))
    assert counts[0] == counts[1]
