"""Linking through the real ingest: every stored subject gets a person, and the right one."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, text

from joinedup.identity.link import link_pending
from joinedup.ingest import ingest_payloads

AMELIA = {
    "role": "child",
    "given_name": "Amelia",
    "family_name": "Brook",
    "date_of_birth": "2016-04-09",
    "sex": "F",
    "address": {"line1": "12 Mill Lane", "town": "Northtown", "postcode": "NT1 4AB"},
}


def ingest(engine: Engine, *records: dict[str, Any]) -> None:
    ingest_payloads(engine, list(records), source="test", submitted_by="test")


@pytest.fixture(autouse=True)
def _helpers(make_record: Any, read_links: Any) -> None:
    global record, links
    record, links = make_record, read_links


record: Any = None
links: Any = None


def test_one_child_recorded_three_ways_is_one_person(engine: Engine) -> None:
    ingest(
        engine,
        record("school", "S-1", AMELIA, {"role": "parent", "given_name": "Joanne", "family_name": "Brook"}),
        record(
            "hospital_ed",
            "H-1",
            {
                "role": "child",
                "given_name": "Amy",
                "family_name": "Brooke",
                "date_of_birth": "2016-04-09",
                "address": {"postcode": "nt14ab"},
            },
        ),
    )
    # A later file, linked against the index rather than within its own batch.
    ingest(
        engine,
        record(
            "police",
            "P-1",
            {"role": "child", "given_name": "AMELIA", "family_name": "Brook", "date_of_birth": "2016-04-09"},
        ),
    )
    got = links(engine)
    assert len(got) == 4
    child = {got[k][0] for k in (("S-1", 0), ("H-1", 0), ("P-1", 0))}
    assert len(child) == 1
    assert got[("S-1", 1)][0] not in child  # the mother is not the child
    assert got[("P-1", 0)][1] == "auto_link" and got[("P-1", 0)][2] > 0.99


def test_twins_never_auto_merge(engine: Engine) -> None:
    twin_a = {**AMELIA}
    twin_b = {**AMELIA, "given_name": "Grace"}
    ingest(engine, record("school", "S-1", twin_a), record("school", "S-2", twin_b))
    ingest(engine, record("gp", "G-1", {**twin_b, "sex": None}), record("gp", "G-2", {**twin_a, "sex": None}))
    got = links(engine)
    assert got[("S-1", 0)][0] != got[("S-2", 0)][0]
    assert got[("G-1", 0)][0] == got[("S-2", 0)][0]
    assert got[("G-2", 0)][0] == got[("S-1", 0)][0]


def test_an_agreeing_nhs_number_settles_it_and_an_invalid_one_is_ignored(engine: Engine) -> None:
    ingest(engine, record("gp", "G-1", {**AMELIA, "nhs_number": "9434765919"}))
    # Different address and a misspelt name, but the same valid NHS number: the same child.
    ingest(
        engine,
        record("hospital_ed", "H-1", {"given_name": "Amelai", "family_name": "Brook", "nhs_number": "943 476 5919"}),
    )
    # A stranger whose NHS number fails its check digit is not pulled in by it.
    ingest(
        engine,
        record(
            "hospital_ed",
            "H-2",
            {"given_name": "Zara", "family_name": "Okafor", "date_of_birth": "2012-01-01", "nhs_number": "9434765918"},
        ),
    )
    got = links(engine)
    assert got[("H-1", 0)][0] == got[("G-1", 0)][0]
    assert got[("H-1", 0)][1] == "trusted_id"
    assert got[("H-2", 0)][0] != got[("G-1", 0)][0]
    assert got[("H-2", 0)][1] == "new_person"


def test_subjects_stored_but_not_linked_are_linked_on_the_next_run(engine: Engine) -> None:
    ingest_payloads(engine, [record("school", "S-1", AMELIA)], source="test", submitted_by="test", run_pipeline=False)
    assert links(engine) == {}
    assert link_pending(engine) == 1
    assert link_pending(engine) == 0
    assert len(links(engine)) == 1


def test_a_new_version_of_a_record_links_to_the_same_person(engine: Engine) -> None:
    ingest(engine, record("school", "S-1", AMELIA))
    ingest(engine, record("school", "S-1", {**AMELIA, "sex": None}))
    with engine.connect() as conn:
        persons = conn.execute(text("select distinct person_id from subject_links")).scalars().all()
    assert len(persons) == 1


def test_one_record_reads_its_blocks_and_its_candidates_other_variants(engine: Engine) -> None:
    from joinedup.identity.frame import comparable, signature
    from joinedup.identity.link import index_candidates
    from joinedup.identity.standardise import standardise
    from joinedup.storage import identity_links_repo as repo

    def subject(number: int, **fields: str) -> Any:
        return standardise({"id": number, "record_id": number, "subject_index": 0, **fields})

    amelia = subject(
        1, given_name="Amelia", family_name="Brook", date_of_birth="2016-04-09", address_postcode="NT1 4AB"
    )
    # Another variant of Amelia's person that shares no blocking key with the query, and a
    # stranger who shares only a date of birth (no blocking rule pairs on that alone).
    variant = subject(2, given_name="Zed", family_name="Quark", address_postcode="ZZ9 9ZZ")
    stranger = subject(3, given_name="Oliver", family_name="Smith", date_of_birth="2016-04-09")
    with engine.begin() as conn:
        first, second = repo.create_persons(conn, 2)
        rows = [(first, amelia), (first, variant), (second, stranger)]
        repo.add_profiles(
            conn, [{"person_id": p, "signature": signature(comparable(s)), **comparable(s)} for p, s in rows]
        )
    query = subject(9, given_name="Amelia", family_name="Brook", date_of_birth="2016-04-09")
    with engine.connect() as conn:
        found = index_candidates(conn, [query])
    assert sorted((p["person_id"], p["given"]) for p in found) == [(first, "amelia"), (first, "zed")]
