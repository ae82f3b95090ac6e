"""Bulk writes store exactly what ``insert`` stores, on both backends (COPY on PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError

from joinedup.storage.bulk import bulk_insert_dicts, table_of
from joinedup.storage.identity_links_repo import add_profiles, create_persons
from joinedup.storage.tables_identity import IdentityProfile, Person

# Characters COPY's text format must escape, and JSON with nesting and non-ASCII.
AWKWARD = "O'Neil\tsmith\\n\nZoë"


def _profiles(person_id: int, start: int, count: int) -> list[dict[str, Any]]:
    return [
        {
            "person_id": person_id,
            "signature": f"sig-{n}",
            "given": AWKWARD if n % 2 else None,
            "given_all": [AWKWARD, "amy"] if n % 3 else None,
            "family": "Smith",
            "dob": "2015-01-02",
            "dob_year": 2015 + n,
            "sex": None,
            "postcode": "LS1 4AB",
            "roles": ["child", {"nested": [1, 2.5, None, True]}],
        }
        for n in range(start, start + count)
    ]


def _stored(engine: Engine, signatures: list[str]) -> list[tuple[Any, ...]]:
    columns = [c for c in IdentityProfile.__table__.columns if c.name not in ("id", "signature")]
    with engine.connect() as conn:
        rows = conn.execute(
            select(IdentityProfile.signature, *columns)
            .where(IdentityProfile.signature.in_(signatures))
            .order_by(IdentityProfile.dob_year)
        ).all()
    return [tuple(row[1:]) for row in rows]


def test_bulk_rows_read_back_as_insert_rows_do(engine: Engine) -> None:
    with engine.begin() as conn:
        first, second = create_persons(conn, 2)
        conn.execute(insert(IdentityProfile), _profiles(first, 0, 6))
        bulk_insert_dicts(conn, table_of(IdentityProfile), _profiles(second, 0, 6))
    via_insert = _stored(engine, [f"sig-{n}" for n in range(6)])
    assert len(via_insert) == 12
    by_insert = [row[1:] for row in via_insert if row[0] == first]
    by_bulk = [row[1:] for row in via_insert if row[0] == second]
    assert by_bulk == by_insert
    assert AWKWARD in [row[0] for row in by_bulk]  # given, escaped and unescaped intact


def test_bulk_rows_get_the_constant_defaults_insert_would_give(engine: Engine) -> None:
    stamp = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    with engine.begin() as conn:
        bulk_insert_dicts(conn, table_of(Person), [{"created_at": stamp, "merged_into_id": None}] * 3)
        statuses = conn.execute(select(Person.status)).scalars().all()
    assert statuses == ["active"] * 3


def test_a_duplicate_in_a_bulk_write_raises_integrity_error_and_stores_none_of_it(engine: Engine) -> None:
    with engine.begin() as conn:
        (person,) = create_persons(conn, 1)
    rows = _profiles(person, 0, 5) + _profiles(person, 4, 1)  # sig-4 twice
    with pytest.raises(IntegrityError), engine.begin() as conn:
        bulk_insert_dicts(conn, table_of(IdentityProfile), rows)
    assert _stored(engine, [f"sig-{n}" for n in range(5)]) == []


def test_create_persons_makes_distinct_active_persons(engine: Engine) -> None:
    with engine.begin() as conn:
        ids = create_persons(conn, 2_500)
        more = create_persons(conn, 1)
        held = conn.execute(select(Person.id, Person.status, Person.merged_into_id)).all()
    assert len(ids) == len(set(ids)) == 2_500
    assert not set(more) & set(ids)
    assert sorted(r.id for r in held) == sorted([*ids, *more])
    assert {(r.status, r.merged_into_id) for r in held} == {("active", None)}


def test_add_profiles_adds_only_the_variants_not_yet_held(engine: Engine) -> None:
    with engine.begin() as conn:
        first, second = create_persons(conn, 2)
        add_profiles(conn, _profiles(first, 0, 3) + _profiles(second, 0, 1))
    with engine.begin() as conn:
        # sig-0..2 of the first person and sig-0 of the second are held; sig-1 is new for the
        # second person (the same signature as one of the first person's does not count).
        add_profiles(conn, _profiles(first, 1, 3) + _profiles(second, 0, 2))
        held = conn.execute(select(IdentityProfile.person_id, IdentityProfile.signature)).all()
    assert sorted(held) == sorted([(first, f"sig-{n}") for n in range(4)] + [(second, "sig-0"), (second, "sig-1")])
