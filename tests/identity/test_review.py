"""The review queue and reversible merges, through the real ingest and linker."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from joinedup.identity.errors import MergeError, ReviewAlreadyDecided, ReviewNotFound
from joinedup.identity.merges import unmerge
from joinedup.identity.persons import current_person
from joinedup.identity.review import Outcome, decide_item, list_items, show_item
from joinedup.ingest import ingest_payloads

AMELIA = {
    "role": "child",
    "given_name": "Amelia",
    "family_name": "Brook",
    "date_of_birth": "2016-04-09",
    "sex": "F",
    "address": {"line1": "12 Mill Lane", "postcode": "NT1 4AB"},
}


@pytest.fixture
def queued(engine: Engine, make_record: Any) -> dict[str, Any]:
    """Amelia, then the same details recorded as a boy: strong match, but a guard sends it to a clerk."""
    ingest_payloads(engine, [make_record("school", "S-1", AMELIA)], source="t", submitted_by="t")
    ingest_payloads(engine, [make_record("gp", "G-1", {**AMELIA, "sex": "M"})], source="t", submitted_by="t")
    with engine.connect() as conn:
        items = list_items(conn)
    assert len(items) == 1
    return items[0]


def test_a_guarded_strong_match_waits_for_a_clerk_with_its_weights(
    engine: Engine, queued: dict[str, Any], read_links: Any
) -> None:
    links = read_links(engine)
    assert links[("G-1", 0)][1] == "review"
    assert links[("G-1", 0)][0] == queued["provisional_person_id"] != queued["candidate_person_id"]
    assert queued["reason"] == "different sexes"
    with engine.connect() as conn:
        shown = show_item(conn, queued["id"])
    assert shown["subject"]["source_record_id"] == "G-1"
    assert shown["candidate_records"][0]["source_record_id"] == "S-1"
    weights = shown["comparison"]
    assert weights["sex"]["match_weight"] < 0 < weights["date_of_birth"]["match_weight"]


def test_accepting_merges_and_unmerging_puts_everything_back(
    engine: Engine, queued: dict[str, Any], read_links: Any
) -> None:
    with engine.begin() as conn:
        result = decide_item(conn, queued["id"], Outcome.ACCEPT, actor="clerk", note="same child, sex mistyped")
    links = read_links(engine)
    assert links[("G-1", 0)][0] == links[("S-1", 0)][0] == queued["candidate_person_id"]
    assert links[("G-1", 0)][1] == "manual"
    with engine.begin() as conn:
        assert current_person(conn, queued["provisional_person_id"]) == queued["candidate_person_id"]
        with pytest.raises(ReviewAlreadyDecided):
            decide_item(conn, queued["id"], Outcome.REJECT, actor="clerk")
        unmerge(conn, result["merge_event_id"], actor="clerk", reason="wrong after all")
        with pytest.raises(MergeError, match="already undone"):
            unmerge(conn, result["merge_event_id"], actor="clerk")
    links = read_links(engine)
    assert links[("G-1", 0)][0] == queued["provisional_person_id"]
    assert links[("G-1", 0)][1] == "review"  # exactly as it was before the merge
    with engine.connect() as conn:
        assert current_person(conn, queued["provisional_person_id"]) == queued["provisional_person_id"]


def test_rejecting_keeps_two_people_and_records_the_judgement(
    engine: Engine, queued: dict[str, Any], read_links: Any
) -> None:
    with engine.begin() as conn:
        decide_item(conn, queued["id"], Outcome.REJECT, actor="clerk")
        assert list_items(conn) == []
        with pytest.raises(ReviewNotFound):
            decide_item(conn, 999_999, Outcome.ACCEPT, actor="clerk")
    links = read_links(engine)
    assert links[("G-1", 0)][0] != links[("S-1", 0)][0]
    assert links[("G-1", 0)][1] == "manual"
