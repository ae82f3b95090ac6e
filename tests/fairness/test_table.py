"""The table's arithmetic on outcomes made by hand, where the right answer is known."""

from __future__ import annotations

from datetime import date

from joinedup.fairness.drivers import explain
from joinedup.fairness.groups import QUINTILES
from joinedup.fairness.outcomes import ANY_RULE, ChildOutcome, RuleHit
from joinedup.fairness.table import fairness_rows, widest_gaps
from joinedup.fairness.trend import cochran_armitage, deprivation_trends

POLICE = ("police", "domestic_abuse_incident")
SCHOOL = ("school", "attendance_concern")


def _population(
    high_alarms: int, low_alarms: int, size: int = 1000
) -> tuple[dict[str, ChildOutcome], dict[str, dict[str, str]]]:
    outcomes: dict[str, ChildOutcome] = {}
    groups: dict[str, dict[str, str]] = {}
    for label, alarms, evidence in (
        ("1-2 (most deprived)", high_alarms, POLICE),
        ("9-10 (least deprived)", low_alarms, SCHOOL),
    ):
        for i in range(size):
            child = f"{label[:2]}{i}"
            outcome = ChildOutcome(incident=None)
            if i < alarms:
                outcome.hits["r"] = RuleHit(date(2024, 1, 1), (evidence,))
            outcomes[child] = outcome
            groups[child] = {"deprivation_quintile": label}
        # one harmed child per group, alerted in time
        harmed = ChildOutcome(incident=date(2024, 6, 1), hits={"r": RuleHit(date(2024, 5, 1), ())})
        outcomes[f"{label[:2]}h"] = harmed
        groups[f"{label[:2]}h"] = {"deprivation_quintile": label}
    return outcomes, groups


def _row(rows, rule, group):  # type: ignore[no-untyped-def]
    return next(r for r in rows if r.rule == rule and r.group == group)


def test_false_alarm_rates_count_only_children_without_harm() -> None:
    outcomes, groups = _population(40, 20)
    rows = fairness_rows(outcomes, groups, ["r"])
    deprived = _row(rows, "r", "1-2 (most deprived)")
    assert (deprived.false_alarm_rate.hits, deprived.false_alarm_rate.n) == (40, 1000)
    assert (deprived.alert_rate.hits, deprived.alert_rate.n) == (41, 1001)
    assert (deprived.alerted_in_time.hits, deprived.alerted_in_time.n) == (1, 1)
    overall = _row(rows, "r", "all children")
    assert deprived.false_alarm_rate.ratio_to_overall is not None
    assert abs(deprived.false_alarm_rate.ratio_to_overall - 40 / 30) < 1e-9
    assert _row(rows, ANY_RULE, "all children").false_alarm_rate.hits == overall.false_alarm_rate.hits == 60


def test_a_doubled_false_alarm_rate_is_flagged_as_clear_and_its_driver_named() -> None:
    outcomes, groups = _population(40, 20)
    gaps = [g for g in widest_gaps(fairness_rows(outcomes, groups, ["r"])) if g.rule == "r"]
    assert len(gaps) == 1
    gap = gaps[0]
    assert (gap.higher_group, gap.lower_group) == ("1-2 (most deprived)", "9-10 (least deprived)")
    assert gap.ratio is not None and abs(gap.ratio - 2.0) < 1e-9
    assert gap.judged and gap.clear and gap.clear_corrected
    drivers = explain(gap, outcomes, groups)
    assert drivers[0]["agency"] == "police" and drivers[0]["ratio"] is None  # only in the higher group


def test_an_even_rule_is_not_flagged_and_a_small_gap_is_within_chance() -> None:
    outcomes, groups = _population(20, 20)
    assert [g for g in widest_gaps(fairness_rows(outcomes, groups, ["r"])) if g.rule == "r"] == []
    outcomes, groups = _population(13, 10)
    gap = next(g for g in widest_gaps(fairness_rows(outcomes, groups, ["r"])) if g.rule == "r")
    assert gap.judged and not gap.clear and not gap.clear_corrected


def test_the_trend_statistic_matches_a_worked_example() -> None:
    # 10, 20, 30 in a hundred each, scored 1..3: T = 20, Var = 0.2 * 0.8 * 200 = 32, z = 20 / sqrt(32)
    z = cochran_armitage([10, 20, 30], [100, 100, 100], [1.0, 2.0, 3.0])
    assert z is not None and abs(z - 20 / 32**0.5) < 1e-9
    assert cochran_armitage([0, 0], [10, 10], [1.0, 2.0]) is None


def test_false_alarms_rising_with_deprivation_show_a_clear_positive_trend() -> None:
    outcomes: dict[str, ChildOutcome] = {}
    groups: dict[str, dict[str, str]] = {}
    for rank, label in enumerate(QUINTILES):  # most deprived first: 50, 40, 30, 20, 10 in a thousand
        for i in range(1000):
            child = f"{rank}-{i}"
            outcomes[child] = ChildOutcome(incident=None)
            if i < 50 - 10 * rank:
                outcomes[child].hits["r"] = RuleHit(date(2024, 1, 1), (POLICE,))
            groups[child] = {"deprivation_quintile": label}
    trend = next(t for t in deprivation_trends(fairness_rows(outcomes, groups, ["r"])) if t.rule == "r")
    assert trend.z is not None and trend.z > 4 and trend.clear_corrected
