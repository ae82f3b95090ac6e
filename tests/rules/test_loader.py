"""Loading rule files: every problem reported at once, protected characteristics refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.rules.errors import RuleLibraryError
from joinedup.rules.loader import LIBRARY, load_rules

GOOD = """
id: demo_rule
title: Demo
learning: Something reviews found.
citation: "A review (2020)"
themes: [neglect]
severity: referral
lookback_days: 90
condition:
  count: {event_types: [neglect_concern], at_least: 2}
routing: {to: front_door}
deadline: {decision_within_working_days: 1}
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def problems(*paths: Path) -> list[str]:
    with pytest.raises(RuleLibraryError) as caught:
        load_rules(paths)
    return [str(p) for p in caught.value.problems]


def test_a_good_rule_loads(tmp_path: Path) -> None:
    (rule,) = load_rules([write(tmp_path, "a.yaml", GOOD)])
    assert rule.id == "demo_rule" and rule.trigger_types == {"neglect_concern"}


def test_every_problem_in_every_file_is_reported_together_with_file_rule_and_field(tmp_path: Path) -> None:
    bad = GOOD.replace("severity: referral", "severity: panic").replace("[neglect]", "[neglect, not_a_theme]")
    bad = bad.replace("neglect_concern]", "neglect_concern, made_up_event]")
    other = GOOD.replace("id: demo_rule", "id: other_rule").replace("lookback_days: 90", "lookback_days: -1")
    found = problems(write(tmp_path, "a.yaml", bad), write(tmp_path, "b.yaml", other))
    assert any(p.startswith("a.yaml rule demo_rule, severity:") and "panic" in p for p in found)
    assert any("a.yaml" in p and "not_a_theme" in p for p in found)
    assert any("condition.count.event_types" in p and "made_up_event" in p for p in found)
    assert any(
        p.startswith("b.yaml rule other_rule, lookback_days.lookback_days")
        or "b.yaml rule other_rule, lookback_days" in p
        for p in found
    )


def test_duplicate_ids_and_bad_yaml_are_problems(tmp_path: Path) -> None:
    found = problems(
        write(tmp_path, "a.yaml", GOOD), write(tmp_path, "b.yaml", GOOD), write(tmp_path, "c.yaml", "id: [unclosed")
    )
    assert any("b.yaml" in p and "already used in a.yaml" in p for p in found)
    assert any(p.startswith("c.yaml") and "not valid YAML" in p for p in found)


@pytest.mark.parametrize(
    "condition",
    [
        "count: {event_types: [neglect_concern], ethnicity: white_british}",
        "all: [{count: {event_types: [neglect_concern]}}, {religion: {is: any}}]",
        "count: {event_types: [neglect_concern], agencies: [disability_service]}",
        "deprivation_decile: {under: 3}",
        "count: {event_types: [neglect_concern], about: child, child_age: {under_years: 5}, imd_rank: 2}",
    ],
)
def test_rules_cannot_refer_to_protected_or_proxy_characteristics(tmp_path: Path, condition: str) -> None:
    text = GOOD.replace("  count: {event_types: [neglect_concern], at_least: 2}", f"  {condition}")
    found = problems(write(tmp_path, "a.yaml", text))
    assert any("protected or proxy characteristic" in p for p in found), found


def test_protected_fields_are_refused_at_the_top_level_too(tmp_path: Path) -> None:
    found = problems(write(tmp_path, "a.yaml", GOOD + "religion_weighting: 2\n"))
    assert any("religion_weighting" in p and "protected" in p for p in found)


def test_the_shipped_library_has_at_least_15_rules_each_citing_learning() -> None:
    rules = load_rules(sorted(LIBRARY.glob("*.yaml")))
    assert len(rules) >= 15
    assert all(r.citation and r.learning and r.themes for r in rules)


def test_docs_rules_md_is_current() -> None:
    from joinedup.rules.describe import LANGUAGE_DOC, render_rules_doc

    docs = Path(__file__).parents[2] / "docs" / "rules.md"
    expected = render_rules_doc(load_rules(sorted(LIBRARY.glob("*.yaml"))), LANGUAGE_DOC.read_text())
    assert docs.read_text() == expected, "docs/rules.md is stale: run `joinedup rules docs --write` from the repo root"


def test_a_known_disparity_note_is_kept_for_people_and_an_empty_one_refused(tmp_path: Path) -> None:
    noted = GOOD + "known_disparity: >-\n  False alarms rise with area deprivation (z = +3.4).\n"
    (rule,) = load_rules([write(tmp_path, "a.yaml", noted)])
    assert rule.known_disparity == "False alarms rise with area deprivation (z = +3.4)."
    empty = GOOD + 'known_disparity: "  "\n'
    assert any("known_disparity" in p for p in problems(write(tmp_path, "b.yaml", empty)))


def test_the_shipped_rules_that_fall_unevenly_say_so() -> None:
    rules = {r.id: r for r in load_rules(sorted(LIBRARY.glob("*.yaml")))}
    for rule_id in ("repeated_ed_attendance_young_child", "concerns_after_closure", "repeat_domestic_abuse"):
        assert rules[rule_id].known_disparity and "docs/fairness.md" in rules[rule_id].known_disparity
