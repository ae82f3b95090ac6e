"""A trend test across the deprivation quintiles: do false alarms rise with deprivation?

Why beside the pairwise gaps: deprivation is ordered, and the question a council asks is
whether a rule falls harder the more deprived the area, not whether two of five groups happen
to differ. The Cochran–Armitage test uses all five groups at once, so it has more power than
the widest pair and needs no search over pairs (only a correction for the number of rules).
``family_trends`` gives each z again with whole families resampled for its standard error.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from statistics import NormalDist

import numpy as np

from joinedup.fairness.groups import QUINTILES
from joinedup.fairness.table import Rates

DIMENSION = "deprivation_quintile"


@dataclass(frozen=True)
class Trend:
    rule: str
    z: float | None  # positive: more false alarms the more deprived the area
    p: float | None  # two-sided
    clear_corrected: bool  # |z| beyond the Bonferroni threshold over every rule tested
    # The same statistic with its spread from whole families resampled (siblings share records)
    z_families: float | None = None
    clear_with_families: bool | None = None


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


def _statistic(hits: np.ndarray, sizes: np.ndarray, scores: np.ndarray) -> np.ndarray:
    """Cochran–Armitage's numerator, sum of t * (r - n * p), per column (rows: quintiles)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = hits.sum(axis=0) / sizes.sum(axis=0)
    return np.asarray((scores[:, None] * (hits - sizes * share)).sum(axis=0), dtype=np.float64)


def family_trends(
    trends: Sequence[Trend],
    rows: Sequence[Rates],
    kept: Mapping[tuple[str, str, str], tuple[np.ndarray, np.ndarray]],
) -> list[Trend]:
    """Each trend's z again, with the statistic's standard error taken from the family
    bootstrap's replicates instead of the binomial formula (a cluster-robust Wald test)."""
    threshold = NormalDist().inv_cdf(1 - 0.05 / (2 * max(1, len(trends))))
    scores = np.array([float(len(QUINTILES) - i) for i in range(len(QUINTILES))])
    observed = {(r.rule, r.group): r.false_alarm_rate for r in rows if r.dimension == DIMENSION}
    done = []
    for trend in trends:
        found = [kept.get((trend.rule, DIMENSION, q)) for q in QUINTILES]
        rates = [observed.get((trend.rule, q)) for q in QUINTILES]
        if trend.z is None or any(f is None for f in found) or any(r is None for r in rates):
            done.append(trend)
            continue
        replicates = _statistic(
            np.vstack([f[0] for f in found if f is not None]), np.vstack([f[1] for f in found if f is not None]), scores
        )
        statistic = _statistic(
            np.array([[float(r.hits)] for r in rates if r is not None]),
            np.array([[float(r.n)] for r in rates if r is not None]),
            scores,
        )[0]
        finite = replicates[np.isfinite(replicates)]
        spread = float(np.std(finite, ddof=1)) if finite.size > 1 else 0.0
        z = float(statistic / spread) if spread > 0 else None
        done.append(replace(trend, z_families=z, clear_with_families=(abs(z) > threshold) if z is not None else None))
    return done
