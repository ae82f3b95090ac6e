"""A trend test across the deprivation quintiles: do false alarms rise with deprivation?

Why beside the pairwise gaps: deprivation is ordered, and the question a council asks is
whether a rule falls harder the more deprived the area, not whether two of five groups happen
to differ. The Cochran–Armitage test uses all five groups at once, so it has more power than
the widest pair and needs no search over pairs (only a correction for the number of rules).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist

from joinedup.fairness.groups import QUINTILES
from joinedup.fairness.table import Rates

DIMENSION = "deprivation_quintile"


@dataclass(frozen=True)
class Trend:
    rule: str
    z: float | None  # positive: more false alarms the more deprived the area
    p: float | None  # two-sided
    clear_corrected: bool  # |z| beyond the Bonferroni threshold over every rule tested


def cochran_armitage(hits: Sequence[int], sizes: Sequence[int], scores: Sequence[float]) -> float | None:
    """The trend statistic z for proportions hits/sizes against ordered scores; None when there
    is nothing to test (no hits, or all of them)."""
    total, all_hits = sum(sizes), sum(hits)
    if not total or not all_hits or all_hits == total:
        return None
    share = all_hits / total
    statistic = sum(t * (r - n * share) for r, n, t in zip(hits, sizes, scores, strict=True))
    spread = sum(n * t * t for n, t in zip(sizes, scores, strict=True)) - (
        sum(n * t for n, t in zip(sizes, scores, strict=True)) ** 2 / total
    )
    variance = share * (1 - share) * spread
    return statistic / math.sqrt(variance) if variance > 0 else None


def deprivation_trends(rows: Sequence[Rates]) -> list[Trend]:
    """One trend per rule, on the false-alarm rate across quintiles (score 5 = most deprived)."""
    by_rule: dict[str, dict[str, Rates]] = {}
    for r in rows:
        if r.dimension == DIMENSION:
            by_rule.setdefault(r.rule, {})[r.group] = r
    threshold = NormalDist().inv_cdf(1 - 0.05 / (2 * max(1, len(by_rule))))
    trends = []
    for rule, groups in by_rule.items():
        present = [q for q in QUINTILES if q in groups]
        z = cochran_armitage(
            [groups[q].false_alarm_rate.hits for q in present],
            [groups[q].false_alarm_rate.n for q in present],
            [float(len(QUINTILES) - QUINTILES.index(q)) for q in present],
        )
        p = 2 * (1 - NormalDist().cdf(abs(z))) if z is not None else None
        trends.append(Trend(rule, z, p, z is not None and abs(z) > threshold))
    return trends
