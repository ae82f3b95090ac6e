"""Alert latency through the API: from submitting the record that completes a pattern
(``POST /api/v1/records``) to the alert being visible (``GET /api/v1/alerts?person_id=``).

The issue's goal: p95 under 1 second with 100,000 children loaded. The pipeline runs inside
the submitting request (intake, linking, rules, alerts), so the alert is visible as soon as
the POST has answered; the bench measures POST + GET end to end, in process (FastAPI's
TestClient, no network), and beside it the same POST of a routine record that completes
nothing (the baseline: what intake and linking cost without an alert being raised).

Load a database first (``bench/replay.py --replicate K`` leaves one with K x the synthetic
authority's children); the pipeline queue is emptied, so each trial's pipeline only does the
work one new record causes, as in steady state. Works on SQLite and PostgreSQL URLs.

    .venv/bin/python bench/alerts_latency.py --db sqlite:////tmp/replay.sqlite [--trials 30]

Prints the children held, then p50/p95/max seconds for the triggering submission, the alert
read, the total, and the baseline submission. Shared 2-core machine: quote the load average.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select, text

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
from joinedup.access.accounts import add_user, resolve_organisation
from joinedup.access.tokens import issue_token
from joinedup.chronology.facts import CHILD_ROLES
from joinedup.storage import access_accounts
from joinedup.storage.db import make_engine, migrate
from joinedup.storage.tables_identity import SubjectLink
from joinedup.storage.tables_records import Record, RecordSubject
from joinedup.web.app import create_app

LA = "Benchford"


def _steady_state(engine: Engine) -> None:
    """Empty the pipeline queue (migration 0007 queues every record the rules had not yet
    judged, and ``bench/replay.py`` loads without the pipeline), so a trial's pipeline does
    only the work its one new record causes, as in steady state."""
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM pipeline_queue"))


def _tokens(engine: Engine) -> tuple[dict[str, str], dict[str, str]]:
    with engine.begin() as conn:
        if access_accounts.user_by_name(conn, "bench.school") is None:
            school = resolve_organisation(conn, "Benchford Primary", "school", LA)
            add_user(conn, "bench.school", school, "practitioner")
            door = resolve_organisation(conn, "Benchford Front Door", "childrens_social_care", LA)
            add_user(conn, "bench.door", door, "front_door")
        ingest = issue_token(conn, "bench.school", "ingest")[1]
        read = issue_token(conn, "bench.door", "read")[1]
    return {"Authorization": f"Bearer {ingest}"}, {"Authorization": f"Bearer {read}"}


def _record(trial: str, n: int, event_type: str, agency: str, organisation: str, day: date) -> dict[str, Any]:
    """An invented child of an invented family, unique per trial ``n`` in name, date of birth
    and postcode, so linkage never joins two trials' children into one story."""
    return {
        "agency": agency,
        "organisation": organisation,
        "source_record_id": f"BENCH-{trial}-{event_type}",
        "local_authority": LA,
        "occurred_at": day.isoformat(),
        "event_type": event_type,
        "narrative": "Synthetic bench narrative.",
        "subjects": [
            {
                "role": "child",
                "given_name": f"Benchy{trial}",
                "family_name": f"Trialson{trial}",
                "date_of_birth": (date(2010, 1, 1) + timedelta(days=37 * n % 4000)).isoformat(),
                "address": {
                    "line1": f"{n} Bench Row",
                    "town": LA,
                    "postcode": f"BF{n % 97 + 1} {n % 9}{'ABCDEFGHJ'[n % 9]}Z",
                },
            }
        ],
    }


def _person_of(engine: Engine, source_record_id: str) -> int:
    with engine.connect() as conn:
        return int(
            conn.execute(
                select(SubjectLink.person_id)
                .join(Record, Record.id == SubjectLink.record_id)
                .join(RecordSubject, RecordSubject.id == SubjectLink.record_subject_id)
                .where(Record.source_record_id == source_record_id, RecordSubject.role.in_(CHILD_ROLES))
            ).scalar_one()
        )


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a loaded database URL (see bench/replay.py)")
    parser.add_argument("--trials", type=int, default=30)
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores (shared machine)")
    engine = make_engine(args.db)
    migrate(engine)
    _steady_state(engine)
    with engine.connect() as conn:
        records = conn.execute(select(func.count()).select_from(Record)).scalar_one()
        children = conn.execute(
            select(func.count(func.distinct(SubjectLink.person_id)))
            .join(RecordSubject, RecordSubject.id == SubjectLink.record_subject_id)
            .where(RecordSubject.role.in_(CHILD_ROLES))
        ).scalar_one()
    print(f"{children:,} children, {records:,} records held")
    ingest_auth, read_auth = _tokens(engine)
    client = TestClient(create_app(engine=engine))
    run = datetime.now(UTC).strftime("%H%M%S")
    base = int(run) % 997 * 13  # another run's children get other dates of birth and postcodes
    start = date.today() - timedelta(days=60)
    submit, read, total, baseline = [], [], [], []
    for i in range(args.trials):
        trial = f"{run}{i:03d}"
        first = _record(trial, base + i, "hunger_food_seeking", "school", "Benchford Primary", start)
        assert client.post("/api/v1/records", json=first, headers=ingest_auth).status_code == 200
        person = _person_of(engine, first["source_record_id"])
        with engine.connect() as conn:
            assert not conn.execute(text("SELECT 1 FROM alerts WHERE person_id = :p"), {"p": person}).first(), (
                f"trial {i}: the new child already has an alert (linked to an earlier trial's child?)"
            )
        trigger = _record(
            trial, base + i, "weight_faltering", "school", "Benchford Primary", start + timedelta(days=20)
        )
        t0 = time.perf_counter()
        answer = client.post("/api/v1/records", json=trigger, headers=ingest_auth)
        t1 = time.perf_counter()
        alerts = client.get("/api/v1/alerts", params={"person_id": person}, headers=read_auth).json()
        t2 = time.perf_counter()
        assert answer.status_code == 200, answer.text
        assert any(a["rule_id"] == "neglect_signs" for a in alerts), f"trial {i}: no alert visible"
        submit.append(t1 - t0)
        read.append(t2 - t1)
        total.append(t2 - t0)
        routine = _record(trial + "r", base + i + 500, "absence", "school", "Benchford Primary", start)
        t3 = time.perf_counter()
        done = client.post("/api/v1/records", json=routine, headers=ingest_auth)
        assert done.status_code == 200, done.text
        baseline.append(time.perf_counter() - t3)
    for name, values in [
        ("submit trigger (POST)", submit),
        ("alert read (GET)", read),
        ("record -> alert visible", total),
        ("baseline: routine POST", baseline),
    ]:
        print(
            f"{name:<26} p50 {statistics.median(values):6.3f}s  p95 {_pct(values, 0.95):6.3f}s  max {max(values):6.3f}s"
        )
    print(f"ratio p95 total / p95 baseline: {_pct(total, 0.95) / _pct(baseline, 0.95):.2f}x; goal p95 < 1s")


if __name__ == "__main__":
    main()
