"""Intake throughput: records/s for a 200,000-record file into SQLite and PostgreSQL, each beside
a bare ``executemany`` baseline inserting the same rows into the same tables.

The ``full`` columns time the same file through the whole pipeline a real submission takes
(intake, then linking every subject and running the rules on every child touched), which is
what a front door waits for; the intake columns isolate the storage layer against the baseline.

Run: ``.venv/bin/python bench/ingest.py [--records N] [--no-pg] [--no-full]``. Prints a table; the
figures go in the closing notes, never into tests.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson
from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from joinedup.ingest import ingest_file
from joinedup.ingest.readers import read_file
from joinedup.ingest.validate import validate_json_line
from joinedup.storage.db import make_engine, migrate
from support.records import many_records

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
CHUNK = 2_000


def _fresh(url_kind: str, workdir: Path) -> tuple[str, object]:
    if url_kind == "sqlite":
        return f"sqlite:///{workdir / (uuid.uuid4().hex + '.sqlite')}", None
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", (admin, name)


def _drop(cleanup: object) -> None:
    if cleanup:
        admin, name = cleanup  # type: ignore[misc]
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run_joinedup(url: str, path: Path, pipeline: bool = False) -> float:
    engine = make_engine(url)
    migrate(engine)
    start = time.perf_counter()
    report = ingest_file(engine, path, submitted_by="bench", run_pipeline=pipeline)
    elapsed = time.perf_counter() - start
    assert report.accepted > 0 and not report.rejected
    engine.dispose()
    return elapsed


def run_baseline(url: str, path: Path) -> float:
    """The same rows, already validated and shaped, inserted by a bare executemany loop."""
    prepared = []
    for row in read_file(path):
        assert row.raw is not None
        item = validate_json_line(row.line, row.raw)
        assert not isinstance(item, list)
        prepared.append(item)
    engine = make_engine(url)
    migrate(engine)
    raw = engine.raw_connection()
    cur = raw.cursor()
    ph = "?" if url.startswith("sqlite") else "%s"
    record_sql = (
        "INSERT INTO records (id, agency, source_record_id, version, local_authority, occurred_at, occurred_on, "
        "event_type, narrative, payload, content_hash, received_at, submitted_by) VALUES "
        f"({', '.join([ph] * 13)})"
    )
    subject_sql = (
        "INSERT INTO record_subjects (record_id, subject_index, role, given_name, family_name, date_of_birth, "
        f"address_postcode) VALUES ({', '.join([ph] * 7)})"
    )
    now = "2026-01-01T00:00:00+00:00"
    start = time.perf_counter()
    next_id = 1
    for offset in range(0, len(prepared), CHUNK):
        chunk = prepared[offset : offset + CHUNK]
        records, subjects = [], []
        for item in chunk:
            records.append(
                (
                    next_id,
                    item.agency,
                    item.source_record_id,
                    1,
                    item.local_authority,
                    item.occurred_at,
                    item.occurred_on,
                    item.event_type,
                    item.narrative,
                    orjson.dumps(item.payload).decode(),
                    item.content_hash,
                    now,
                    "bench",
                )
            )
            for index, s in enumerate(item.subjects):
                subjects.append(
                    (
                        next_id,
                        index,
                        s["role"],
                        s["given_name"],
                        s["family_name"],
                        s["date_of_birth"],
                        s["address_postcode"],
                    )
                )
            next_id += 1
        cur.executemany(record_sql, records)
        cur.executemany(subject_sql, subjects)
        raw.commit()
    elapsed = time.perf_counter() - start
    raw.close()
    engine.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-full", action="store_true", help="skip the intake+link+rules run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        path = workdir / "bench.jsonl"
        path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in many_records(args.records, prefix="B")))
        print(f"{args.records:,} records, {path.stat().st_size / 1e6:.1f} MB JSON Lines, chunk {CHUNK:,}")
        print("load average at start: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
        print(
            f"{'backend':<12}{'intake s':>10}{'rec/s':>9}{'baseline s':>12}{'rec/s':>9}{'ratio':>7}"
            f"{'full s':>9}{'rec/s':>8}"
        )
        for kind in ("sqlite",) + (() if args.no_pg else ("postgresql",)):
            url, cleanup = _fresh(kind, workdir)
            ours = run_joinedup(url, path)
            _drop(cleanup)
            url, cleanup = _fresh(kind, workdir)
            base = run_baseline(url, path)
            _drop(cleanup)
            full = float("nan")
            if not args.no_full:
                url, cleanup = _fresh(kind, workdir)
                full = run_joinedup(url, path, pipeline=True)
                _drop(cleanup)
            n = args.records
            print(
                f"{kind:<12}{ours:>10.2f}{n / ours:>9,.0f}{base:>12.2f}{n / base:>9,.0f}{ours / base:>7.2f}"
                f"{full:>9.1f}{n / full:>8,.0f}",
                flush=True,
            )
        print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
