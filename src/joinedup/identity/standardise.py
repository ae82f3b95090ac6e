"""Turn a stored subject into the comparable form the linkage model reads.

Nothing here guesses. A partial date keeps only the parts it states; an impossible date
(30 February) is unknown. An NHS number or UPN whose check digit fails is dropped for matching
(a mistyped id would otherwise *settle* a match wrongly) but stays untouched in the raw record.
Postcodes are put in the Royal Mail form with their sector and district, so "nt14ab" meets
"NT1 4AB" and a neighbouring street in the same sector still counts for something.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import nhs_number
from stdnum.gb import upn as upn_lib

from joinedup.identity.names import family_forms, fold_keeping_digits, name_tokens, nicknames

# Royal Mail outward code (A9, A99, AA9, AA99, A9A, AA9A) then inward code (9AA).
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_STREET_WORDS = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "dr": "drive",
    "cl": "close",
    "ct": "court",
    "cres": "crescent",
    "gdns": "gardens",
    "pl": "place",
    "sq": "square",
    "ter": "terrace",
    "terr": "terrace",
    "wy": "way",
}
_EARLIEST_BIRTH_YEAR = 1880


@dataclass(frozen=True)
class Postcode:
    full: str  # "NT1 4AB"
    sector: str  # "NT1 4"
    district: str  # "NT1"


@dataclass(frozen=True)
class BirthDate:
    """What is known of a date of birth: a whole date, or only its year (and month)."""

    iso: str | None = None
    year: int | None = None
    month: int | None = None


@dataclass(frozen=True)
class StandardSubject:
    """A subject in comparable form. ``None`` always means unknown, never "does not match"."""

    record_subject_id: int
    record_id: int
    subject_index: int
    role: str | None
    given: str | None
    given_canon: str | None
    given_all: list[str] = field(default_factory=list)
    family: str | None = None
    family_all: list[str] = field(default_factory=list)
    dob: str | None = None
    dob_year: int | None = None
    dob_month: int | None = None
    sex: str | None = None
    postcode: str | None = None
    postcode_sector: str | None = None
    postcode_district: str | None = None
    address: str | None = None
    nhs: str | None = None
    upn: str | None = None
    # Agency-local person ids as "scheme:VALUE" (``standard_other_ids``), in the order sent; the
    # model compares (and blocks on) the first, the guards read them all.
    local_ids: list[str] = field(default_factory=list)

    @property
    def local_id(self) -> str | None:
        return self.local_ids[0] if self.local_ids else None

    @property
    def local_scheme(self) -> str | None:
        return id_scheme(self.local_ids[0]) if self.local_ids else None


def standard_postcode(raw: str | None) -> Postcode | None:
    if not raw:
        return None
    compact = re.sub(r"[^A-Z0-9]", "", raw.upper())
    match = _POSTCODE.match(compact)
    if not match:
        return None
    outward, inward = match.groups()
    return Postcode(full=f"{outward} {inward}", sector=f"{outward} {inward[0]}", district=outward)


def birth_date(raw: str | None, *, today: date | None = None) -> BirthDate:
    """Read ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY``; anything impossible or future is unknown."""
    if not raw:
        return BirthDate()
    today = today or date.today()
    parts = raw.strip().split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return BirthDate()
    year = numbers[0]
    if len(parts[0]) != 4 or not _EARLIEST_BIRTH_YEAR <= year <= today.year or len(numbers) > 3:
        return BirthDate()
    if len(numbers) == 1:
        return BirthDate(year=year)
    month = numbers[1]
    if not 1 <= month <= 12:
        return BirthDate()
    if len(numbers) == 2:
        return BirthDate(year=year, month=month)
    try:
        whole = date(year, month, numbers[2])
    except ValueError:
        return BirthDate()
    if whole > today:
        return BirthDate()
    return BirthDate(iso=whole.isoformat(), year=year, month=month)


def valid_nhs_number(raw: str | None) -> str | None:
    """The ten digits of a valid NHS number (modulus-11 check digit), else ``None``."""
    if not raw:
        return None
    digits = re.sub(r"[\s-]", "", raw)
    if not digits.isdigit() or len(digits) != 10:
        return None
    return digits if nhs_number.is_valid(digits) else None  # type: ignore[attr-defined]


def valid_upn(raw: str | None) -> str | None:
    """A valid unique pupil number (check letter verified), upper case, else ``None``."""
    if not raw:
        return None
    compact = upn_lib.compact(raw)
    return compact if upn_lib.is_valid(compact) else None


def standard_other_id(scheme: str | None, value: str | None) -> str | None:
    """``("Mosaic", " 12-345 a")`` -> ``"mosaic:12345A"``: the scheme lower-cased, the value with
    spaces and punctuation removed and upper-cased, so "12-345a" on one system meets "12345A" on
    another. No check digit to verify: an id of this kind is evidence, never proof. ``None``
    when either part is empty."""
    scheme = (scheme or "").strip().lower()
    compact = re.sub(r"[\W_]+", "", fold_keeping_digits(value or "")).upper()
    if not scheme or not compact:
        return None
    return f"{scheme}:{compact}"


def id_scheme(key: str) -> str:
    """The scheme of a standardised id (``"mosaic:12345A"`` -> ``"mosaic"``)."""
    return key.split(":", 1)[0]


def standard_other_ids(raw: object) -> list[str]:
    """The standardised ids of a subject's ``other_ids`` (``[{"scheme", "value"}]``), in the
    order sent, repeats dropped; anything unreadable is ignored (it stays in the raw record)."""
    found: list[str] = []
    if not isinstance(raw, list):
        return found
    for item in raw:
        if not isinstance(item, Mapping):
            continue
        key = standard_other_id(item.get("scheme"), item.get("value"))
        if key and key not in found:
            found.append(key)
    return found


def standard_address(line1: str | None) -> str | None:
    """First address line folded, with street-type abbreviations spelled out."""
    if not line1:
        return None
    words = re.sub(r"[^a-z0-9]+", " ", fold_keeping_digits(line1)).split()
    if not words:
        return None
    return " ".join(_STREET_WORDS.get(w, w) for w in words)


def standard_sex(raw: str | None) -> str | None:
    value = (raw or "").strip().upper()
    return value if value in ("F", "M") else None


def standardise(row: Mapping[str, Any]) -> StandardSubject:
    """A ``record_subjects`` row (as a mapping of its columns) in comparable form."""
    given_tokens = name_tokens(row.get("given_name"))
    other_tokens = [t for name in (row.get("other_names") or []) for t in name_tokens(name)]
    table = nicknames()
    given = given_tokens[0] if given_tokens else None
    given_all: list[str] = []
    for token in [*given_tokens, *other_tokens]:
        for form in (token, *sorted(table.canonical_forms(token))):
            if form not in given_all:
                given_all.append(form)
    family_all = family_forms(row.get("family_name"))
    family = family_all[0] if family_all else None
    for name in row.get("other_names") or []:
        for form in family_forms(name):
            if form not in family_all:
                family_all.append(form)
    born = birth_date(row.get("date_of_birth"))
    postcode = standard_postcode(row.get("address_postcode"))
    return StandardSubject(
        record_subject_id=int(row["id"]),
        record_id=int(row["record_id"]),
        subject_index=int(row["subject_index"]),
        role=row.get("role"),
        given=given,
        given_canon=table.canonical(given) if given else None,
        given_all=given_all,
        family=family,
        family_all=family_all,
        dob=born.iso,
        dob_year=born.year,
        dob_month=born.month,
        sex=standard_sex(row.get("sex")),
        postcode=postcode.full if postcode else None,
        postcode_sector=postcode.sector if postcode else None,
        postcode_district=postcode.district if postcode else None,
        address=standard_address(row.get("address_line1")),
        nhs=valid_nhs_number(row.get("nhs_number")),
        upn=valid_upn(row.get("upn")),
        local_ids=standard_other_ids(row.get("other_ids")),
    )
