"""Confidence intervals for the small proportions fairness is made of.

Wilson's score interval, not the normal approximation: false-alarm rates are often under 1%
and groups can be small, where the normal interval gives negative lower bounds and too much
confidence. Ratios use the Katz log method, the usual interval for a ratio of two proportions.
"""

from __future__ import annotations

import math

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
