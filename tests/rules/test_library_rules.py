"""Every shipped rule, shown firing on a story that matches it and not firing on a near miss.

Stories are plain facts (the engine's input), so each rule's meaning is pinned by a test a
safeguarding lead can read: day offsets, event types, agency, whose record.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from joinedup.chronology.facts import ChildFacts, Event
from joinedup.cli.main import app
from joinedup.rules.evaluate import evaluate
from joinedup.rules.loader import load_library
from joinedup.storage import alerts_repo
from rules.rule_factories import Family

START = date(2024, 1, 8)
SCHOOL_AGE = date(2016, 4, 9)
BABY = date(2023, 11, 1)

# (day, event_type, agency, about); about "h" = a household adult's record
Story = list[tuple[int, str, str, str]]


def facts(story: Story, dob: date = SCHOOL_AGE, new_adult_day: int | None = None) -> ChildFacts:
    child = ChildFacts(person_id=1, date_of_birth=dob)
    for i, (day, event_type, agency, about) in enumerate(story, start=1):
        who = 1 if about == "c" else 2
        child.events.append(
            Event(
                i,
                START + timedelta(days=day),
                event_type,
                agency,
                "Northtown",
                "child" if about == "c" else "household",
                who,
                "child" if about == "c" else "parent",
            )
        )
    if new_adult_day is not None:
        rid = len(story) + 1
        child.events.append(
            Event(
                rid,
                START + timedelta(days=new_adult_day),
                "police_welfare_check",
                "police",
                "Northtown",
                "household",
                3,
                "partner_of_parent",
            )
        )
        child.adults[3] = (START + timedelta(days=new_adult_day), rid, "partner_of_parent")
    child.events.sort(key=lambda e: (e.occurred_on, e.record_id))
    return child


# Four concerns about the child from four agencies within the 180-day look-back.
CONCERNS_4 = [
    (0, "attendance_concern", "school", "c"),
    (20, "missed_appointment_was_not_brought", "gp", "c"),
    (60, "neglect_concern", "health_visitor", "c"),
    (150, "public_concern", "public_referral", "c"),
]

# rule id -> (story that fires, extra facts kwargs, near miss, its kwargs)
CASES: dict[str, tuple[Story, dict, Story, dict]] = {
    "multi_agency_concerns": (
        CONCERNS_4,
        {},
        [*CONCERNS_4[:3], (150, "domestic_abuse_incident", "police", "h")],  # the 4th is the household's
        {},
    ),
    "toxic_trio": (
        [
            (0, "domestic_abuse_incident", "police", "h"),
            (40, "parental_mental_health", "gp", "h"),
            (90, "substance_misuse", "probation", "h"),
        ],
        {},
        [(0, "domestic_abuse_incident", "police", "h"), (40, "parental_mental_health", "gp", "h")],
        {},
    ),
    "domestic_abuse_with_parental_vulnerability": (
        [
            (0, "parental_mental_health", "gp", "h"),
            (20, "substance_misuse", "probation", "h"),
            (30, "parental_mental_health", "gp", "h"),
            (50, "domestic_abuse_incident", "police", "h"),
            (70, "domestic_abuse_incident", "police", "h"),
        ],
        {},
        [
            (0, "parental_mental_health", "gp", "h"),
            (20, "substance_misuse", "probation", "h"),
            (50, "domestic_abuse_incident", "police", "h"),
            (70, "domestic_abuse_incident", "police", "h"),
        ],
        {},
    ),
    "repeat_domestic_abuse": (
        [
            (0, "domestic_abuse_incident", "police", "h"),
            (50, "domestic_abuse_incident", "police", "h"),
            (100, "domestic_abuse_incident", "police", "h"),
        ],
        {},
        [
            (0, "domestic_abuse_incident", "police", "h"),
            (100, "domestic_abuse_incident", "police", "h"),
            (200, "domestic_abuse_incident", "police", "h"),
        ],
        {},
    ),
    "home_education_while_known": (
        [(0, "referral_to_social_care", "school", "c"), (200, "withdrawn_home_education", "school", "c")],
        {},
        [(0, "withdrawn_home_education", "school", "c"), (200, "referral_to_social_care", "school", "c")],
        {},
    ),
    "home_education_after_school_concerns": (
        [(0, "attendance_concern", "school", "c"), (60, "withdrawn_home_education", "school", "c")],
        {},
        [(0, "attendance_concern", "school", "c"), (300, "withdrawn_home_education", "school", "c")],
        {},
    ),
    "repeated_was_not_brought": (
        [
            (0, "missed_appointment_was_not_brought", "gp", "c"),
            (50, "missed_appointment_was_not_brought", "gp", "c"),
            (100, "missed_appointment_was_not_brought", "health_visitor", "c"),
        ],
        {},
        [
            (0, "missed_appointment_was_not_brought", "gp", "c"),
            (50, "missed_appointment_was_not_brought", "gp", "c"),
            (100, "appointment_attended", "gp", "c"),
        ],
        {},
    ),
    "non_mobile_infant_injury": (
        [(30, "injury_observed", "health_visitor", "c")],
        {"dob": BABY},
        [(30, "injury_observed", "health_visitor", "c")],
        {"dob": date(2022, 6, 1)},
    ),
    "injury_inconsistent_explanation": (
        [(0, "ed_attendance", "hospital_ed", "c"), (90, "injury_explanation_inconsistent", "school", "c")],
        {},
        [(90, "injury_explanation_inconsistent", "school", "c")],
        {},
    ),
    "repeated_ed_attendance_young_child": (
        [
            (0, "ed_attendance", "hospital_ed", "c"),
            (60, "ed_attendance", "hospital_ed", "c"),
            (90, "ed_attendance", "hospital_ed", "c"),
            (120, "injury_observed", "gp", "c"),
        ],
        {"dob": date(2021, 5, 1)},
        [
            (0, "ed_attendance", "hospital_ed", "c"),
            (60, "ed_attendance", "hospital_ed", "c"),
            (90, "ed_attendance", "hospital_ed", "c"),
            (120, "injury_observed", "gp", "c"),
        ],
        {},
    ),
    "new_adult_with_concerns": (
        [(0, "appointment_attended", "gp", "c"), (100, "neglect_concern", "school", "c")],
        {"new_adult_day": 60},
        [(0, "appointment_attended", "gp", "c"), (100, "neglect_concern", "school", "c")],
        {},
    ),
    "no_access_child_not_seen": (
        [(0, "home_visit_no_access", "health_visitor", "c"), (30, "home_visit_no_access", "health_visitor", "c")],
        {},
        [
            (0, "home_visit_no_access", "health_visitor", "c"),
            (20, "home_visit_child_seen", "health_visitor", "c"),
            (30, "home_visit_no_access", "health_visitor", "c"),
        ],
        {},
    ),
    "frequent_moves_across_areas": (
        [
            (0, "referral_to_social_care", "childrens_social_care", "c"),
            (10, "attendance_concern", "school", "c"),
            (60, "house_move", "housing", "c"),
            (150, "house_move", "housing", "c"),
            (151, "out_of_area_move", "housing", "c"),
        ],
        {},
        [  # the same moves and concern, but never known to children's social care
            (10, "attendance_concern", "school", "c"),
            (60, "house_move", "housing", "c"),
            (150, "house_move", "housing", "c"),
            (151, "out_of_area_move", "housing", "c"),
        ],
        {},
    ),
    "moved_area_on_plan": (
        [(0, "child_protection_plan_started", "childrens_social_care", "c"), (20, "out_of_area_move", "housing", "c")],
        {},
        [
            (0, "child_protection_plan_started", "childrens_social_care", "c"),
            (10, "child_protection_plan_ended", "childrens_social_care", "c"),
            (20, "out_of_area_move", "housing", "c"),
        ],
        {},
    ),
    "neglect_signs": (
        [(0, "hunger_food_seeking", "school", "c"), (40, "weight_faltering", "gp", "c")],
        {},
        [(0, "hunger_food_seeking", "school", "c"), (240, "weight_faltering", "gp", "c")],
        {},
    ),
    "concerns_after_closure": (
        [
            (0, "case_closed", "childrens_social_care", "c"),
            (30, "attendance_concern", "school", "c"),
            (70, "domestic_abuse_incident", "police", "h"),
        ],
        {},
        [(0, "case_closed", "childrens_social_care", "c"), (30, "attendance_concern", "school", "c")],
        {},
    ),
    "invisible_child": (
        [
            (0, "attendance_concern", "school", "c"),
            (30, "missed_appointment_was_not_brought", "gp", "c"),
            (60, "attendance_concern", "school", "c"),
        ],
        {},
        [
            (0, "attendance_concern", "school", "c"),
            (30, "missed_appointment_was_not_brought", "gp", "c"),
            (45, "appointment_attended", "gp", "c"),
            (60, "attendance_concern", "school", "c"),
        ],
        {},
    ),
    "repeated_referrals": (
        [
            (0, "referral_to_social_care", "school", "c"),
            (100, "referral_to_social_care", "gp", "c"),
            (200, "public_concern", "public_referral", "c"),
            (300, "referral_to_social_care", "police", "c"),
        ],
        {},
        [
            (0, "referral_to_social_care", "school", "c"),
            (100, "referral_to_social_care", "gp", "c"),
            (200, "public_concern", "public_referral", "c"),
            (400, "referral_to_social_care", "police", "c"),
        ],
        {},
    ),
}

RULES = {r.id: r for r in load_library(include_disabled=True)}


def test_every_shipped_rule_has_a_firing_and_a_near_miss_case() -> None:
    assert set(RULES) == set(CASES), "add a case to CASES for each rule in the library (and remove retired ones)"


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_fires_on_its_pattern(rule_id: str) -> None:
    story, kwargs, _, _ = CASES[rule_id]
    firing = evaluate(RULES[rule_id], facts(story, **kwargs))
    assert firing is not None, f"{rule_id} should fire"
    assert firing.evidence, "a firing always names the records behind it"
    assert firing.first_on in {e.occurred_on for e in firing.evidence.values()}


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_rule_does_not_fire_on_the_near_miss(rule_id: str) -> None:
    _, _, story, kwargs = CASES[rule_id]
    assert evaluate(RULES[rule_id], facts(story, **kwargs)) is None, f"{rule_id} should not fire"


def test_first_fired_is_the_date_the_pattern_completed_and_replay_respects_as_of() -> None:
    child = facts(CONCERNS_4)
    rule = RULES["multi_agency_concerns"]
    firing = evaluate(rule, child)
    assert firing is not None and firing.first_on == START + timedelta(days=150)
    assert evaluate(rule, child, until=START + timedelta(days=149)) is None


def test_a_decided_alert_is_not_raised_again_on_the_same_evidence() -> None:
    child = facts(CONCERNS_4)
    assert evaluate(RULES["multi_agency_concerns"], child, after=START + timedelta(days=150)) is None


def test_rules_run_as_of_replays_history_through_the_cli(engine: Engine, family: Family, db_url: str) -> None:
    """``joinedup rules run --as-of DATE`` on stored, linked records: the alert appears only once
    the as-of date reaches the record that completed the pattern, and nothing is written."""
    family.record("hunger_food_seeking", 0, agency="school")
    trigger = family.record("weight_faltering", 20, agency="gp")
    completed = family.start + timedelta(days=20)

    def run(as_of: date) -> list[dict[str, object]]:
        result = CliRunner().invoke(
            app, ["rules", "run", "--as-of", as_of.isoformat(), "--format", "jsonl", "--db", db_url]
        )
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]

    assert [f for f in run(completed - timedelta(days=1)) if f["rule_id"] == "neglect_signs"] == []
    [firing] = [f for f in run(completed) if f["rule_id"] == "neglect_signs"]
    assert firing["person_id"] == family.person("child") and firing["first_fired_at"] == completed.isoformat()
    assert firing["trigger_record_id"] == trigger
    with engine.connect() as conn:
        assert alerts_repo.list_alerts(conn) == [], "a replay writes no alerts"
    summary = CliRunner().invoke(
        app, ["rules", "run", "--as-of", completed.isoformat(), "--format", "json", "--db", db_url]
    )
    assert json.loads(summary.stdout)["per_rule"]["neglect_signs"] == {"alerts": 1, "earliest": completed.isoformat()}
    bad = CliRunner().invoke(app, ["rules", "run", "--as-of", "20/01/2024", "--db", db_url])
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.stderr


def test_repeated_no_access_fires_even_when_the_child_was_seen_once() -> None:
    """Disguised compliance: one visit where the child is seen does not cancel three with no access."""
    story = [
        (0, "home_visit_no_access", "childrens_social_care", "c"),
        (10, "home_visit_child_seen", "childrens_social_care", "c"),
        (20, "home_visit_no_access", "early_help", "c"),
        (40, "home_visit_no_access", "childrens_social_care", "c"),
    ]
    firing = evaluate(RULES["no_access_child_not_seen"], facts(story))
    assert firing is not None and firing.first_on == START + timedelta(days=40)


def test_household_no_access_alone_does_not_count_as_the_child_not_seen() -> None:
    story = [(0, "home_visit_no_access", "housing", "h"), (30, "home_visit_no_access", "housing", "h")]
    assert evaluate(RULES["no_access_child_not_seen"], facts(story)) is None


# Rules that stand down while the child is already before children's social care.
GUARDED = sorted(
    r.id
    for r in RULES.values()
    if "referral_to_social_care" in str(r.condition) and "PlanStatus(state='not_active'" in str(r.condition)
)


def test_the_already_known_guard_is_on_the_rules_that_restate_concerns() -> None:
    assert "multi_agency_concerns" in GUARDED and "toxic_trio" in GUARDED
    assert "non_mobile_infant_injury" not in GUARDED, "a baby's injury is referred whatever else is known"
    assert "moved_area_on_plan" not in GUARDED


@pytest.mark.parametrize("rule_id", GUARDED)
def test_rule_stands_down_when_the_child_was_just_referred(rule_id: str) -> None:
    story, kwargs, _, _ = CASES[rule_id]
    firing = evaluate(RULES[rule_id], facts(story, **kwargs))
    assert firing is not None
    day = (firing.first_on - START).days
    referred = [*story, (day - 5, "referral_to_social_care", "childrens_social_care", "c")]
    assert evaluate(RULES[rule_id], facts(referred, **kwargs)) is None


@pytest.mark.parametrize("rule_id", GUARDED)
def test_rule_stands_down_while_the_child_is_on_a_plan_and_not_after_a_referral_long_ago(rule_id: str) -> None:
    story, kwargs, _, _ = CASES[rule_id]
    on_plan = [(-1, "child_protection_plan_started", "childrens_social_care", "c"), *story]
    assert evaluate(RULES[rule_id], facts(on_plan, **kwargs)) is None
    long_ago = [(-100, "referral_to_social_care", "childrens_social_care", "c"), *story]
    assert evaluate(RULES[rule_id], facts(long_ago, **kwargs)) is not None


@pytest.mark.parametrize("rule_id", GUARDED)
def test_rule_fires_again_once_the_recent_referral_was_closed(rule_id: str) -> None:
    story, kwargs, _, _ = CASES[rule_id]
    firing = evaluate(RULES[rule_id], facts(story, **kwargs))
    assert firing is not None
    day = (firing.first_on - START).days
    closed = [
        *story,
        (day - 5, "referral_to_social_care", "childrens_social_care", "c"),
        (day + 3, "referral_no_further_action", "childrens_social_care", "c"),
    ]
    again = evaluate(RULES[rule_id], facts(closed, **kwargs))
    assert again is not None and again.first_on == firing.first_on + timedelta(days=3), "fires on the closure"
