"""Harm trajectories: every pattern from domain.md, warning signs before the incident, and
nothing about harm that a family's recorded attributes could predict."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from joinedup.synth import PATTERN_IDS

ReadJsonl = Callable[[Path], list[dict[str, Any]]]

DEPRIVATION_SENSITIVE = {"housing", "police", "hospital_ed"}


def _two_proportion_z(hits_a: int, n_a: int, hits_b: int, n_b: int) -> float:
    pooled = (hits_a + hits_b) / (n_a + n_b)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    return (hits_a / n_a - hits_b / n_b) / spread if spread else 0.0


def test_every_pattern_reviews_keep_finding_appears(mid: Path, read_jsonl: ReadJsonl) -> None:
    seen = {h["pattern"] for h in read_jsonl(mid / "truth/harm.jsonl")}
    assert seen == set(PATTERN_IDS)
    assert len(PATTERN_IDS) == 12


def test_a_small_share_of_children_are_harmed(mid: Path, read_jsonl: ReadJsonl) -> None:
    children = sum(1 for p in read_jsonl(mid / "truth/persons.jsonl") if p["kind"] == "child")
    harmed = read_jsonl(mid / "truth/harm.jsonl")
    assert 0.015 < len(harmed) / children < 0.045
    assert len({h["person_id"] for h in harmed}) == len(harmed)


def test_warning_records_come_before_the_incident_and_after_onset(mid: Path, read_jsonl: ReadJsonl) -> None:
    records = {(r["agency"], r["source_record_id"]): r for r in read_jsonl(mid / "records.jsonl")}
    about: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for t in read_jsonl(mid / "truth/subjects.jsonl"):
        record = records[(t["agency"], t["source_record_id"])]
        about[t["person_id"]].append((record["occurred_at"][:10], record["agency"]))
    early_enough = 0
    harmed = read_jsonl(mid / "truth/harm.jsonl")
    for h in harmed:
        assert h["onset"] < h["incident"]
        warnings = [(day, agency) for day, agency in about[h["person_id"]] if h["onset"] <= day < h["incident"]]
        on_the_day = [day for day, _ in about[h["person_id"]] if day == h["incident"]]
        assert len(warnings) >= 1, h
        assert on_the_day, h
        if len(warnings) >= 2 and min(warnings)[0] <= _days_before(h["incident"], 30):
            early_enough += 1
    assert early_enough >= 0.85 * len(harmed)


def _days_before(iso: str, days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso) - timedelta(days=days)).isoformat()


def test_harm_does_not_depend_on_the_recorded_attributes(mid: Path, read_jsonl: ReadJsonl) -> None:
    families = read_jsonl(mid / "truth/families.jsonl")
    splits = {
        "deprivation": lambda f: f["deprivation_decile"] <= 5,
        "ethnicity": lambda f: f["ethnicity"] == "White",
        "disability": lambda f: f["disability_in_household"],
        "language": lambda f: f["first_language"] == "English",
    }
    for name, split in splits.items():
        a = [f for f in families if split(f)]
        b = [f for f in families if not split(f)]
        z = _two_proportion_z(sum(f["harmed"] for f in a), len(a), sum(f["harmed"] for f in b), len(b))
        assert abs(z) < 3.3, f"harm rate differs by {name} (z={z:.1f})"


def test_ordinary_contact_does_depend_on_deprivation(mid: Path, read_jsonl: ReadJsonl) -> None:
    """The other half of fairness realism: deprived areas see more housing, police and A&E contact."""
    harmed_families = {h["family_id"] for h in read_jsonl(mid / "truth/harm.jsonl")}
    family_of = {p["person_id"]: p["family_id"] for p in read_jsonl(mid / "truth/persons.jsonl")}
    decile = {f["family_id"]: f["deprivation_decile"] for f in read_jsonl(mid / "truth/families.jsonl")}
    contacts: dict[str, set[str]] = defaultdict(set)
    for t in read_jsonl(mid / "truth/subjects.jsonl"):
        family = family_of[t["person_id"]]
        if t["agency"] in DEPRIVATION_SENSITIVE and family not in harmed_families:
            contacts[family].add(t["source_record_id"])
    deprived = [len(contacts[f]) for f, d in decile.items() if d <= 3 and f not in harmed_families]
    affluent = [len(contacts[f]) for f, d in decile.items() if d >= 8 and f not in harmed_families]
    assert sum(deprived) / len(deprived) > 1.4 * sum(affluent) / len(affluent)


def test_families_without_harm_still_show_isolated_concerns(mid: Path, read_jsonl: ReadJsonl) -> None:
    harmed_people = {h["person_id"] for h in read_jsonl(mid / "truth/harm.jsonl")}
    records = {(r["agency"], r["source_record_id"]): r["event_type"] for r in read_jsonl(mid / "records.jsonl")}
    concerning = {"domestic_abuse_incident", "referral_to_social_care", "home_visit_no_access", "injury_observed"}
    worried_about = {
        t["person_id"]
        for t in read_jsonl(mid / "truth/subjects.jsonl")
        if records[(t["agency"], t["source_record_id"])] in concerning and t["person_id"] not in harmed_people
    }
    assert len(worried_about) > 10 * len(harmed_people)
