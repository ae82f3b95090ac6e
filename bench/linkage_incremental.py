"""Incremental matching latency: one new record's subjects matched against an index of N
persons, as ingest does it (blocking-key look-up in the database, Splink scoring of the
candidates, decisions), median and p95 over many single records.

    .venv/bin/python bench/linkage_incremental.py --truth /tmp/s1m --persons 100000 --queries 200

The index is built by bulk insert from a ``joinedup synth`` population: each of the first N
distinct subject variants becomes its own person with one profile. That is pessimistic (one
child's variants become many persons, so blocks are larger than a real index of N persons).
Queries are the last records of the population, left out of the index. The figure printed beside
is the time of one empty-index match (fixed Splink/DuckDB overhead), the baseline a bigger
index is compared to: the goal is latency that grows with the candidate block, not the index.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select

from joinedup.identity import matcher
from joinedup.identity.eval_runs import synth_subjects
from joinedup.identity.frame import comparable, signature
from joinedup.identity.link import index_candidates, match
from joinedup.identity.matcher import QUICK_LIMIT
from joinedup.identity.model import default_model
from joinedup.identity.standardise import StandardSubject
from joinedup.storage import identity_links_repo as repo
from joinedup.storage.db import open_database
from joinedup.storage.tables_identity import IdentityProfile


def build_index(engine: Engine, subjects: list[StandardSubject], persons: int, leave_out: set[int]) -> int:
    seen: set[str] = set()
    rows: list[dict[str, Any]] = []
    for s in subjects:
        if s.record_id in leave_out:
            continue
        fields = comparable(s)
        sig = signature(fields)
        if sig in seen:
            continue
        seen.add(sig)
        rows.append({"signature": sig, **fields, "roles": [s.role] if s.role else []})
        if len(rows) == persons:
            break
    with engine.begin() as conn:
        for start in range(0, len(rows), 10_000):
            chunk = rows[start : start + 10_000]
            ids = repo.create_persons(conn, len(chunk))
            repo.add_profiles(conn, [{**row, "person_id": pid} for row, pid in zip(chunk, ids, strict=True)])
    return len(rows)


def match_one(engine: Engine, subjects: list[StandardSubject]) -> tuple[float, int]:
    """Seconds to match one record's subjects (look-up + score + decide), and candidates read."""
    model = default_model()
    start = time.perf_counter()
    with engine.connect() as conn:
        profiles = index_candidates(conn, subjects)
        givens = {s.given for s in subjects if s.given}
        families = {s.family for s in subjects if s.family}
        given_counts, family_counts, total = repo.name_counts(conn, givens, families)
    match(subjects, profiles, model, given_counts, family_counts, total)
    return time.perf_counter() - start, len(profiles)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--db", default=None, help="database URL (default: a new SQLite file); an index already in it is reused"
    )
    parser.add_argument("--splink-queries", type=int, default=20, help="records to time through Splink")
    parser.add_argument("--max-subjects", type=int, default=None, help="read only this many subjects")
    args = parser.parse_args()
    subjects, _, _ = synth_subjects(args.truth, limit=args.max_subjects)
    by_record: dict[int, list[StandardSubject]] = {}
    for s in subjects:
        by_record.setdefault(s.record_id, []).append(s)
    records = list(by_record.values())
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/bench.sqlite"
        engine = open_database(url)
        queries = records[-args.queries :]
        with engine.connect() as conn:
            held = conn.execute(select(func.count()).select_from(IdentityProfile)).scalar_one()
        if held:
            indexed = held
            print(f"index: {indexed} persons already in {url.split(':')[0]} (an earlier run's; not rebuilt)")
        else:
            start = time.perf_counter()
            indexed = build_index(engine, subjects, args.persons, {q[0].record_id for q in queries})
            print(f"index: {indexed} persons built in {time.perf_counter() - start:.0f} s ({url.split(':')[0]})")
        empty = open_database(f"sqlite:///{tmp}/empty.sqlite")
        match_one(empty, queries[0])  # warm up imports and DuckDB
        baseline = statistics.median(match_one(empty, q)[0] for q in queries[:20])
        match_one(engine, queries[0])
        timings, candidates = zip(*(match_one(engine, q) for q in queries), strict=True)
        # Plain Splink per record: the same look-up, scored by a Splink Linker each time.
        matcher.QUICK_LIMIT = -1
        splink_ms = sorted(match_one(engine, q)[0] * 1000 for q in queries[: args.splink_queries])
        matcher.QUICK_LIMIT = QUICK_LIMIT
    ms = sorted(t * 1000 for t in timings)
    p95 = ms[int(0.95 * (len(ms) - 1))]
    print(
        f"{len(ms)} single records against {indexed} persons: median {statistics.median(ms):.0f} ms, "
        f"p95 {p95:.0f} ms; candidates read median {statistics.median(candidates):.0f}, max {max(candidates)}"
    )
    print(
        f"empty index (fixed overhead): median {baseline * 1000:.0f} ms; ratio median/empty "
        f"{statistics.median(ms) / (baseline * 1000):.2f}x"
    )
    splink_p95 = splink_ms[int(0.95 * (len(splink_ms) - 1))]
    print(
        f"plain Splink per record ({len(splink_ms)} records): median {statistics.median(splink_ms):.0f} ms, "
        f"p95 {splink_p95:.0f} ms; ratio ours/Splink median "
        f"{statistics.median(ms) / statistics.median(splink_ms):.3f}x"
    )


if __name__ == "__main__":
    main()
