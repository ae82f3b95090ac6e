"""The families' recorded attributes, tested as the fairness evaluation needs them: harm is
independent of every one of them across all their groups, and ordinary contact with each of
housing, police and the emergency department rises with deprivation."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ReadJsonl = Callable[[Path], list[dict[str, Any]]]
# Chi-square critical values at p = 0.001, by degrees of freedom.
CRITICAL_0_001 = {1: 10.83, 4: 18.47, 9: 27.88}


def _chi_square(harmed: Counter[Any], total: Counter[Any]) -> tuple[float, int]:
    """Pearson's chi-square for a groups x (harmed, not harmed) table."""
    all_harmed, everyone = sum(harmed.values()), sum(total.values())
    share = all_harmed / everyone
    statistic = 0.0
    for group, n in total.items():
        for observed, expected in ((harmed[group], n * share), (n - harmed[group], n * (1 - share))):
            statistic += (observed - expected) ** 2 / expected
    return statistic, len(total) - 1


def test_every_family_has_each_attribute_from_its_vocabulary(mid: Path, read_jsonl: ReadJsonl) -> None:
    for f in read_jsonl(mid / "truth/families.jsonl"):
        assert f["ethnicity"] in {"White", "Asian", "Black", "Mixed", "Other"}
        assert isinstance(f["disability_in_household"], bool)
        assert 1 <= f["deprivation_decile"] <= 10
        assert f["first_language"] in {"English", "other"}


def test_harm_is_independent_of_each_attribute_across_all_its_groups(mid: Path, read_jsonl: ReadJsonl) -> None:
    families = read_jsonl(mid / "truth/families.jsonl")
    for key in ("ethnicity", "disability_in_household", "deprivation_decile", "first_language"):
        harmed: Counter[Any] = Counter(f[key] for f in families if f["harmed"])
        total: Counter[Any] = Counter(f[key] for f in families)
        statistic, df = _chi_square(harmed, total)
        assert statistic < CRITICAL_0_001[df], f"harm depends on {key}: chi2={statistic:.1f}, df={df}"


def test_each_deprivation_sensitive_agency_sees_more_of_deprived_families(mid: Path, read_jsonl: ReadJsonl) -> None:
    harmed = {f["family_id"] for f in read_jsonl(mid / "truth/families.jsonl") if f["harmed"]}
    decile = {f["family_id"]: f["deprivation_decile"] for f in read_jsonl(mid / "truth/families.jsonl")}
    family_of = {p["person_id"]: p["family_id"] for p in read_jsonl(mid / "truth/persons.jsonl")}
    records: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for t in read_jsonl(mid / "truth/subjects.jsonl"):
        family = family_of[t["person_id"]]
        if family not in harmed:
            records[t["agency"]][family].add(t["source_record_id"])
    deprived = [f for f, d in decile.items() if d <= 3 and f not in harmed]
    affluent = [f for f, d in decile.items() if d >= 8 and f not in harmed]
    for agency in ("housing", "police", "hospital_ed"):
        per_deprived = sum(len(records[agency][f]) for f in deprived) / len(deprived)
        per_affluent = sum(len(records[agency][f]) for f in affluent) / len(affluent)
        assert per_deprived > 1.4 * per_affluent, f"{agency}: {per_deprived:.2f} vs {per_affluent:.2f}"
    # and a universal service does not
    school_deprived = sum(len(records["school"][f]) for f in deprived) / len(deprived)
    school_affluent = sum(len(records["school"][f]) for f in affluent) / len(affluent)
    assert 0.75 < school_deprived / school_affluent < 1.33
