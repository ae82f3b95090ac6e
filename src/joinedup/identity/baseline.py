"""A plain Splink model, as a newcomer would write it from Splink's tutorial: the baseline every
linkage figure is quoted beside.

Plain means: Splink's stock comparisons for first name, surname, date of birth, postcode and
address line, no nicknames, no trusted-id rules, no guards; trained unsupervised (prior from
deterministic rules, u from random pairs, m by EM blocked on date of birth and then on names);
clustered by connected components at one threshold. It is given exactly the fields our model
gets, so the difference measured is the method, not the data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

COLUMNS = ("unique_id", "first_name", "surname", "dob", "postcode", "address")
THRESHOLD = 0.95


@dataclass(frozen=True)
class PlainRun:
    clusters: dict[str, str]  # unique_id -> cluster id
    pairs_scored: int


def _settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("dob", input_is_string=True),
            cl.ExactMatch("postcode"),
            cl.ExactMatch("address"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("first_name", "surname"),
            block_on("dob", "surname"),
            block_on("dob", "first_name"),
            block_on("postcode", "first_name"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def plain_splink(frame: pd.DataFrame, *, threshold: float = THRESHOLD, seed: int = 1) -> PlainRun:
    """Train, predict and cluster ``frame`` (columns ``COLUMNS``, one row per record)."""
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    db_api = DuckDBAPI()
    linker = Linker(db_api.register(frame[list(COLUMNS)]), _settings(), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2_000_000, seed=seed)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    predictions = linker.inference.predict(threshold_match_probability=threshold)
    clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
    table = clustered.as_pandas_dataframe()  # type: ignore[no-untyped-call]
    pairs = len(predictions.as_duckdbpyrelation().fetchall())
    ids = table["unique_id"].astype(str)
    return PlainRun(clusters=dict(zip(ids, table["cluster_id"].astype(str), strict=True)), pairs_scored=pairs)
