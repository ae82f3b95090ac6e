"""Unsupervised training of the linkage model (Fellegi–Sunter by expectation maximisation).

The prior (how likely two random subjects are one person) comes from pairs that trusted ids or
full agreement make near-certain; u probabilities from random pairs; m probabilities from two
EM sessions, each blocking on something the other one trains (a date of birth, then names), so
every comparison is estimated from pairs not chosen for agreeing on it.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from splink import DuckDBAPI, Linker, block_on

from joinedup.identity.errors import ModelError
from joinedup.identity.frame import build_frame, comparable
from joinedup.identity.model import TrainedModel, settings_creator
from joinedup.identity.standardise import StandardSubject

MINIMUM_SUBJECTS = 1_000


def training_frame(subjects: list[StandardSubject]) -> pd.DataFrame:
    given = Counter(s.given for s in subjects if s.given)
    family = Counter(s.family for s in subjects if s.family)
    return build_frame(((f"s{s.record_subject_id}", comparable(s)) for s in subjects), given, family, len(subjects))


# Where the data cannot show a level (a trusted id is never compared inside a session blocked on
# it), a value from how the ids behave: the same person's two valid NHS numbers almost always agree.
_ID_M = {"Exact match": 0.97, "All other": 0.03}
_FALLBACK_M = 0.02
_FALLBACK_U = 1e-6
# No level may claim that a disagreement is next to impossible for one person: synthetic
# training data is cleaner than real records, and real records hold every kind of slip.
_MINIMUM_M = 0.003


def fill_gaps(settings: dict[str, Any]) -> None:
    """Give every non-null level an m and a u, with cautious values where the data had none."""
    for comparison in settings["comparisons"]:
        is_id = comparison["output_column_name"] in ("nhs", "upn")
        exact_u = None
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level"):
                continue
            label = level.get("label_for_charts", "")
            if is_id:
                level["m_probability"] = next(v for k, v in _ID_M.items() if label.startswith(k))
            if level.get("m_probability") is None:
                level["m_probability"] = _FALLBACK_M
            if level.get("u_probability") is None:
                # A level never seen among random pairs is rare, but no rarer than exact agreement.
                level["u_probability"] = exact_u if exact_u and not is_id else _FALLBACK_U
            if label.startswith("Exact match"):
                exact_u = level["u_probability"]
            level["m_probability"] = max(level["m_probability"], _MINIMUM_M)


MINIMUM_ID_PAIRS = 100


def _pairs_sharing(subjects: list[StandardSubject], column: str) -> int:
    counts = Counter(getattr(s, column) for s in subjects if getattr(s, column))
    return sum(n * (n - 1) // 2 for n in counts.values())


def train(subjects: list[StandardSubject], *, seed: int = 1, version: str | None = None) -> TrainedModel:
    """A model trained on these subjects; refuses too few to estimate anything honestly."""
    if len(subjects) < MINIMUM_SUBJECTS:
        raise ModelError(
            f"only {len(subjects)} subjects are stored; training needs at least {MINIMUM_SUBJECTS}. "
            "Until then the shipped default model is used, which is the right choice for a new deployment"
        )
    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.ERROR)
    frame = training_frame(subjects)
    db_api = DuckDBAPI()
    data = db_api.register(frame, dataset_display_name="subjects")
    linker = Linker(data, settings_creator(), log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("nhs"), block_on("upn"), block_on("local_id"), block_on("given", "family", "dob")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2_000_000, seed=seed)
    # Pairs sharing a valid trusted id are nearly all true matches, so EM on them estimates how
    # often one person's names, dates and addresses disagree without mistaking namesakes for
    # matches (EM blocked on names alone learns that a date of birth hardly matters).
    # A population with too few such pairs (no health or school records) is trained the plain
    # way instead: EM blocked on date of birth, then on names.
    # Agency-local ids (``other_ids``) are near-trusted in the same way (FEBRL's soc_sec_id, a
    # council's social-care number); how often one person's local ids agree is then learnt from
    # pairs agreeing on given name, family name and date of birth, which never block on them.
    id_sessions = [c for c in ("nhs", "upn", "local_id") if _pairs_sharing(subjects, c) >= MINIMUM_ID_PAIRS]
    if id_sessions:
        for column in id_sessions:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on(column))
        if "local_id" in id_sessions:
            linker.training.estimate_parameters_using_expectation_maximisation(block_on("given", "family", "dob"))
    else:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
        linker.training.estimate_parameters_using_expectation_maximisation(block_on("given", "family"))
    settings: dict[str, Any] = json.loads(json.dumps(linker.misc.save_model_to_json(), default=str))
    fill_gaps(settings)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    chosen = version or f"trained-{stamp}"
    settings["joinedup_model_version"] = chosen
    settings["joinedup_trained_on"] = len(subjects)
    return TrainedModel(version=chosen, settings=settings)
