"""Server render time of the child page with 500 chronology events: median and p95 (goal
under 100 ms), beside a baseline child with 20 events rendered the same way in the same run.

Each request goes through the whole app in-process (FastAPI TestClient): session cookie,
access guard and its audit entry, chronology, household, alerts, swimlane SVG and the Jinja
page. What is left out is only the network and the browser. Runs on SQLite by default;
``--pg`` also times PostgreSQL (server at 127.0.0.1:5432, a throwaway database).

Run: ``.venv/bin/python bench/web_child_page.py [--events 500] [--runs 60] [--pg]``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, select, text
from stdnum.gb import upn

from joinedup.access import sessions
from joinedup.access.accounts import add_user, resolve_organisation
from joinedup.identity.persons import person_of_subject
from joinedup.ingest import ingest_payloads
from joinedup.storage.db import make_engine, migrate
from joinedup.storage.tables_records import RecordHead
from joinedup.web.app import create_app

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
AGENCIES = (
    ("school", "Springfield Primary", ("attendance_concern", "absence", "hunger_food_seeking")),
    ("gp", "Elm Surgery", ("appointment_attended", "missed_appointment_was_not_brought")),
    ("health_visitor", "Northtown Health Visiting", ("home_visit_child_seen", "home_visit_no_access")),
    ("police", "Northshire Police", ("police_welfare_check", "domestic_abuse_incident")),
    ("hospital_ed", "Northtown General", ("ed_attendance",)),
    ("housing", "Northtown Housing", ("financial_hardship", "house_move")),
)


def _upn(serial: int) -> str:
    body = f"330{serial:08d}A"
    return upn.calc_check_digit(body) + body


def _child(engine: Engine, serial: int, events: int) -> int:
    """A synthetic child with ``events`` records spread over several agencies and five years."""
    start = date.today() - timedelta(days=5 * 365)
    records = []
    for i in range(events):
        agency, organisation, kinds = AGENCIES[i % len(AGENCIES)]
        subjects: list[dict[str, object]] = [
            {"role": "child", "given_name": "Amira", "family_name": "Khan", "date_of_birth": "2016-05-02",
             "upn": _upn(serial)}
        ]  # fmt: skip
        if i % 7 == 0:
            # with a date of birth, as GP and police records give it, so she links to one person
            subjects.append(
                {"role": "parent", "given_name": "Sara", "family_name": "Khan", "date_of_birth": "1990-03-04"}
            )
        records.append(
            {
                "agency": agency,
                "organisation": organisation,
                "local_authority": "Northtown",
                "source_record_id": f"B{serial}-{i}",
                "occurred_at": (start + timedelta(days=i * 5 * 365 // events)).isoformat(),
                "event_type": kinds[i % len(kinds)],
                "narrative": f"Synthetic narrative {i} for a benchmark.",
                "subjects": subjects,
            }
        )
    report = ingest_payloads(engine, records, source="bench", submitted_by="bench")
    assert report.accepted == events, report
    with engine.connect() as conn:
        record_id = conn.execute(
            select(RecordHead.record_id).where(RecordHead.source_record_id == f"B{serial}-0")
        ).scalar_one()
        person = person_of_subject(conn, record_id, 0)
    assert person is not None
    return person


def _time(client: TestClient, path: str, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU milliseconds per request. On a shared machine the wall clock also
    counts time spent waiting for a core; CPU time (the whole process: the app runs in a
    thread of this one) is the work the server did."""
    for _ in range(3):  # warm up templates and caches
        assert client.get(path).status_code == 200
    wall, cpu = [], []
    for _ in range(runs):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        wall.append((time.perf_counter() - begin) * 1000)
        cpu.append((time.process_time() - begin_cpu) * 1000)
        assert response.status_code == 200
    return wall, cpu


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def bench(url: str, events: int, runs: int) -> None:
    engine = make_engine(url)
    migrate(engine)
    big = _child(engine, 1, events)
    small = _child(engine, 2, 20)
    with engine.begin() as conn:
        org = resolve_organisation(conn, "Northtown Children's Services", "childrens_social_care", "Northtown")
        user_id = add_user(conn, "sw.bench", org, "social_worker", password="correct horse battery staple")
        token, _session = sessions.create_session(conn, user_id)
    # Started as a server starts it (the app's lifespan runs), then one client request at a time.
    with TestClient(create_app(engine=engine)) as client:
        client.cookies.set(sessions.COOKIE_NAME, token)
        baseline = _time(client, f"/children/{small}", runs)
        full = _time(client, f"/children/{big}", runs)
    backend = url.split(":", 1)[0].split("+")[0]
    for label, (wall, cpu) in (("20 events", baseline), (f"{events} events", full)):
        print(
            f"{backend:<10} {label:>10}  wall median {statistics.median(wall):6.1f} ms  p95 {_p95(wall):6.1f} ms"
            f"  |  cpu median {statistics.median(cpu):6.1f} ms  p95 {_p95(cpu):6.1f} ms"
        )
    ratio = statistics.median(full[1]) / statistics.median(baseline[1])
    print(f"{backend:<10} ratio {events} events / 20 events (cpu median): {ratio:.2f}x")
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--pg", action="store_true", help="also time PostgreSQL")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bench(f"sqlite:///{Path(folder) / 'bench.sqlite'}", args.events, args.runs)
    if args.pg:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            bench(PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", args.events, args.runs)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
