"""The intervals the fairness table quotes, checked against values worked by hand."""

from __future__ import annotations

from typing import Any

import pytest

from joinedup.fairness import ratio_interval, wilson


def test_wilson_interval_matches_the_textbook_value() -> None:
    # Newcombe (1998), example: 81 of 263 -> 0.2553 to 0.3662
    low, high = wilson(81, 263)
    assert low == pytest.approx(0.2553, abs=5e-4)
    assert high == pytest.approx(0.3662, abs=5e-4)


def test_wilson_interval_stays_inside_zero_and_one_for_none_and_all() -> None:
    assert wilson(0, 10)[0] == 0.0
    assert wilson(0, 10)[1] == pytest.approx(0.2775, abs=5e-4)
    assert wilson(10, 10)[1] == pytest.approx(1.0)
    assert wilson(0, 0) == (0.0, 1.0)


def test_ratio_interval_brackets_the_ratio_and_needs_hits_on_both_sides() -> None:
    low, high = ratio_interval(40, 1000, 20, 1000)
    assert low < 2.0 < high
    assert low > 1.0  # 40 vs 20 in a thousand each is a real gap
    assert ratio_interval(5, 100, 0, 100) is None


def _bootstrap_interval(family_of: dict[str, str], hit: set[str]) -> tuple[float, float]:
    from joinedup.fairness.intervals import FamilyBootstrap, percentile_interval

    boot = FamilyBootstrap(family_of, replicates=2000, seed=7)
    interval = percentile_interval(boot.totals(hit) / boot.totals(family_of))
    assert interval is not None
    return interval


def test_the_family_bootstrap_agrees_with_wilson_when_every_child_is_their_own_family() -> None:
    children = {f"c{i}": f"f{i}" for i in range(1000)}
    hit = {f"c{i}" for i in range(100)}  # 10%
    low, high = _bootstrap_interval(children, hit)
    wilson_low, wilson_high = wilson(100, 1000)
    assert low == pytest.approx(wilson_low, abs=0.006) and high == pytest.approx(wilson_high, abs=0.006)


def test_the_family_bootstrap_widens_the_interval_when_brothers_and_sisters_share_their_alerts() -> None:
    """Families of four whose children are alerted together: 1,000 children carry the
    information of 250 families, so the interval is about twice as wide (the square root of
    the design effect, 4) as when children are counted as independent."""
    children = {f"c{i}": f"f{i // 4}" for i in range(1000)}
    hit = {f"c{i}" for i in range(100)}  # 25 whole families
    low, high = _bootstrap_interval(children, hit)
    wilson_low, wilson_high = wilson(100, 1000)
    assert low < 0.1 < high
    assert 1.6 < (high - low) / (wilson_high - wilson_low) < 2.4


def _trend_z(family_size: int) -> tuple[float, float]:
    """A rule whose false alarms rise across the deprivation quintiles (12, 16, 20, 24, 28 of
    400 children each), alerts shared by every child of a family; (z, z with families)."""
    from datetime import date

    from joinedup.fairness.groups import QUINTILES
    from joinedup.fairness.intervals import FamilyBootstrap
    from joinedup.fairness.outcomes import ChildOutcome, RuleHit
    from joinedup.fairness.table import fairness_rows, family_intervals
    from joinedup.fairness.trend import deprivation_trends, family_trends

    outcomes: dict[str, ChildOutcome] = {}
    groups: dict[str, dict[str, str]] = {}
    family_of: dict[str, str] = {}
    for q, (quintile, alerted) in enumerate(zip(reversed(QUINTILES), (12, 16, 20, 24, 28), strict=True)):
        for i in range(400):
            child = f"q{q}c{i}"
            hit = {"r": RuleHit(date(2024, 1, 1), ())} if i < alerted else {}
            outcomes[child] = ChildOutcome(None, hit)
            groups[child] = {"deprivation_quintile": quintile}
            family_of[child] = f"q{q}f{i // family_size}"
    rows = fairness_rows(outcomes, groups, ["r"])
    trends = deprivation_trends(rows)
    kept: dict[tuple[str, str, str], Any] = {}
    boot = FamilyBootstrap(family_of, replicates=2000, seed=3)
    rows, _gaps = family_intervals(rows, [], outcomes, groups, boot, keep=kept)
    (trend,) = [t for t in family_trends(trends, rows, kept) if t.rule == "r"]
    assert trend.z is not None and trend.z_families is not None
    return trend.z, trend.z_families


def test_the_trend_test_with_families_resampled_matches_when_families_are_single_children() -> None:
    z, z_families = _trend_z(1)
    assert z > 2.5 and z_families == pytest.approx(z, rel=0.12)


def test_the_trend_test_with_families_resampled_halves_z_when_four_children_share_every_alert() -> None:
    z, z_families = _trend_z(4)
    assert z_families / z == pytest.approx(0.5, abs=0.1)  # the design effect 4: z over its square root
