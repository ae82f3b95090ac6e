"""Agency-local person ids (record format v1 ``other_ids``), as case-management systems issue
them: a council's children's social care and early help share one system (one person id per
person per council, scheme ``lcs_<LA number>``: a family that moves council meets a new
numbering), and the police force's records system has its own (scheme ``niche``).

The id a system holds for a person is stable; what varies is each record: sometimes the id is
left off, and now and then a digit is mistyped or two are swapped. Ids are issued densely, as
real systems issue them, so a slip often yields *another* person's id (a sibling's or a
twin's): exactly the case the linkage guards must survive.

The noise is drawn from a stream of its own, keyed by the person, agency, day and position, so
adding ids changed no other byte of a population.
"""

from __future__ import annotations

import random
import zlib

# Which agencies write a local id, under which scheme, and how often the system holds one.
LOCAL_ID_AGENCIES = {"childrens_social_care": "lcs", "early_help": "lcs", "police": "niche"}
_LCS_SPAN = 900_000
_NICHE_SPAN = 90_000_000
_STRIDE = 7_919  # coprime with both spans: every person a different id, scattered


def person_local_id(scheme: str, person_idx: int) -> str:
    """The id a system holds for a person: unique per person within a scheme."""
    if scheme == "niche":
        return f"NI{10_000_000 + (person_idx * _STRIDE) % _NICHE_SPAN:08d}"
    return f"{100_000 + (person_idx * _STRIDE) % _LCS_SPAN}"


def _slip(rng: random.Random, value: str) -> str:
    """One keying slip: a digit replaced, or two neighbouring characters swapped."""
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    chars = list(value)
    if rng.random() < 0.5 and len(digits) > 1:
        i = rng.choice(digits[:-1])
        j = i + 1
        if chars[i] != chars[j]:
            chars[i], chars[j] = chars[j], chars[i]
            return "".join(chars)
    i = rng.choice(digits)
    chars[i] = rng.choice([d for d in "0123456789" if d != chars[i]])
    return "".join(chars)


def other_ids(
    person_idx: int, agency: str, la_number: int, day: int, position: int, missing: float, typo: float
) -> list[dict[str, str]]:
    """The ``other_ids`` one record of ``agency`` carries for this person (often none)."""
    kind = LOCAL_ID_AGENCIES.get(agency)
    if kind is None:
        return []
    rng = random.Random(zlib.crc32(f"{person_idx}|{agency}|{day}|{position}".encode()))
    if rng.random() < missing:
        return []
    value = person_local_id(kind, person_idx)
    if rng.random() < typo:
        value = _slip(rng, value)
    scheme = f"lcs_{la_number:03d}" if kind == "lcs" else kind
    return [{"scheme": scheme, "value": value}]
