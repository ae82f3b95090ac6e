"""Kill the intake mid-file with SIGKILL, run it again: every record is there exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from joinedup.storage.db import make_engine
from joinedup.storage.tables_records import Record
from support.records import many_records, write_jsonl

JOINEDUP = [sys.executable, "-m", "joinedup.cli"]


def _stored(db_url: str) -> int:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(Record)).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_sigkill_mid_file_then_rerun_stores_every_record_once(db_url: str, tmp_path: Path) -> None:
    total = 20_000
    path = write_jsonl(tmp_path / "large.jsonl", many_records(total))
    env = {**os.environ, "JOINEDUP_DB": db_url}
    proc = subprocess.Popen(
        [*JOINEDUP, "ingest", str(path)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if _stored(db_url) > 0:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be killed; make the file larger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    part = _stored(db_url)
    assert 0 < part < total, f"expected a partial load after SIGKILL, found {part} of {total}"

    rerun = subprocess.run(
        [*JOINEDUP, "ingest", str(path), "--format", "json"], env=env, capture_output=True, text=True, timeout=600
    )
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    engine = make_engine(db_url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(Record.agency, Record.source_record_id, func.count()).group_by(
                Record.agency, Record.source_record_id
            )
        ).all()
    engine.dispose()
    assert len(rows) == total
    assert all(n == 1 for _, _, n in rows)
    assert '"duplicate":' in rerun.stdout and f'"duplicate":{part}' in rerun.stdout
