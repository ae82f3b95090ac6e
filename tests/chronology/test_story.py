"""A child's story: the child's records, the household's and the linked adults', in time order,
with provenance and the decisions taken, read from real stored and linked records."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, update

from joinedup.access.actor import Actor
from joinedup.alerts import service
from joinedup.chronology import ChronologyError, PersonNotFound, assemble_chronology
from joinedup.chronology.assemble import withhold_restricted
from joinedup.rules.engine import evaluate_pending
from joinedup.storage import alerts_repo
from joinedup.storage.tables_identity import Person
from rules.rule_factories import CHILD, MOTHER, PARTNER, Family

STRANGER = {"role": "parent", "given_name": "Ada", "family_name": "Elsewhere", "date_of_birth": "1985-05-05"}
OTHER_CHILD = {"role": "child", "given_name": "Tom", "family_name": "Elsewhere", "date_of_birth": "2015-02-02"}


def _household_story(family: Family) -> dict[str, int]:
    """Child with mother at school; mother alone with police; partner appears; a stranger family."""
    ids = {
        "school": family.record(
            "attendance_concern", 10, agency="school", subjects=[("child", CHILD), ("mum", MOTHER)],
            organisation="Northtown Primary",
        ),
        "police_mum": family.record(
            "domestic_abuse_incident", 30, agency="police", subjects=[("mum", MOTHER)], organisation="Northshire Police"
        ),
        "mum_before": family.record("parental_mental_health", 2, agency="gp", subjects=[("mum", MOTHER)]),
        "partner_with_child": family.record(
            "police_welfare_check", 40, agency="police", subjects=[("child", CHILD), ("partner", PARTNER)]
        ),
        "partner_alone": family.record("substance_misuse", 50, agency="police", subjects=[("partner", PARTNER)]),
        "stranger": family.record(
            "domestic_abuse_incident", 35, agency="police", subjects=[("other", OTHER_CHILD), ("stranger", STRANGER)]
        ),
    }  # fmt: skip
    return ids


def test_household_and_linked_adults_records_are_in_the_childs_story_in_time_order(
    engine: Engine, family: Family
) -> None:
    ids = _household_story(family)
    with engine.connect() as conn:
        story = assemble_chronology(conn, family.person("child"))
    records = [e for e in story.entries if e.kind == "record"]
    assert [e.record_id for e in records] == [
        ids["mum_before"],
        ids["school"],
        ids["police_mum"],
        ids["partner_with_child"],
        ids["partner_alone"],
    ], "every record about the child and the adults around them, oldest first; nobody else's"
    assert [e.on for e in records] == sorted(e.on for e in records)
    about = {e.record_id: (e.about, e.about_person_id) for e in records}
    assert about[ids["police_mum"]] == ("household", family.person("mum"))
    assert about[ids["partner_alone"]] == ("household", family.person("partner"))
    assert about[ids["school"]] == ("child", family.person("child"))
    assert {(m.person_id, m.role) for m in story.household} == {
        (family.person("mum"), "parent"),
        (family.person("partner"), "partner_of_parent"),
    }


def test_each_entry_carries_its_provenance_as_recorded(engine: Engine, family: Family) -> None:
    ids = _household_story(family)
    with engine.connect() as conn:
        story = assemble_chronology(conn, family.person("child"))
    by_record = {e.record_id: e for e in story.entries if e.kind == "record"}
    police = by_record[ids["police_mum"]].provenance
    assert police is not None
    assert police.agency == "police" and police.organisation == "Northshire Police"
    assert police.local_authority == "Northtown"
    assert police.source_record_id.startswith("T-police-")
    assert police.recorded_as is not None and police.recorded_as.given_name == "Jo"
    assert police.recorded_as.role == "parent" and police.recorded_as.date_of_birth == "1990-01-01"
    assert (police.link_decision, police.match_probability) == ("trusted_id", pytest.approx(0.99))
    school = by_record[ids["school"]].provenance
    assert school is not None and school.recorded_as is not None
    assert school.recorded_as.given_name == "Poppy", "the child's own identity in a record naming both"
    assert school.version == 1 and school.earlier_versions == 0


def test_records_of_a_merged_person_keep_their_provenance(engine: Engine, family: Family) -> None:
    first = family.record("attendance_concern", 5, agency="school", subjects=[("child", CHILD)])
    second = family.record("missed_appointment_was_not_brought", 9, agency="gp", subjects=[("child_dup", CHILD)])
    with engine.begin() as conn:
        conn.execute(
            update(Person).where(Person.id == family.person("child_dup")).values(merged_into_id=family.person("child"))
        )
        story = assemble_chronology(conn, family.person("child"))
    by_record = {e.record_id: e for e in story.entries if e.kind == "record"}
    assert set(by_record) == {first, second}
    merged = by_record[second]
    assert merged.about_person_id == family.person("child")
    assert merged.provenance is not None and merged.provenance.recorded_as is not None
    assert merged.provenance.link_decision == "trusted_id"


def test_alerts_and_decisions_appear_after_the_records_that_raised_them(engine: Engine, family: Family) -> None:
    family.record("hunger_food_seeking", 0, agency="school")
    family.record("weight_faltering", 20, agency="gp")
    evaluate_pending(engine)
    with engine.begin() as conn:
        (alert,) = alerts_repo.list_alerts(conn, rule_id="neglect_signs")
        service.decide(conn, alert.id, "strategy_discussion", "Strategy meeting called.", "fd-worker")
        story = assemble_chronology(conn, family.person("child"))
    kinds = [e.kind for e in story.entries]
    assert kinds == ["record", "record", "alert", "decision"]
    decision = story.entries[-1]
    assert (decision.alert_id, decision.rule_id, decision.decision) == (
        alert.id,
        "neglect_signs",
        "strategy_discussion",
    )
    assert decision.rationale == "Strategy meeting called." and decision.decided_by == "fd-worker"
    assert story.entries[2].on == family.start + timedelta(days=20), "the alert is dated when the pattern completed"


def test_filters_narrow_the_records_and_leave_out_alerts(engine: Engine, family: Family) -> None:
    ids = _household_story(family)
    with engine.connect() as conn:
        police = assemble_chronology(conn, family.person("child"), agencies={"police"})
        later = assemble_chronology(conn, family.person("child"), since=family.start + timedelta(days=35))
    assert {e.record_id for e in police.entries} == {ids["police_mum"], ids["partner_with_child"], ids["partner_alone"]}
    assert [e.record_id for e in later.entries] == [ids["partner_with_child"], ids["partner_alone"]]


def test_unknown_people_and_adults_have_no_chronology(engine: Engine, family: Family) -> None:
    _household_story(family)
    with engine.connect() as conn:
        with pytest.raises(PersonNotFound):
            assemble_chronology(conn, 999_999)
        with pytest.raises(ChronologyError, match="as a child"):
            assemble_chronology(conn, family.person("mum"))


def test_police_narratives_are_withheld_from_roles_that_do_not_need_them(engine: Engine, family: Family) -> None:
    ids = _household_story(family)
    social_worker = Actor(name="sw", kind="user", roles=frozenset({"social_worker"}))
    front_door = Actor(name="fd", kind="user", roles=frozenset({"front_door"}))
    with engine.connect() as conn:
        for_sw = withhold_restricted(assemble_chronology(conn, family.person("child")), social_worker)
        for_fd = withhold_restricted(assemble_chronology(conn, family.person("child")), front_door)
    sw = {e.record_id: e for e in for_sw.entries}
    assert sw[ids["police_mum"]].narrative is None and sw[ids["police_mum"]].narrative_withheld
    assert sw[ids["police_mum"]].event_type == "domestic_abuse_incident", "the event stays visible"
    assert sw[ids["school"]].narrative == "Synthetic test narrative."
    fd = {e.record_id: e for e in for_fd.entries}
    assert fd[ids["police_mum"]].narrative == "Synthetic test narrative."


def test_records_on_the_same_day_keep_the_order_they_were_stored_in(engine: Engine, family: Family) -> None:
    a = family.record("attendance_concern", 3, agency="school")
    b = family.record("missed_appointment_was_not_brought", 3, agency="gp")
    with engine.connect() as conn:
        story = assemble_chronology(conn, family.person("child"))
    assert [e.record_id for e in story.entries] == [a, b]


def test_the_story_is_read_in_the_same_few_queries_however_long_it_is(engine: Engine, family: Family) -> None:
    """No query per record, per subject or per alert: a longer story costs rows, not round trips."""
    from sqlalchemy import event

    def queries_for_story() -> int:
        statements: list[str] = []

        def count(*args: object) -> None:
            statements.append(str(args[2]))

        with engine.connect() as conn:
            event.listen(conn, "before_cursor_execute", count)
            assemble_chronology(conn, family.person("child"))
            event.remove(conn, "before_cursor_execute", count)
        return len(statements)

    _household_story(family)
    short = queries_for_story()
    for day in range(60, 90):
        family.record("attendance_concern", day, agency="school", subjects=[("child", CHILD), ("mum", MOTHER)])
    family.record("hunger_food_seeking", 91, agency="school")
    family.record("weight_faltering", 92, agency="gp")
    evaluate_pending(engine)
    with engine.connect() as conn:
        assert len(assemble_chronology(conn, family.person("child")).entries) > 35
    assert queries_for_story() == short <= 5


def test_a_date_range_keeps_alerts_and_decisions_an_agency_filter_leaves_them_out(
    engine: Engine, family: Family
) -> None:
    from joinedup.chronology.assemble import filter_chronology

    family.record("hunger_food_seeking", 0, agency="school")
    family.record("weight_faltering", 20, agency="gp")
    evaluate_pending(engine)
    with engine.begin() as conn:
        (alert,) = alerts_repo.list_alerts(conn, rule_id="neglect_signs")
        service.decide(conn, alert.id, "strategy_discussion", "Strategy meeting called.", "fd-worker")
        whole = assemble_chronology(conn, family.person("child"))
        since = family.start + timedelta(days=10)
        dated = assemble_chronology(conn, family.person("child"), since=since)
        school = assemble_chronology(conn, family.person("child"), agencies={"school"})
    assert [e.kind for e in dated.entries] == ["record", "alert", "decision"]
    assert [e.kind for e in school.entries] == ["record"]
    # The page filters the story it already read: the same entries as asking for them.
    assert filter_chronology(whole, since=since).entries == dated.entries
    assert filter_chronology(whole, agencies={"school"}).entries == school.entries
    assert filter_chronology(whole) is whole
