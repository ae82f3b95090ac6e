"""One model, two paths: the Python evaluation of the model used for single records gives
exactly Splink's pairs and probabilities, and the decisions keep namesakes apart."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from joinedup.cli.main import app
from joinedup.identity.eval_runs import synth_subjects
from joinedup.identity.frame import build_frame, comparable
from joinedup.identity.link import match
from joinedup.identity.matcher import QUICK_LIMIT, score
from joinedup.identity.model import default_model
from joinedup.identity.quickscore import quick_score
from joinedup.identity.standardise import standardise


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    result = CliRunner().invoke(
        app, ["synth", "--children", "40", "--out", str(folder), "--seed", "8", "--workers", "1"]
    )
    assert result.exit_code == 0, result.output
    return folder


def test_python_scores_equal_splinks_on_every_blocked_pair(population: Path) -> None:
    subjects, _, _ = synth_subjects(population)
    fields = {f"s{s.record_subject_id}": comparable(s) for s in subjects}
    given = Counter(s.given for s in subjects if s.given)
    family = Counter(s.family for s in subjects if s.family)
    frame = build_frame(fields.items(), given, family, len(subjects))
    half = len(frame) // 2
    pending, index = frame.iloc[:half].reset_index(drop=True), frame.iloc[half:].reset_index(drop=True)
    assert len(pending) * (len(pending) + len(index)) > QUICK_LIMIT  # so score() runs Splink
    splink = score(pending, index, default_model(), explain=False)
    python = quick_score(pending, index, default_model(), 0.001)

    def keyed(df: object) -> dict[frozenset[str], float]:
        return {
            frozenset((a, b)): p
            for a, b, p in zip(df["unique_id_l"], df["unique_id_r"], df["match_probability"], strict=True)  # type: ignore[index]
        }

    ours, theirs = keyed(python), keyed(splink)
    assert len(theirs) > 100
    assert ours.keys() == theirs.keys()
    assert max(abs(ours[k] - theirs[k]) for k in ours) < 1e-9


def _subject(number: int, record: int, **fields: str) -> object:
    return standardise({"id": number, "record_id": record, "subject_index": 0, **fields})


def test_a_father_and_son_of_one_name_at_one_address_are_never_merged() -> None:
    common = {"given_name": "Michael", "family_name": "Harding", "sex": "M", "address_postcode": "NT1 4AB"}
    common["address_line1"] = "3 Mill Lane"
    father = [_subject(i, i, **common, date_of_birth="1985-03-05") for i in (1, 2)]
    son = [_subject(i, i, **common, date_of_birth="2021-06-02") for i in (3, 4)]
    outcomes, _ = match([*father, *son], [], default_model(), {}, {}, 0)
    clusters = {uid: o.cluster for uid, o in outcomes.items()}
    assert clusters["s1"] == clusters["s2"] != clusters["s3"] == clusters["s4"]


def test_a_shared_co_subject_links_a_parent_recorded_with_little_else() -> None:
    child = {"given_name": "Amelia", "family_name": "Brook", "date_of_birth": "2016-04-09", "sex": "F"}
    mother = {"given_name": "Joanne", "family_name": "Brook", "sex": "F"}
    subjects = [
        standardise({"id": 1, "record_id": 1, "subject_index": 0, **child, "nhs_number": "9434765919"}),
        standardise({"id": 2, "record_id": 1, "subject_index": 1, **mother, "date_of_birth": "1988-02-01"}),
        standardise({"id": 3, "record_id": 2, "subject_index": 0, **child, "nhs_number": "9434765919"}),
        standardise({"id": 4, "record_id": 2, "subject_index": 1, **mother, "address_postcode": "NT1 4AB"}),
    ]
    outcomes, _ = match(subjects, [], default_model(), {}, {}, 0)
    assert outcomes["s1"].cluster == outcomes["s3"].cluster
    assert outcomes["s2"].cluster == outcomes["s4"].cluster != outcomes["s1"].cluster
