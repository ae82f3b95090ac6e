"""What the access gate costs on a chronology read: the policy check and the audit write,
beside the same read with both off, on SQLite and PostgreSQL.

Three ways of reading one child's chronology (``--records`` records about the child, from
several agencies), each on a fresh connection, interleaved so a busy machine slows them
alike:

* ``bare``: ``assemble_chronology`` alone (no policy check, no audit row);
* ``policy``: the facts gathered and the policy decided (``gather_facts`` + ``decide``),
  then the read, with no audit row;
* ``gated``: what the API and CLI do: ``guard_child_read`` (decide + append one hash-chained
  audit entry, committed on its own connection), the read, and restricted narratives withheld.

The actor is a front-door worker of the child's local authority, the most common full view
(it costs the local-authority lookup; the operator's decision costs none).

Run: ``.venv/bin/python bench/access_overhead.py [--reads N] [--records N] [--no-pg]``. Prints
median and p95 in milliseconds and the ratio to ``bare``; figures go in docs/access.md and the
closing notes, never into tests.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from access.conftest import _record, build_world  # the access tests' invented world
from joinedup.access.accounts import actor_for_user, add_user, resolve_organisation
from joinedup.access.actor import Actor
from joinedup.access.guard import View, guard_child_read
from joinedup.access.involvement import gather_facts
from joinedup.access.policy import decide
from joinedup.chronology import assemble_chronology
from joinedup.chronology.assemble import withhold_restricted
from joinedup.storage.db import make_engine, migrate

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
AGENCIES = (
    ("school", "attendance_concern"),
    ("gp", "parental_mental_health"),
    ("police", "domestic_abuse_incident"),
    ("health_visitor", "missed_appointment"),
)


def _fresh(kind: str, workdir: Path) -> tuple[str, Callable[[], None]]:
    if kind == "sqlite":
        return f"sqlite:///{workdir / (uuid.uuid4().hex + '.sqlite')}", lambda: None
    name = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def _setup(engine: Engine, records: int) -> tuple[int, Actor]:
    world = build_world(engine, with_tokens=False, passwords=False)
    with engine.begin() as conn:
        orgs = {
            agency: resolve_organisation(conn, f"Northtown {agency}", agency, "Northtown") for agency, _e in AGENCIES
        }
        for n in range(records):
            agency, event = AGENCIES[n % len(AGENCIES)]
            _record(
                conn,
                orgs[agency],
                agency,
                "Northtown",
                f"B-{n}",
                event,
                date(2024, 1, 1) + timedelta(days=n),
                world.child_id,
                "Synthetic bench narrative.",
            )
        front = resolve_organisation(conn, "Northtown Children's Services")
        user_id = add_user(conn, "bench.front-door", front, "front_door")
        actor = actor_for_user(conn, user_id)
    assert actor is not None
    return world.child_id, actor


def _bare(engine: Engine, person_id: int, _actor: Actor) -> int:
    with engine.connect() as conn:
        return len(assemble_chronology(conn, person_id).entries)


def _policy(engine: Engine, person_id: int, actor: Actor) -> int:
    with engine.connect() as conn:
        assert decide(actor, gather_facts(conn, actor, person_id)).view is View.FULL
        return len(assemble_chronology(conn, person_id).entries)


def _gated(engine: Engine, person_id: int, actor: Actor) -> int:
    with engine.connect() as conn:
        assert guard_child_read(conn, actor, person_id, "bench: case work", "chronology") is View.FULL
        return len(withhold_restricted(assemble_chronology(conn, person_id), actor).entries)


MODES: dict[str, Callable[[Engine, int, Actor], int]] = {"bare": _bare, "policy": _policy, "gated": _gated}


def run(kind: str, reads: int, records: int, workdir: Path) -> dict[str, list[float]]:
    url, drop = _fresh(kind, workdir)
    engine = make_engine(url)
    try:
        migrate(engine)
        person_id, actor = _setup(engine, records)
        sizes = {name: mode(engine, person_id, actor) for name, mode in MODES.items()}  # warm up
        assert len(set(sizes.values())) == 1, sizes
        times: dict[str, list[float]] = {name: [] for name in MODES}
        for _ in range(reads):
            for name, mode in MODES.items():
                start = time.perf_counter()
                mode(engine, person_id, actor)
                times[name].append((time.perf_counter() - start) * 1000)
        return times
    finally:
        engine.dispose()
        drop()


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=200, help="reads of each kind (default 200)")
    parser.add_argument("--records", type=int, default=120, help="records in the child's chronology (default 120)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    args = parser.parse_args()
    kinds = ["sqlite"] if args.no_pg else ["sqlite", "postgresql"]
    print(f"chronology read of one child with {args.records} records, {args.reads} reads of each kind, interleaved")
    print(f"{'database':<11} {'mode':<7} {'median ms':>10} {'p95 ms':>8} {'x bare (median)':>16} {'x bare (p95)':>13}")
    with tempfile.TemporaryDirectory() as tmp:
        for kind in kinds:
            times = run(kind, args.reads, args.records, Path(tmp))
            base_med, base_p95 = statistics.median(times["bare"]), p95(times["bare"])
            for name, values in times.items():
                med, high = statistics.median(values), p95(values)
                print(
                    f"{kind:<11} {name:<7} {med:>10.2f} {high:>8.2f} {med / base_med:>16.2f} {high / base_p95:>13.2f}"
                )


if __name__ == "__main__":
    main()
