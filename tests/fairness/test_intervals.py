"""The intervals the fairness table quotes, checked against values worked by hand."""

from __future__ import annotations

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
