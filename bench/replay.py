"""Batch replay time (``joinedup rules run``): every rule over every child's whole history.

The issue's goal: 50,000 children replayed in under 2 minutes. Loading 50,000 synthetic
children through the full intake takes far longer than the replay itself on a shared 2-core
box, so the bench loads one synthetic authority once (intake without the pipeline, links from
the synthetic truth) and can then ``--replicate`` it K times with fresh ids: K copies of the
same families, each a separate set of records, persons and links, which is what the replay
reads. The baseline run side by side is the bare read of the same link rows (the floor any
replay has to pay); the ratio says how much the rules themselves cost.

    .venv/bin/python bench/replay.py --synth DIR --db sqlite:////tmp/replay.sqlite [--replicate 5]

Prints children, records, seconds for the baseline read, load_child_facts and the full replay,
and the CPU load at the start (others' work slows every figure: say so when quoting one).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, func, select, text

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
from joinedup.chronology.facts import _link_query, load_child_facts
from joinedup.cli.eval_alerts import _jsonl, _oracle_link
from joinedup.ingest import ingest_file
from joinedup.rules.engine import replay
from joinedup.storage.db import make_engine, migrate
from joinedup.storage.tables_identity import Person, SubjectLink
from joinedup.storage.tables_records import Record

# Columns copied per table when replicating (ids shifted; source_record_id made unique).
COPIES = {
    "persons": ("id", "created_at, status, merged_into_id", "created_at, status, NULL"),
    "records": (
        "id",
        "agency, source_record_id, version, organisation_id, local_authority, occurred_at, occurred_on, event_type,"
        " narrative, payload, content_hash, received_at, submitted_by, batch_id",
        "agency, source_record_id || '~{k}', version, organisation_id, local_authority, occurred_at, occurred_on,"
        " event_type, narrative, payload, content_hash, received_at, submitted_by, batch_id",
    ),
    "record_subjects": (
        "id",
        "record_id, subject_index, role, given_name, family_name, other_names, date_of_birth, sex, nhs_number, upn,"
        " address_line1, address_line2, address_town, address_postcode",
        "record_id + {records}, subject_index, role, given_name, family_name, other_names, date_of_birth, sex,"
        " nhs_number, upn, address_line1, address_line2, address_town, address_postcode",
    ),
    "record_heads": (
        "id",
        "agency, source_record_id, record_id, version, content_hash",
        "agency, source_record_id || '~{k}', record_id + {records}, version, content_hash",
    ),
    "subject_links": (
        "id",
        "record_subject_id, record_id, subject_index, person_id, decision, match_probability, model_version, linked_at",
        "record_subject_id + {record_subjects}, record_id + {records}, subject_index, person_id + {persons}, decision,"
        " match_probability, model_version, linked_at",
    ),
}


def load(engine: Engine, synth: Path) -> None:
    """Intake without the pipeline, then links from the truth (so linkage errors do not count)."""
    with engine.connect() as conn:
        if conn.execute(select(func.count()).select_from(Record)).scalar_one():
            return
    started = time.perf_counter()
    ingest_file(engine, synth / "records.jsonl", submitted_by="bench", run_pipeline=False)
    truth = {
        (r["agency"], r["source_record_id"], r["subject_index"]): r["person_id"]
        for r in _jsonl(synth / "truth" / "subjects.jsonl")
    }
    _oracle_link(engine, truth)
    print(f"loaded {synth} in {time.perf_counter() - started:.0f}s")


def replicate(engine: Engine, times: int) -> None:
    """Append ``times - 1`` copies of every child (records, persons, links) with fresh ids."""
    with engine.begin() as conn:
        if conn.execute(select(func.count()).select_from(Record).where(Record.source_record_id.like("%~%"))).scalar():
            return  # already replicated
        span = {t: int(conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {t}")).scalar_one()) for t in COPIES}
        for k in range(1, times):
            shift = {t: span[t] * k for t in COPIES}
            for table, (pk, columns, values) in COPIES.items():
                chosen = values.format(k=k, **shift)
                conn.execute(
                    text(
                        f"INSERT INTO {table} ({pk}, {columns}) SELECT {pk} + {shift[table]}, {chosen} FROM {table}"
                        f" WHERE {pk} <= {span[table]}"
                    )
                )
        if conn.dialect.name == "postgresql":
            for table in COPIES:
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synth", type=Path, required=True, help="a folder written by `joinedup synth`")
    parser.add_argument("--db", required=True, help="database URL (loaded once, reused on later runs)")
    parser.add_argument("--replicate", type=int, default=1, help="copies of the authority (fresh ids each)")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (shared machine)")
    engine = make_engine(args.db)
    migrate(engine)
    load(engine, args.synth)
    replicate(engine, args.replicate)
    with engine.connect() as conn:
        records = conn.execute(select(func.count()).select_from(Record)).scalar_one()
        persons = conn.execute(select(func.count()).select_from(Person)).scalar_one()
        links = conn.execute(select(func.count()).select_from(SubjectLink)).scalar_one()
    started = time.perf_counter()
    with engine.connect() as conn:
        rows = len(conn.execute(_link_query()).all())
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    with engine.connect() as conn:
        children = len(load_child_facts(conn))
    facts_s = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    firings, judged = replay(engine)
    replay_s, replay_cpu = time.perf_counter() - started, time.process_time() - cpu
    print(f"{judged:,} children, {persons:,} persons, {records:,} records, {links:,} links ({rows:,} link rows)")
    print(f"baseline: bare read of the link rows      {baseline:7.1f}s")
    print(f"load_child_facts (stories of {children:,})   {facts_s:7.1f}s")
    print(
        f"replay: every rule over every child       {replay_s:7.1f}s  (CPU {replay_cpu:.1f}s; {len(firings):,} first firings)"
    )
    print(f"ratio replay / baseline read: {replay_s / baseline:.1f}x; goal 50,000 children < 120s")


if __name__ == "__main__":
    main()
