"""The population looks like a real authority's: twins, households, and the identity noise
agencies produce, at roughly the configured rates."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from joinedup.synth import NoiseRates
from joinedup.synth.lexicon import nicknames

ReadJsonl = Callable[[Path], list[dict[str, Any]]]


def _subjects_with_truth(
    root: Path, read_jsonl: ReadJsonl
) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(record, recorded subject, true person) for every subject."""
    persons = {p["person_id"]: p for p in read_jsonl(root / "truth/persons.jsonl")}
    truth = {
        (t["agency"], t["source_record_id"], t["subject_index"]): t["person_id"]
        for t in read_jsonl(root / "truth/subjects.jsonl")
    }
    out = []
    for record in read_jsonl(root / "records.jsonl"):
        for i, subject in enumerate(record["subjects"]):
            out.append((record, subject, persons[truth[(record["agency"], record["source_record_id"], i)]]))
    return out


def test_twins_share_a_date_of_birth_but_never_a_given_name(mid: Path, read_jsonl: ReadJsonl) -> None:
    persons = {p["person_id"]: p for p in read_jsonl(mid / "truth/persons.jsonl")}
    twins = [p for p in persons.values() if p["twin_of"]]
    assert len(twins) >= 10
    for twin in twins:
        other = persons[twin["twin_of"]]
        assert other["twin_of"] == twin["person_id"]
        assert other["date_of_birth"] == twin["date_of_birth"]
        assert other["given_name"] != twin["given_name"]
        assert other["family_id"] == twin["family_id"]


def test_both_twins_appear_in_agency_records(mid: Path, read_jsonl: ReadJsonl) -> None:
    persons = {p["person_id"]: p for p in read_jsonl(mid / "truth/persons.jsonl")}
    recorded = {t["person_id"] for t in read_jsonl(mid / "truth/subjects.jsonl")}
    twins = [p for p in persons.values() if p["twin_of"]]
    assert sum(1 for t in twins if t["person_id"] in recorded) >= 0.9 * len(twins)


def test_identity_noise_appears_at_roughly_the_configured_rates(mid: Path, read_jsonl: ReadJsonl) -> None:
    rates = NoiseRates()
    nicks = nicknames()
    children = [(r, s, p) for r, s, p in _subjects_with_truth(mid, read_jsonl) if p["kind"] == "child"]
    n = len(children)
    missing_dob = sum(1 for _, s, _ in children if "date_of_birth" not in s) / n
    swapped = partial = 0
    for _, s, p in children:
        dob, true = s.get("date_of_birth"), p["date_of_birth"]
        if dob and len(dob) == 10 and dob != true and dob[:4] == true[:4] and dob[5:7] == true[8:10]:
            swapped += 1
        if dob and len(dob) < 10:
            partial += 1
    nickname = sum(1 for _, s, p in children if s.get("given_name") in nicks.get(p["given_name"], ()))
    other_surname = sum(1 for _, s, p in children if (s.get("family_name") or "").lower() != p["family_name"].lower())
    assert rates.view_dob_missing_child * 0.5 < missing_dob < rates.view_dob_missing_child * 3
    assert rates.view_dob_swapped * 0.2 < swapped / n < rates.view_dob_swapped * 1.5
    assert rates.view_dob_partial * 0.5 < partial / n < rates.view_dob_partial * 2
    assert nickname / n > 0.01
    assert 0.03 < other_surname / n < 0.35


def test_mothers_are_sometimes_recorded_under_another_surname(mid: Path, read_jsonl: ReadJsonl) -> None:
    mothers = [(s, p) for _, s, p in _subjects_with_truth(mid, read_jsonl) if p["kind"] == "adult" and p["sex"] == "F"]
    differing = sum(1 for s, p in mothers if (s.get("family_name") or "").lower() != p["family_name"].lower())
    assert 0.05 < differing / len(mothers) < 0.4


def test_postcodes_are_sometimes_mistyped_or_old(mid: Path, read_jsonl: ReadJsonl) -> None:
    by_person: dict[str, Counter[str]] = defaultdict(Counter)
    for _, s, p in _subjects_with_truth(mid, read_jsonl):
        if s.get("address"):
            by_person[p["person_id"]][s["address"]["postcode"].upper().replace(" ", "")] += 1
    several = sum(1 for postcodes in by_person.values() if len(postcodes) > 1)
    assert several > 0.05 * len(by_person)


def test_local_authority_is_usually_but_not_always_recorded(mid: Path, read_jsonl: ReadJsonl) -> None:
    records = read_jsonl(mid / "records.jsonl")
    missing = sum(1 for r in records if "local_authority" not in r) / len(records)
    assert 0.05 < missing < 0.2
    assert len({r["local_authority"] for r in records if "local_authority" in r}) >= 3  # moves across borders
