"""Score candidate pairs with Splink on an in-process DuckDB: new subjects among themselves
(``predict_within``) and against the stored index (``predict_between``), as one vectorised batch;
a small batch (one record against its candidate block) is scored by the same model in Python.

Only pairs found by the blocking rules are scored, so the work grows with the candidate blocks,
not with the size of the index.
"""

from __future__ import annotations

import logging
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker

from joinedup.identity.model import TrainedModel
from joinedup.identity.quickscore import quick_score

# Pairs below this are not worth carrying: far below any decision threshold.
SCORE_FLOOR = 0.001
# Up to this many pairs to consider, the model is evaluated in Python (quickscore): a single
# record against its candidate block in well under a millisecond, where a Splink run costs a
# fixed fraction of a second. Above it, Splink's vectorised SQL wins.
QUICK_LIMIT = 50_000


def quick_enough(pending: int, index: int) -> bool:
    """Is this little enough work for the Python scorer (one record against its block)?"""
    return pending * (pending + index) <= QUICK_LIMIT


def _quiet() -> None:
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _lookup(frames: list[pd.DataFrame], tf_column: str) -> pd.DataFrame:
    column = tf_column[3:]
    both = pd.concat([f[[column, tf_column]] for f in frames], ignore_index=True)
    return both.dropna().drop_duplicates(subset=[column])


def score(
    pending: pd.DataFrame,
    index: pd.DataFrame | None,
    model: TrainedModel,
    *,
    explain: bool = True,
) -> pd.DataFrame:
    """Scored pairs ``unique_id_l``, ``unique_id_r``, ``match_weight``, ``match_probability``
    (plus ``gamma_*``/``bf_*`` per comparison when ``explain``) above ``SCORE_FLOOR``."""
    if quick_enough(len(pending), 0 if index is None else len(index)):
        try:
            return quick_score(pending, index, model, SCORE_FLOOR)
        except ValueError:
            pass  # a model of another shape: Splink scores it
    return splink_score(pending, index, model, explain=explain)


def splink_score(
    pending: pd.DataFrame,
    index: pd.DataFrame | None,
    model: TrainedModel,
    *,
    explain: bool = True,
) -> pd.DataFrame:
    """``score`` by Splink whatever the size: the reference the Python scorer is checked against."""
    _quiet()
    settings: dict[str, Any] = model.for_dialect("duckdb")
    settings["retain_intermediate_calculation_columns"] = explain
    settings["retain_matching_columns"] = False
    db_api = DuckDBAPI()
    frames = [pending] if index is None else [pending, index]
    tf_columns = [c for c in pending.columns if c.startswith("tf_")]
    # Term frequencies go in as registered look-ups (Splink 5.0's predict_within/between
    # always join a look-up table, even when tf_ columns are supplied on the records).
    lookups = {c: _lookup(frames, c) for c in tf_columns}
    pending = pending.drop(columns=tf_columns)
    index = index.drop(columns=tf_columns) if index is not None else None
    new = db_api.register(pending, dataset_display_name="pending")
    linker = Linker(new, settings, log_level=None)
    for column, table in lookups.items():
        linker.table_management.register_term_frequency_lookup(db_api.register(table), column[3:])
    parts = []
    if len(pending) > 1:
        within = linker.inference.predict_within(
            new, threshold_match_probability=SCORE_FLOOR, warning_mode="never"
        ).as_pandas_dataframe()  # type: ignore[no-untyped-call]
        parts.append(within)
    if index is not None and len(index):
        held = db_api.register(index, dataset_display_name="index")
        between = linker.inference.predict_between(
            new, held, threshold_match_probability=SCORE_FLOOR, warning_mode="never"
        ).as_pandas_dataframe()  # type: ignore[no-untyped-call]
        parts.append(between)
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_weight", "match_probability"])
    return pd.concat(parts, ignore_index=True)
