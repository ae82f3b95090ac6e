"""The person interface other stages read: records, merges followed, households over time."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Engine

from joinedup.identity.persons import (
    current_person,
    household_of,
    new_adults_in_household,
    person_of_subject,
    records_of_person,
)
from joinedup.ingest import ingest_payloads

CHILD = {
    "role": "child",
    "given_name": "Ruby",
    "family_name": "Okafor",
    "date_of_birth": "2018-03-02",
    "sex": "F",
    "address": {"line1": "3 Elm Road", "postcode": "SB2 7QT"},
}
MUM = {"role": "parent", "given_name": "Claire", "family_name": "Okafor", "date_of_birth": "1990-06-12", "sex": "F"}
NEW_MAN = {
    "role": "partner_of_parent",
    "given_name": "Wayne",
    "family_name": "Dixon",
    "date_of_birth": "1985-01-20",
    "sex": "M",
}


def test_household_members_carry_their_dates_and_a_new_adult_is_found(engine: Engine, make_record: Any) -> None:
    ingest_payloads(
        engine,
        [
            make_record("school", "S-1", CHILD, MUM, occurred_at="2024-01-10"),
            make_record("health_visitor", "HV-1", CHILD, MUM, occurred_at="2024-02-01"),
            make_record("police", "P-1", CHILD, MUM, NEW_MAN, occurred_at="2024-06-05"),
        ],
        source="test",
        submitted_by="test",
    )
    with engine.connect() as conn:
        records = {
            name: conn.exec_driver_sql(f"select id from records where source_record_id = '{name}'").scalar_one()
            for name in ("S-1", "HV-1", "P-1")
        }
        child = person_of_subject(conn, records["S-1"], 0)
        mum = person_of_subject(conn, records["S-1"], 1)
        man = person_of_subject(conn, records["P-1"], 2)
        assert child is not None and mum is not None and man is not None
        assert person_of_subject(conn, records["P-1"], 0) == child
        assert sorted(records_of_person(conn, child)) == sorted(records.values())
        assert current_person(conn, child) == child
        members = {(m.person_id, m.relationship): m for m in household_of(conn, child)}
        assert members[(mum, "parent")].from_date == date(2024, 1, 10)
        assert members[(mum, "parent")].to_date == date(2024, 6, 5)
        assert (man, "partner_of_parent") in members
        assert [m.person_id for m in household_of(conn, child, as_of=date(2024, 3, 1))] == [mum]
        assert new_adults_in_household(conn, child) == [(man, date(2024, 6, 5))]
