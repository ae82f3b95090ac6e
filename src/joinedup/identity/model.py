"""The linkage model: which comparisons Splink makes, how candidates are blocked, and where the
trained parameters come from.

The *shape* of the model (comparisons and blocking rules) is code here, written with Splink's
comparison creators so the same model renders for DuckDB and for Spark. The *parameters* (m and
u probabilities, the prior) are data: a default trained model ships in
``data/default_model.json`` so a new deployment links well from its first thirty records, and
``joinedup link train`` stores the deployment's own EM-trained model in ``identity_models``;
the newest active one is used. Each comparison's levels, strongest first:

- given name: exact (term-frequency adjusted) / nickname, other name or middle name shared /
  Jaro-Winkler >= 0.92 / >= 0.80 / different
- family name: exact (term-frequency adjusted) / a barrel or other name shared / JW >= 0.92 /
  >= 0.80 / different
- date of birth: exact / day and month swapped / one character different / within a year /
  different
- sex: same / different
- address: same postcode and first line / same postcode / same sector / same district / other
- NHS number, UPN (valid ones only): same / different
- names swapped (given name written as the family name, or the other way round): swapped /
  not; either name unknown is no evidence
- local id (an agency-local person id, ``other_ids``; the first a record gives, compared only
  with an id of the same scheme): same / one character different / different; no id of one
  scheme on both sides is no evidence
"""

from __future__ import annotations

import json
from copy import deepcopy
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from joinedup.identity.errors import ModelError

DEFAULT_VERSION = "default-2"  # 2: names swapped and agency-local id comparisons added
# Columns the model reads, in the order the matching frame is built.
MODEL_COLUMNS = (
    "unique_id",
    "given",
    "given_canon",
    "given_all",
    "family",
    "family_block",
    "family_all",
    "dob",
    "dob_year",
    "sex",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "address",
    "nhs",
    "upn",
    "local_id",
    "local_scheme",
    "tf_given",
    "tf_family",
)


def _given_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="given_name",
        comparison_levels=[
            cll.NullLevel("given"),
            cll.ExactMatchLevel("given", term_frequency_adjustments=True),
            cll.ArrayIntersectLevel("given_all", min_intersection=1).configure(
                label_for_charts="Nickname, other or middle name shared"
            ),
            cll.JaroWinklerLevel("given", 0.92),
            cll.JaroWinklerLevel("given", 0.80),
            cll.ElseLevel(),
        ],
        comparison_description="Given name, with other names and nicknames",
    )


def _family_name() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="family_name",
        comparison_levels=[
            cll.NullLevel("family"),
            cll.ExactMatchLevel("family", term_frequency_adjustments=True),
            cll.ArrayIntersectLevel("family_all", min_intersection=1).configure(
                label_for_charts="A barrel of the surname or another name shared"
            ),
            cll.JaroWinklerLevel("family", 0.92),
            cll.JaroWinklerLevel("family", 0.80),
            cll.ElseLevel(),
        ],
        comparison_description="Family name, with double barrels and other names",
    )


_SWAPPED = (
    "substr(dob_l, 1, 4) = substr(dob_r, 1, 4) and substr(dob_l, 6, 2) = substr(dob_r, 9, 2) "
    "and substr(dob_l, 9, 2) = substr(dob_r, 6, 2)"
)


def _date_of_birth() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="date_of_birth",
        comparison_levels=[
            cll.NullLevel("dob"),
            cll.ExactMatchLevel("dob"),
            cll.CustomLevel(_SWAPPED, "Day and month swapped", base_dialect_str="duckdb"),
            cll.DamerauLevenshteinLevel("dob", 1).configure(label_for_charts="One character different"),
            cll.AbsoluteDateDifferenceLevel("dob", input_is_string=True, threshold=1, metric="year"),
            cll.ElseLevel(),
        ],
        comparison_description="Date of birth (whole dates only)",
    )


def _address() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("postcode"),
            cll.And(cll.ExactMatchLevel("postcode"), cll.ExactMatchLevel("address")).configure(
                label_for_charts="Same postcode and first line"
            ),
            cll.ExactMatchLevel("postcode"),
            cll.ExactMatchLevel("postcode_sector"),
            cll.ExactMatchLevel("postcode_district"),
            cll.ElseLevel(),
        ],
        comparison_description="Postcode and address",
    )


_SWAPPED_NAMES = '"given_l" = "family_r" OR "family_l" = "given_r"'
_NAME_UNKNOWN = '"given_l" IS NULL OR "given_r" IS NULL OR "family_l" IS NULL OR "family_r" IS NULL'


def _names_swapped() -> cl.CustomComparison:
    """A clerk who wrote the family name in the given-name box (common where the family name is
    said first): each name comparison alone sees "different"; this one sees the swap."""
    return cl.CustomComparison(
        output_column_name="names_swapped",
        comparison_levels=[
            cll.CustomLevel(_NAME_UNKNOWN, "A name unknown", base_dialect_str="duckdb").configure(is_null_level=True),
            cll.CustomLevel(_SWAPPED_NAMES, "Given and family name swapped", base_dialect_str="duckdb"),
            cll.ElseLevel(),
        ],
        comparison_description="Given and family name swapped",
    )


# Ids of two different schemes (a Mosaic number and a PNC id) say nothing about each other.
_NO_SHARED_SCHEME = '"local_id_l" IS NULL OR "local_id_r" IS NULL OR "local_scheme_l" <> "local_scheme_r"'


def _local_id() -> cl.CustomComparison:
    return cl.CustomComparison(
        output_column_name="local_id",
        comparison_levels=[
            cll.CustomLevel(_NO_SHARED_SCHEME, "No id of one scheme on both", base_dialect_str="duckdb").configure(
                is_null_level=True
            ),
            cll.ExactMatchLevel("local_id"),
            cll.DamerauLevenshteinLevel("local_id", 1).configure(label_for_charts="One character different"),
            cll.ElseLevel(),
        ],
        comparison_description="Agency-local person id, within one scheme",
    )


def comparisons() -> list[Any]:
    return [
        _given_name(),
        _family_name(),
        _date_of_birth(),
        cl.ExactMatch("sex"),
        _address(),
        cl.ExactMatch("nhs").configure(term_frequency_adjustments=False),
        cl.ExactMatch("upn"),
        _names_swapped(),
        _local_id(),
    ]


def blocking_rules() -> list[Any]:
    """Candidate pairs: any one of these agreeing brings a pair to be scored.

    Each rule is narrow enough that a block stays small as the index grows (a date of birth
    alone would pair a million records with hundreds each), and together they tolerate any
    single field being missing or mistyped.
    """
    return [block_on(*columns) for columns in BLOCKING_COLUMNS]


BLOCKING_COLUMNS: tuple[tuple[str, ...], ...] = (
    ("nhs",),
    ("upn",),
    ("dob", "family_block"),
    ("dob", "given_canon"),
    ("dob", "postcode"),
    ("postcode", "given_canon"),
    ("given_canon", "family_block", "dob_year"),
    ("given_canon", "family"),
    ("postcode", "family_block"),
    ("local_id",),
)


def settings_creator(probability_two_random_records_match: float = 1e-5) -> SettingsCreator:
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons(),
        blocking_rules_to_generate_predictions=blocking_rules(),
        probability_two_random_records_match=probability_two_random_records_match,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )


@dataclass(frozen=True)
class TrainedModel:
    """A model's version and Splink's saved-model dictionary (DuckDB SQL)."""

    version: str
    settings: dict[str, Any]

    def for_dialect(self, dialect: str) -> dict[str, Any]:
        """The model rendered for another engine, its trained parameters carried over."""
        if self.settings.get("sql_dialect") == dialect:
            same = {k: v for k, v in deepcopy(self.settings).items() if not k.startswith("joinedup_")}
            # Blocking is the code's, not the saved model's: the Python scorer blocks with
            # ``BLOCKING_COLUMNS``, and a model saved before a rule was added must not miss it.
            same["blocking_rules_to_generate_predictions"] = _blocking_rules_for(dialect)
            return same
        fresh = settings_creator().create_settings_dict(dialect)
        fresh = json.loads(json.dumps(fresh, default=str))
        fresh["probability_two_random_records_match"] = self.settings["probability_two_random_records_match"]
        # A model trained before a comparison was added (a stored ``link train`` model has no
        # local id comparison) is rendered with the comparisons it was trained on.
        trained_by_name = {c["output_column_name"]: c for c in self.settings["comparisons"]}
        fresh["comparisons"] = [c for c in fresh["comparisons"] if c["output_column_name"] in trained_by_name]
        for target in fresh["comparisons"]:
            source = trained_by_name[target["output_column_name"]]
            for level, trained in zip(target["comparison_levels"], source["comparison_levels"], strict=True):
                for key in ("m_probability", "u_probability"):
                    if key in trained:
                        level[key] = trained[key]
        return dict(fresh)


def _blocking_rules_for(dialect: str) -> list[dict[str, Any]]:
    return json.loads(_blocking_rules_json(dialect))  # type: ignore[no-any-return]


@cache
def _blocking_rules_json(dialect: str) -> str:
    rendered = settings_creator().create_settings_dict(dialect)["blocking_rules_to_generate_predictions"]
    return json.dumps(rendered, default=str)


@cache
def default_model() -> TrainedModel:
    """The model shipped with the package (trained on a synthetic population; see docs)."""
    try:
        text = resources.files("joinedup.identity").joinpath("data/default_model.json").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ModelError("the shipped default model data/default_model.json is missing; reinstall JoinedUp") from exc
    data = json.loads(text)
    return TrainedModel(version=data.get("joinedup_model_version", DEFAULT_VERSION), settings=data)
