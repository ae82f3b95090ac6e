"""Confidence intervals for the small proportions fairness is made of.

Wilson's score interval, not the normal approximation: false-alarm rates are often under 1%
and groups can be small, where the normal interval gives negative lower bounds and too much
confidence. Ratios use the Katz log method, the usual interval for a ratio of two proportions.
Both count children as independent; ``FamilyBootstrap`` gives the intervals again with whole
families resampled, which is what the data are (brothers and sisters share their records).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

Z95 = 1.959963984540054


def wilson(hits: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95% Wilson score interval for ``hits`` out of ``n``; (0, 1) when there is no one to count."""
    if n <= 0:
        return (0.0, 1.0)
    p = hits / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def ratio_interval(hits_a: int, n_a: int, hits_b: int, n_b: int, z: float = Z95) -> tuple[float, float] | None:
    """95% Katz interval for (hits_a/n_a) / (hits_b/n_b); None when either side has no hits,
    where a ratio means nothing."""
    if hits_a <= 0 or hits_b <= 0 or n_a <= 0 or n_b <= 0:
        return None
    ratio = (hits_a / n_a) / (hits_b / n_b)
    spread = math.sqrt(1 / hits_a - 1 / n_a + 1 / hits_b - 1 / n_b)
    return (ratio * math.exp(-z * spread), ratio * math.exp(z * spread))


class FamilyBootstrap:
    """A bootstrap that resamples families, not children.

    Children of one family share their records (a police incident at home is on every child's
    chronology) and so their alerts: counted as independent, they make the Wilson and Katz
    intervals too narrow. Each replicate gives every family a Poisson(1) weight (the Poisson
    bootstrap: for thousands of families the same as drawing families with replacement, and a
    replicate is one matrix product); a figure's interval is the 2.5th to 97.5th percentile of
    its replicates. ``seed`` makes a run repeatable.
    """

    def __init__(self, family_of: Mapping[str, str], replicates: int = 500, seed: int = 2024) -> None:
        families = sorted(set(family_of.values()))
        index = {f: i for i, f in enumerate(families)}
        self.cluster = {child: index[f] for child, f in family_of.items()}
        self.replicates = replicates
        rng = np.random.default_rng(seed)
        self.weights = rng.poisson(1.0, size=(replicates, len(families))).astype(np.float32)

    def totals(self, children: Iterable[str]) -> np.ndarray:
        """Each replicate's weighted count of ``children`` (children in no family are left out)."""
        clusters = [self.cluster[c] for c in children if c in self.cluster]
        if not clusters:
            return np.zeros(self.replicates, dtype=np.float64)
        idx, counts = np.unique(np.asarray(clusters, dtype=np.int64), return_counts=True)
        return np.asarray(self.weights[:, idx] @ counts.astype(np.float32), dtype=np.float64)


def percentile_interval(samples: np.ndarray) -> tuple[float, float] | None:
    """The central 95% of the finite replicates; None when fewer than half are finite (a
    figure with no hits in most replicates has no interval worth quoting)."""
    finite = samples[np.isfinite(samples)]
    if finite.size < max(1, samples.size // 2):
        return None
    low, high = np.percentile(finite, [2.5, 97.5])
    return (float(low), float(high))
