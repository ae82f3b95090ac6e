"""Which group each true child belongs to, read from the synthetic truth (families.jsonl).

These attributes exist only in ``truth/``: no agency record carries them, and nothing the rules
read can. Deprivation is reported in quintiles of the decile (1–2 is the most deprived fifth),
as councils report the Index of Multiple Deprivation, so each group is large enough to measure.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# dimension -> how to read a family row into a group label, and the order to show groups in
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "ethnicity": ("White", "Asian", "Black", "Mixed", "Other"),
    "disability_in_household": ("yes", "no"),
    "deprivation_quintile": ("1-2 (most deprived)", "3-4", "5-6", "7-8", "9-10 (least deprived)"),
    "first_language": ("English", "other"),
}
QUINTILES = DIMENSIONS["deprivation_quintile"]


def family_groups(family: Mapping[str, Any]) -> dict[str, str]:
    """The group label of one family in every dimension."""
    decile = int(family["deprivation_decile"])
    if not 1 <= decile <= 10:
        raise ValueError(f"family {family.get('family_id')}: deprivation_decile {decile} is not 1-10")
    return {
        "ethnicity": str(family["ethnicity"]),
        "disability_in_household": "yes" if family["disability_in_household"] else "no",
        "deprivation_quintile": QUINTILES[(decile - 1) // 2],
        "first_language": "English" if family["first_language"] == "English" else "other",
    }


def child_groups(
    families: Iterable[Mapping[str, Any]], persons: Iterable[Mapping[str, Any]]
) -> dict[str, dict[str, str]]:
    """True child id -> {dimension: group}; children without a family row are left out."""
    by_family = {f["family_id"]: family_groups(f) for f in families}
    return {
        p["person_id"]: by_family[p["family_id"]]
        for p in persons
        if p.get("kind") == "child" and p.get("family_id") in by_family
    }
