"""The fairness table: per rule and group, alert rate, false-alarm rate and harmed children
alerted in time, each with a Wilson interval and its ratio to the whole population.

Definitions (docs/fairness.md says them in plain words):
- alert rate: children with at least one alert from the rule / children;
- false-alarm rate: children with no harm trajectory who were alerted / children with no harm
  trajectory;
- alerted in time: harmed children alerted before their incident / harmed children.

A rule is *uneven* in a dimension when the false-alarm rate of one group is more than
``THRESHOLD`` times another's. Ratios built on fewer than ``MIN_FALSE_ALARMS`` false alarms in
the higher group are noise and are listed as too few to judge, not flagged. The widest of
several groups' gaps is biased upwards (the most extreme pair of noisy rates), so each gap also
says whether its 95% interval clears 1 (``clear``) and whether it still does after a Bonferroni
correction for every pair of groups and every rule tested (``clear_corrected``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from statistics import NormalDist
from typing import Any

import numpy as np

from joinedup.fairness.groups import DIMENSIONS
from joinedup.fairness.intervals import FamilyBootstrap, percentile_interval, ratio_interval, wilson
from joinedup.fairness.outcomes import ANY_RULE, ChildOutcome

THRESHOLD = 1.25
MIN_FALSE_ALARMS = 5
OVERALL = "all children"


@dataclass(frozen=True)
class Rate:
    hits: int
    n: int
    rate: float | None
    low: float | None
    high: float | None
    ratio_to_overall: float | None = None
    ratio_low: float | None = None
    ratio_high: float | None = None
    # the same intervals with whole families resampled (intervals.FamilyBootstrap); None when
    # the run had no families to resample or the figure has no interval worth quoting
    family_low: float | None = None
    family_high: float | None = None
    family_ratio_low: float | None = None
    family_ratio_high: float | None = None

    @classmethod
    def of(cls, hits: int, n: int, overall: Rate | None = None) -> Rate:
        if n == 0:
            return cls(hits, n, None, None, None)
        low, high = wilson(hits, n)
        ratio = ratio_ci = None
        if overall is not None and overall.rate:
            ratio = (hits / n) / overall.rate
            ratio_ci = ratio_interval(hits, n, overall.hits, overall.n)
        return cls(
            hits,
            n,
            hits / n,
            low,
            high,
            ratio,
            ratio_ci[0] if ratio_ci else None,
            ratio_ci[1] if ratio_ci else None,
        )


@dataclass(frozen=True)
class Rates:
    """One row of the table: a rule in one group (or in everyone)."""

    rule: str
    dimension: str  # "overall" for the whole population
    group: str
    children: int
    alert_rate: Rate
    false_alarm_rate: Rate
    alerted_in_time: Rate


@dataclass(frozen=True)
class Disparity:
    """The widest false-alarm gap of a rule within one dimension."""

    rule: str
    dimension: str
    higher_group: str
    lower_group: str
    ratio: float | None  # None: the lower group had no false alarms at all
    ratio_low: float | None
    ratio_high: float | None
    higher_false_alarms: int
    lower_false_alarms: int
    judged: bool  # False: too few false alarms to call it
    clear: bool  # the 95% intervals say the gap is real, not the luck of the draw
    # Still clear after a Bonferroni correction for every pair of groups and every rule tested:
    # with ~20 rules and 10 pairs per dimension, some gaps clear 95% by chance alone.
    clear_corrected: bool = False
    drivers: list[dict[str, Any]] = field(default_factory=list)
    # The gap's interval with whole families resampled, and whether it still clears 1.
    family_ratio_low: float | None = None
    family_ratio_high: float | None = None
    clear_with_families: bool | None = None


@dataclass
class FairnessReport:
    children: int
    harmed_children: int
    links: str
    rows: list[Rates]
    disparities: list[Disparity]
    threshold: float = THRESHOLD
    trends: list[Any] = field(default_factory=list)  # fairness.trend.Trend, per rule
    families: int = 0  # resampled by the family bootstrap (0: not run)
    family_replicates: int = 0

    def as_json(self) -> dict[str, Any]:
        return {
            "children": self.children,
            "harmed_children": self.harmed_children,
            "links": self.links,
            "threshold": self.threshold,
            "families": self.families,
            "family_replicates": self.family_replicates,
            "min_false_alarms": MIN_FALSE_ALARMS,
            "rows": [asdict(r) for r in self.rows],
            "disparities": [asdict(d) for d in self.disparities],
            "deprivation_trends": [asdict(t) for t in self.trends],
        }


def _rates(rule: str, dimension: str, group: str, children: Sequence[ChildOutcome], overall: Rates | None) -> Rates:
    unharmed = [c for c in children if not c.harmed]
    harmed = [c for c in children if c.harmed]
    return Rates(
        rule=rule,
        dimension=dimension,
        group=group,
        children=len(children),
        alert_rate=Rate.of(
            sum(c.alerted(rule) for c in children), len(children), overall.alert_rate if overall else None
        ),
        false_alarm_rate=Rate.of(
            sum(c.alerted(rule) for c in unharmed), len(unharmed), overall.false_alarm_rate if overall else None
        ),
        alerted_in_time=Rate.of(
            sum(c.in_time(rule) for c in harmed), len(harmed), overall.alerted_in_time if overall else None
        ),
    )


def fairness_rows(
    outcomes: Mapping[str, ChildOutcome], groups: Mapping[str, Mapping[str, str]], rules: Sequence[str]
) -> list[Rates]:
    """Every (rule, group) row, the rule's overall row first; ``ANY RULE`` leads."""
    members: dict[tuple[str, str], list[ChildOutcome]] = {}
    for child, outcome in outcomes.items():
        for dimension, group in groups.get(child, {}).items():
            members.setdefault((dimension, group), []).append(outcome)
    everyone = list(outcomes.values())
    rows: list[Rates] = []
    for rule in [ANY_RULE, *sorted(rules)]:
        overall = _rates(rule, "overall", OVERALL, everyone, None)
        rows.append(overall)
        for dimension, labels in DIMENSIONS.items():
            for group in labels:
                rows.append(_rates(rule, dimension, group, members.get((dimension, group), []), overall))
    return rows


def _clear(high: Rate, low: Rate, interval: tuple[float, float] | None) -> bool:
    """Katz interval above 1; with no false alarms at all in the lower group, the Wilson
    intervals of the two rates do not overlap."""
    if interval is not None:
        return interval[0] > 1.0
    return high.low is not None and low.high is not None and high.low > low.high


def _clear_corrected(high: Rate, low: Rate, comparisons: int) -> bool:
    z = NormalDist().inv_cdf(1 - 0.05 / (2 * max(1, comparisons)))
    interval = ratio_interval(high.hits, high.n, low.hits, low.n, z=z)
    if interval is not None:
        return interval[0] > 1.0
    high_low, _ = wilson(high.hits, high.n, z=z)
    _, low_high = wilson(low.hits, low.n, z=z)
    return high_low > low_high


def widest_gaps(rows: Sequence[Rates]) -> list[Disparity]:
    """Per rule and dimension, the pair of groups with the widest false-alarm ratio, when it
    exceeds the threshold."""
    found: list[Disparity] = []
    by_key: dict[tuple[str, str], list[Rates]] = {}
    for r in rows:
        if r.dimension != "overall" and r.false_alarm_rate.n:
            by_key.setdefault((r.rule, r.dimension), []).append(r)
    rules = len({rule for rule, _dimension in by_key})
    for (rule, dimension), group_rows in by_key.items():
        pairs = len(group_rows) * (len(group_rows) - 1) // 2
        ranked = sorted(group_rows, key=lambda r: r.false_alarm_rate.rate or 0.0)
        low, high = ranked[0].false_alarm_rate, ranked[-1].false_alarm_rate
        if not high.hits:
            continue
        ratio = (high.rate / low.rate) if (high.rate is not None and low.rate) else None
        if ratio is not None and ratio <= THRESHOLD:
            continue
        interval = ratio_interval(high.hits, high.n, low.hits, low.n)
        found.append(
            Disparity(
                rule=rule,
                dimension=dimension,
                higher_group=ranked[-1].group,
                lower_group=ranked[0].group,
                ratio=ratio,
                ratio_low=interval[0] if interval else None,
                ratio_high=interval[1] if interval else None,
                higher_false_alarms=high.hits,
                lower_false_alarms=low.hits,
                judged=high.hits >= MIN_FALSE_ALARMS,
                clear=_clear(high, low, interval),
                clear_corrected=_clear_corrected(high, low, pairs * rules),
            )
        )
    return found


MEASURES = ("alert_rate", "false_alarm_rate", "alerted_in_time")


def family_intervals(
    rows: Sequence[Rates],
    gaps: Sequence[Disparity],
    outcomes: Mapping[str, ChildOutcome],
    groups: Mapping[str, Mapping[str, str]],
    boot: FamilyBootstrap,
    keep: dict[tuple[str, str, str], tuple[np.ndarray, np.ndarray]] | None = None,
) -> tuple[list[Rates], list[Disparity]]:
    """Every rate, ratio and gap again with whole families resampled (``FamilyBootstrap``).
    ``keep``, when given, receives each row's replicate false alarms and unharmed children,
    keyed (rule, dimension, group), for the trend test (``trend.family_trends``)."""
    members: dict[tuple[str, str], set[str]] = {("overall", OVERALL): set(outcomes)}
    for child in outcomes:
        for dimension, group in groups.get(child, {}).items():
            members.setdefault((dimension, group), set()).add(child)
    sizes: dict[tuple[str, str, str], np.ndarray] = {}
    for key, kids in members.items():
        sizes[(*key, "alert_rate")] = boot.totals(kids)
        sizes[(*key, "false_alarm_rate")] = boot.totals(k for k in kids if not outcomes[k].harmed)
        sizes[(*key, "alerted_in_time")] = boot.totals(k for k in kids if outcomes[k].harmed)
    alerted = [c for c, o in outcomes.items() if o.hits]
    rates: dict[tuple[str, str, str, str], np.ndarray] = {}
    done: list[Rates] = []
    for row in rows:  # each rule's overall row comes first
        kids = members.get((row.dimension, row.group), set())
        hit = [c for c in alerted if c in kids and outcomes[c].alerted(row.rule)]
        hits = {
            "alert_rate": boot.totals(hit),
            "false_alarm_rate": boot.totals(c for c in hit if not outcomes[c].harmed),
            "alerted_in_time": boot.totals(c for c in hit if outcomes[c].in_time(row.rule)),
        }
        n_unharmed = sizes.get((row.dimension, row.group, "false_alarm_rate"))
        if keep is not None and n_unharmed is not None:
            keep[(row.rule, row.dimension, row.group)] = (hits["false_alarm_rate"], n_unharmed)
        changes: dict[str, Rate] = {}
        for measure in MEASURES:
            n = sizes.get((row.dimension, row.group, measure))
            rate: Rate = getattr(row, measure)
            if n is None or not rate.n:
                continue
            with np.errstate(divide="ignore", invalid="ignore"):
                samples = hits[measure] / n
            rates[(row.rule, row.dimension, row.group, measure)] = samples
            interval = percentile_interval(samples)
            ratio = None
            whole = rates.get((row.rule, "overall", OVERALL, measure))
            if row.dimension != "overall" and whole is not None:
                with np.errstate(divide="ignore", invalid="ignore"):
                    ratio = percentile_interval(samples / whole)
            changes[measure] = replace(
                rate,
                family_low=interval[0] if interval else None,
                family_high=interval[1] if interval else None,
                family_ratio_low=ratio[0] if ratio else None,
                family_ratio_high=ratio[1] if ratio else None,
            )
        done.append(
            replace(
                row,
                alert_rate=changes.get("alert_rate", row.alert_rate),
                false_alarm_rate=changes.get("false_alarm_rate", row.false_alarm_rate),
                alerted_in_time=changes.get("alerted_in_time", row.alerted_in_time),
            )
        )
    widened: list[Disparity] = []
    for gap in gaps:
        high = rates.get((gap.rule, gap.dimension, gap.higher_group, "false_alarm_rate"))
        low = rates.get((gap.rule, gap.dimension, gap.lower_group, "false_alarm_rate"))
        interval = None
        if high is not None and low is not None:
            with np.errstate(divide="ignore", invalid="ignore"):
                interval = percentile_interval(high / low)
        widened.append(
            replace(
                gap,
                family_ratio_low=interval[0] if interval else None,
                family_ratio_high=interval[1] if interval else None,
                clear_with_families=(interval[0] > 1.0) if interval else None,
            )
        )
    return done, widened
