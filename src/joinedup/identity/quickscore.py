"""The linkage model evaluated in plain Python, for the incremental path.

Why: scoring one new record through Splink costs a DuckDB database, a Linker and several SQL
queries, a fixed hundreds of milliseconds however few the candidates. For a handful of
candidate pairs, evaluating the same trained model here (the same comparison levels, m and u
probabilities, term-frequency adjustments and blocking rules) takes well under a millisecond.
It is the same model, not an approximation: ``tests/identity/test_quickscore.py`` checks that
these probabilities equal Splink's on every pair of a population. Big batches still go to
Splink, vectorised.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

import jellyfish
import pandas as pd

from joinedup.identity.model import BLOCKING_COLUMNS, TrainedModel

Row = Mapping[str, Any]
Level = Callable[[Row, Row], bool]


def _null(column: str) -> Level:
    return lambda a, b: a[column] is None or b[column] is None


def _exact(column: str) -> Level:
    # SQL's equality: an unknown equals nothing (a postcode with no first line on either side is
    # "same postcode", not "same postcode and first line").
    return lambda a, b: a[column] is not None and a[column] == b[column]


def _intersect(column: str) -> Level:
    return lambda a, b: bool(set(a[column] or ()) & set(b[column] or ()))


def _jaro_winkler(column: str, threshold: float) -> Level:
    return lambda a, b: jellyfish.jaro_winkler_similarity(a[column], b[column]) >= threshold


def _swapped(a: Row, b: Row) -> bool:
    x, y = a["dob"], b["dob"]
    return bool(x[0:4] == y[0:4] and x[5:7] == y[8:10] and x[8:10] == y[5:7])


def _one_character(a: Row, b: Row) -> bool:
    return bool(jellyfish.damerau_levenshtein_distance(a["dob"], b["dob"]) <= 1)


def _within_a_year(a: Row, b: Row) -> bool:
    days = abs((date.fromisoformat(a["dob"]) - date.fromisoformat(b["dob"])).days)
    return days * 86_400 <= 31_557_600


def _name_unknown(a: Row, b: Row) -> bool:
    return a["given"] is None or b["given"] is None or a["family"] is None or b["family"] is None


def _names_swapped(a: Row, b: Row) -> bool:
    return bool(a["given"] == b["family"] or a["family"] == b["given"])


def _no_shared_scheme(a: Row, b: Row) -> bool:
    return a["local_id"] is None or b["local_id"] is None or a["local_scheme"] != b["local_scheme"]


def _local_one_character(a: Row, b: Row) -> bool:
    return bool(jellyfish.damerau_levenshtein_distance(a["local_id"], b["local_id"]) <= 1)


def _both(first: Level, second: Level) -> Level:
    return lambda a, b: first(a, b) and second(a, b)


def _else(a: Row, b: Row) -> bool:
    return True


# Each comparison's levels in the order model.py declares them (null level first).
LEVELS: dict[str, list[Level]] = {
    "given_name": [
        _null("given"),
        _exact("given"),
        _intersect("given_all"),
        _jaro_winkler("given", 0.92),
        _jaro_winkler("given", 0.80),
        _else,
    ],
    "family_name": [
        _null("family"),
        _exact("family"),
        _intersect("family_all"),
        _jaro_winkler("family", 0.92),
        _jaro_winkler("family", 0.80),
        _else,
    ],
    "date_of_birth": [_null("dob"), _exact("dob"), _swapped, _one_character, _within_a_year, _else],
    "sex": [_null("sex"), _exact("sex"), _else],
    "address": [
        _null("postcode"),
        _both(_exact("postcode"), _exact("address")),
        _exact("postcode"),
        _exact("postcode_sector"),
        _exact("postcode_district"),
        _else,
    ],
    "nhs": [_null("nhs"), _exact("nhs"), _else],
    "upn": [_null("upn"), _exact("upn"), _else],
    "names_swapped": [_name_unknown, _names_swapped, _else],
    "local_id": [_no_shared_scheme, _exact("local_id"), _local_one_character, _else],
}


class QuickScorer:
    """A trained model's weights, ready to score pairs of frame rows."""

    def __init__(self, model: TrainedModel) -> None:
        settings = model.settings
        prior = float(settings["probability_two_random_records_match"])
        self.prior_weight = math.log2(prior / (1.0 - prior))
        self.comparisons: list[tuple[str, list[Level], list[float], str | None, float]] = []
        for comparison in settings["comparisons"]:
            name = comparison["output_column_name"]
            levels = comparison["comparison_levels"]
            if name not in LEVELS or len(levels) != len(LEVELS[name]):
                raise ValueError(f"the model's {name!r} comparison is not the shape this scorer knows")
            weights = [
                0.0 if level.get("is_null_level") else math.log2(level["m_probability"] / level["u_probability"])
                for level in levels
            ]
            exact = levels[1]
            tf_column = exact.get("tf_adjustment_column")
            log2_u_exact = math.log2(exact["u_probability"]) if tf_column else 0.0
            self.comparisons.append((name, LEVELS[name], weights, tf_column, log2_u_exact))
            if tf_column and float(exact.get("tf_adjustment_weight", 1.0)) != 1.0:
                raise ValueError("term-frequency adjustment weights other than 1 are not supported here")

    def score(self, a: Row, b: Row) -> dict[str, Any]:
        """Splink's ``match_weight``, ``match_probability`` and per-comparison ``mw_`` weights."""
        total = self.prior_weight
        out: dict[str, Any] = {"unique_id_l": a["unique_id"], "unique_id_r": b["unique_id"]}
        for name, levels, weights, tf_column, log2_u_exact in self.comparisons:
            index = next(i for i, level in enumerate(levels) if level(a, b))
            weight = weights[index]
            adjustment = 0.0
            if index == 1 and tf_column:
                tf_a, tf_b = a[f"tf_{tf_column}"], b[f"tf_{tf_column}"]
                known = [t for t in (tf_a, tf_b) if t is not None and not pd.isna(t)]
                if known:
                    adjustment = log2_u_exact - math.log2(max(known))
            out[f"mw_{name}"] = None if index == 0 else weight
            out[f"mw_tf_adj_{name}"] = adjustment if tf_column else None
            total += weight + adjustment
        out["match_weight"] = total
        out["match_probability"] = 2.0**total / (1.0 + 2.0**total)
        return out


def blocked_together(a: Row, b: Row) -> bool:
    """Would any of the model's blocking rules bring this pair to be scored?"""
    return any(all(a[c] is not None and a[c] == b[c] for c in columns) for columns in BLOCKING_COLUMNS)


def _block_keys(row: Row) -> frozenset[tuple[int, tuple[Any, ...]]]:
    """The row's key under each blocking rule it can block on: two rows are blocked together
    when they share one (the same test as ``blocked_together``, done once per row)."""
    keys = []
    for number, columns in enumerate(BLOCKING_COLUMNS):
        values = tuple(row[c] for c in columns)
        if all(v is not None for v in values):
            keys.append((number, values))
    return frozenset(keys)


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = frame.to_dict("records")
    for row in rows:
        for key, value in row.items():
            if value is pd.NA or (isinstance(value, float) and math.isnan(value)):
                row[key] = None
    return rows


_SCORERS: dict[int, tuple[TrainedModel, QuickScorer]] = {}


def scorer_for(model: TrainedModel) -> QuickScorer:
    """The model's scorer, prepared once per model object (weights are worked out from the
    saved model's m and u on construction)."""
    held = _SCORERS.get(id(model))
    if held is not None and held[0] is model:
        return held[1]
    scorer = QuickScorer(model)
    if len(_SCORERS) > 16:
        _SCORERS.clear()
    _SCORERS[id(model)] = (model, scorer)  # the model is held, so its id is not reused
    return scorer


def quick_pairs(
    new: list[dict[str, Any]], held: list[dict[str, Any]], model: TrainedModel, floor: float
) -> list[dict[str, Any]]:
    """Every blocked pair (``new`` among themselves, ``new`` against ``held``) scoring at least
    ``floor``, from plain rows (``frame.build_rows``)."""
    scorer = scorer_for(model)
    new_keys = [_block_keys(row) for row in new]
    held_keys = [_block_keys(row) for row in held]
    found = []
    for i, a in enumerate(new):
        keys = new_keys[i]
        for b, b_keys in zip([*new[i + 1 :], *held], [*new_keys[i + 1 :], *held_keys], strict=True):
            if not keys.isdisjoint(b_keys):
                pair = scorer.score(a, b)
                if pair["match_probability"] >= floor:
                    found.append(pair)
    return found


def quick_score(pending: pd.DataFrame, index: pd.DataFrame | None, model: TrainedModel, floor: float) -> pd.DataFrame:
    """Every blocked pair (pending among themselves, pending against the index) above ``floor``."""
    found = quick_pairs(_rows(pending), _rows(index) if index is not None else [], model, floor)
    columns = ["unique_id_l", "unique_id_r", "match_weight", "match_probability"]
    return pd.DataFrame.from_records(found) if found else pd.DataFrame(columns=columns)
