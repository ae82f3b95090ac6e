"""A plain Splink model, as a newcomer would write it from Splink's tutorial: the baseline every
linkage figure is quoted beside.

Plain means: Splink's stock comparisons, no nicknames, no trusted-id rules, no guards; trained
unsupervised on the data it links (prior from deterministic rules, u from random pairs, m by EM
blocked on date of birth and then on names); clustered by connected components at one
threshold.

Two shapes of the same recipe:

- ``plain_splink``: first name, surname, date of birth, postcode and address line, the fields
  our synthetic records and our model share, so the synthetic comparison measures the method,
  not the data;
- ``plain_splink_febrl``: every FEBRL column as FEBRL ships it (names, date of birth, social
  security id, street number, street, suburb, postcode), blocked on each field alone as Splink's
  own FEBRL example does. That is what "plain Splink on FEBRL" means to anyone who has run it,
  so it is the bar our figures are quoted against there.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
import splink.comparison_library as cl
from splink import DuckDBAPI, Linker, SettingsCreator, block_on

COLUMNS = ("unique_id", "first_name", "surname", "dob", "postcode", "address")
FEBRL_COLUMNS = (
    "unique_id",
    "given_name",
    "surname",
    "date_of_birth",
    "soc_sec_id",
    "street_number",
    "address_1",
    "suburb",
    "postcode",
)
THRESHOLD = 0.95
# DuckDB's own memory, as our batch scorer has (``batch.DUCKDB_MEMORY``); beyond it, joins spill
# to a temporary folder. DuckDB's default (80% of RAM) let plain Splink grow past 11 GB at a
# million records on a shared machine, which is no baseline anyone could run beside other work.
DUCKDB_MEMORY = "2GB"


@dataclass(frozen=True)
class PlainRun:
    clusters: dict[str, str]  # unique_id -> cluster id
    pairs_scored: int


@dataclass(frozen=True)
class _Recipe:
    columns: Sequence[str]
    settings: SettingsCreator
    prior_rule: Any
    em_rules: Sequence[Any]


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


def _febrl_settings() -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d", invalid_dates_as_null=True
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.JaroWinklerAtThresholds("address_1", [0.9, 0.7]),
            cl.ExactMatch("suburb"),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode"),
            block_on("street_number", "address_1"),
        ],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def _run(frame: pd.DataFrame, recipe: _Recipe, threshold: float, seed: int) -> PlainRun:
    import duckdb

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    spill = tempfile.mkdtemp(prefix="joinedup-plain-duckdb-")
    conn = duckdb.connect(config={"memory_limit": DUCKDB_MEMORY, "temp_directory": spill})
    try:
        db_api = DuckDBAPI(connection=conn)
        linker = Linker(db_api.register(frame[list(recipe.columns)]), recipe.settings, log_level=None)
        linker.training.estimate_probability_two_random_records_match([recipe.prior_rule], recall=0.7)
        linker.training.estimate_u_using_random_sampling(max_pairs=2_000_000, seed=seed)
        for rule in recipe.em_rules:
            linker.training.estimate_parameters_using_expectation_maximisation(rule)
        predictions = linker.inference.predict(threshold_match_probability=threshold)
        clustered = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, threshold)
        # Counted and fetched in DuckDB: a Python tuple per scored pair, or every input column
        # of every clustered record, would cost gigabytes at a million records.
        pairs = int(predictions.as_duckdbpyrelation().aggregate("count(*)").fetchall()[0][0])
        table = clustered.as_duckdbpyrelation().project("unique_id, cluster_id").fetchnumpy()
    finally:
        conn.close()
        shutil.rmtree(spill, ignore_errors=True)
    ids = [str(i) for i in table["unique_id"]]
    return PlainRun(clusters=dict(zip(ids, [str(c) for c in table["cluster_id"]], strict=True)), pairs_scored=pairs)


def plain_splink(frame: pd.DataFrame, *, threshold: float = THRESHOLD, seed: int = 1) -> PlainRun:
    """Train, predict and cluster ``frame`` (columns ``COLUMNS``, one row per record)."""
    recipe = _Recipe(
        columns=COLUMNS,
        settings=_settings(),
        prior_rule=block_on("first_name", "surname", "dob"),
        em_rules=(block_on("dob"), block_on("first_name", "surname")),
    )
    return _run(frame, recipe, threshold, seed)


def plain_splink_febrl(frame: pd.DataFrame, *, threshold: float = THRESHOLD, seed: int = 1) -> PlainRun:
    """Splink's own FEBRL recipe over a FEBRL frame (columns ``FEBRL_COLUMNS``, text as shipped)."""
    recipe = _Recipe(
        columns=FEBRL_COLUMNS,
        settings=_febrl_settings(),
        prior_rule=block_on("given_name", "surname", "date_of_birth"),
        em_rules=(block_on("date_of_birth"), block_on("given_name", "surname")),
    )
    return _run(frame, recipe, threshold, seed)
