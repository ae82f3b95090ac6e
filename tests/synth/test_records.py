"""Every synthetic record is a valid format-v1 record, and the truth accounts for every subject."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from nhs_number import is_valid as nhs_valid
from stdnum.gb import upn

from joinedup.records import AgencyRecord

HEALTH = {"gp", "health_visitor", "hospital_ed", "midwifery", "ambulance"}
EDUCATION = {"school", "education_welfare"}
TRUTH_ONLY = ("ethnicity", "deprivation", "disability", "first_language", "person_id", "family_id")

ReadJsonl = Callable[[Path], list[dict[str, Any]]]


def test_every_record_validates_against_the_v1_model(small: Path, read_jsonl: ReadJsonl) -> None:
    records = read_jsonl(small / "records.jsonl")
    assert len(records) > 3000
    for record in records:
        AgencyRecord.model_validate(record)


def test_records_are_in_date_order_within_the_history(small: Path, read_jsonl: ReadJsonl) -> None:
    manifest = orjson.loads((small / "manifest.json").read_bytes())
    stamps = [r["occurred_at"] for r in read_jsonl(small / "records.jsonl")]
    assert stamps == sorted(stamps)
    assert stamps[0][:10] >= manifest["start_date"]
    assert stamps[-1][:10] <= manifest["end_date"] < date.today().isoformat()


def test_source_record_ids_are_unique_within_each_agency(small: Path, read_jsonl: ReadJsonl) -> None:
    keys = [(r["agency"], r["source_record_id"]) for r in read_jsonl(small / "records.jsonl")]
    assert len(keys) == len(set(keys))


def test_nhs_numbers_are_valid_and_only_in_health_records(small: Path, read_jsonl: ReadJsonl) -> None:
    seen = 0
    for record in read_jsonl(small / "records.jsonl"):
        for subject in record["subjects"]:
            if subject.get("nhs_number"):
                seen += 1
                assert record["agency"] in HEALTH, record["source_record_id"]
                assert nhs_valid(subject["nhs_number"]), record["source_record_id"]
    assert seen > 1000


def test_upns_are_valid_and_only_in_school_and_welfare_records(small: Path, read_jsonl: ReadJsonl) -> None:
    seen = 0
    for record in read_jsonl(small / "records.jsonl"):
        for subject in record["subjects"]:
            if subject.get("upn"):
                seen += 1
                assert record["agency"] in EDUCATION, record["source_record_id"]
                assert upn.is_valid(subject["upn"]), subject["upn"]
                assert subject["role"] in ("child", "sibling")
    assert seen > 300


def test_identifiers_are_not_always_present(small: Path, read_jsonl: ReadJsonl) -> None:
    ed_subjects = [
        s for r in read_jsonl(small / "records.jsonl") if r["agency"] == "hospital_ed" for s in r["subjects"]
    ]
    missing = sum(1 for s in ed_subjects if not s.get("nhs_number"))
    assert 0.1 < missing / len(ed_subjects) < 0.6


def test_truth_names_the_person_behind_every_subject_of_every_record(small: Path, read_jsonl: ReadJsonl) -> None:
    expected = {
        (r["agency"], r["source_record_id"], i)
        for r in read_jsonl(small / "records.jsonl")
        for i in range(len(r["subjects"]))
    }
    truth = read_jsonl(small / "truth/subjects.jsonl")
    assert {(t["agency"], t["source_record_id"], t["subject_index"]) for t in truth} == expected
    assert len(truth) == len(expected)
    persons = {p["person_id"] for p in read_jsonl(small / "truth/persons.jsonl")}
    assert {t["person_id"] for t in truth} <= persons


def test_family_attributes_never_appear_in_records(small: Path) -> None:
    text = (small / "records.jsonl").read_text()
    for word in TRUTH_ONLY:
        assert f'"{word}"' not in text


def test_the_manifest_counts_what_was_written(small: Path, read_jsonl: ReadJsonl) -> None:
    manifest = orjson.loads((small / "manifest.json").read_bytes())
    records = read_jsonl(small / "records.jsonl")
    assert manifest["records"] == len(records)
    assert sum(manifest["counts"]["agency"].values()) == len(records)
    assert set(manifest) >= {"seed", "children", "years", "start_date", "end_date", "counts", "seconds"}
    per_child_year = len(records) / manifest["children"] / manifest["years"]
    assert 4 <= per_child_year <= 8
