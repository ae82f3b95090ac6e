"""How an agency gets a person's identity wrong, the way real agencies do.

An agency's view of a person is drawn once and kept (its system copies the spelling onto every
later record); a few slips are drawn afresh per record. Rates come from ``NoiseRates``.
Identifiers follow the rules of the real world: NHS numbers only in health records, UPNs only
in school and education-welfare records, and neither always present.
"""

from __future__ import annotations

import random
from datetime import date

from joinedup.synth import lexicon
from joinedup.synth.config import NoiseRates
from joinedup.synth.population import Family, Person

HEALTH_NHS = {"gp": 0.95, "health_visitor": 0.9, "midwifery": 0.9, "hospital_ed": 0.75, "ambulance": 0.45}
EDUCATION_UPN = {"school": 0.97, "education_welfare": 0.6}
# How often an agency writes an address for its first subjects (others: half as often).
ADDRESS_KEPT = {
    "school": 0.9, "education_welfare": 0.9, "police": 0.8, "gp": 0.95, "health_visitor": 0.95,
    "hospital_ed": 0.85, "midwifery": 0.95, "ambulance": 0.75, "housing": 1.0, "childrens_social_care": 0.95,
    "early_help": 0.9, "probation": 0.9, "dwp_benefits": 0.95, "public_referral": 0.5,
}  # fmt: skip
DOB_KEPT_EXTRA = {"public_referral": 0.3, "housing": 0.7, "dwp_benefits": 0.9}
_VOWELS = "aeiou"
_SOUNDS = (("ph", "f"), ("ie", "y"), ("y", "ie"), ("ck", "k"), ("ll", "l"), ("nn", "n"), ("ee", "ea"), ("th", "t"),
           ("ah", "a"), ("Mc", "Mac"), ("Mac", "Mc"), ("ei", "ie"), ("z", "s"), ("s", "z"), ("ou", "ow"))  # fmt: skip
_INWARD = "ABDEFGHJLNPQRSTUWXYZ"

View = tuple[str | None, str | None, list[str], str | None, str | None, str | None, str | None]


class Noise:
    def __init__(self, rates: NoiseRates, end: int) -> None:
        self.rates = rates
        self.end = end
        self.nicknames = lexicon.nicknames()
        self._views: dict[tuple[int, str], View] = {}
        self._iso: dict[int, str] = {}

    def iso(self, ordinal: int) -> str:
        text = self._iso.get(ordinal)
        if text is None:
            text = self._iso[ordinal] = date.fromordinal(ordinal).isoformat()
        return text

    def view(self, rng: random.Random, person: Person, agency: str, day: int) -> View:
        """(given, family, other_names, dob, sex, nhs, upn) as ``agency`` keeps them."""
        key = (person.idx, agency)
        found = self._views.get(key)
        if found is None:
            found = self._views[key] = self._new_view(rng, person, agency, day)
        return found

    def _new_view(self, rng: random.Random, person: Person, agency: str, day: int) -> View:
        r = self.rates
        given: str | None = person.given
        family_name: str | None = person.family_name
        other: list[str] = []
        nicks = self.nicknames.get(person.given)
        if nicks and rng.random() < r.view_nickname:
            given = rng.choice(nicks)
        elif rng.random() < r.view_given_typo:
            given = typo(rng, person.given)
        if rng.random() < r.view_other_names:
            if nicks and given == person.given:
                other.append(rng.choice(nicks))
            elif person.maiden:
                other.append(person.maiden)
            elif given != person.given:
                other.append(person.given)
        if person.maiden and rng.random() < r.view_maiden_name:
            family_name = person.maiden
        elif person.kind == "child" and person.family is not None and rng.random() < r.view_partner_surname:
            family_name = _household_surname(person.family, person, day) or family_name
        if family_name and rng.random() < r.view_family_typo:
            family_name = typo(rng, family_name)
        if agency == "police" and family_name and rng.random() < 0.3:
            family_name = family_name.upper()
        dob = self._dob(rng, person, agency)
        sex = None if rng.random() < r.view_sex_missing else person.sex
        nhs = person.nhs if agency in HEALTH_NHS and rng.random() < _id_rate(HEALTH_NHS[agency], person) else None
        upn = None
        if agency in EDUCATION_UPN and person.upn and rng.random() < EDUCATION_UPN[agency]:
            upn = person.upn
        return (given, family_name, other, dob, sex, nhs, upn)

    def _dob(self, rng: random.Random, person: Person, agency: str) -> str | None:
        r = self.rates
        missing = r.view_dob_missing_child if person.kind == "child" else r.view_dob_missing_adult
        if rng.random() < missing or rng.random() > DOB_KEPT_EXTRA.get(agency, 1.0):
            return None
        d = date.fromordinal(person.dob)
        draw = rng.random()
        if draw < r.view_dob_swapped and d.day <= 12 and d.day != d.month:
            swapped = date(d.year, d.day, d.month)
            if swapped.toordinal() <= self.end:
                return swapped.isoformat()
        draw -= r.view_dob_swapped
        if 0 <= draw < r.view_dob_partial:
            return f"{d.year:04d}-{d.month:02d}" if rng.random() < 0.75 else f"{d.year:04d}"
        draw -= r.view_dob_partial
        if 0 <= draw < r.view_dob_typo:
            shifted = person.dob + rng.choice((-1, 1))
            if shifted <= self.end:
                return self.iso(shifted)
        return self.iso(person.dob)

    def given_slip(self, rng: random.Random, given: str | None) -> str | None:
        if given and rng.random() < self.rates.record_given_typo:
            return typo(rng, given)
        return given

    def postcode(self, rng: random.Random, postcode: str) -> str:
        """The postcode as written: usually as issued; sometimes misstruck or reformatted."""
        draw = rng.random()
        typo_rate = self.rates.record_postcode_typo
        if draw >= typo_rate + self.rates.record_postcode_format:
            return postcode
        if draw < typo_rate:
            return postcode_typo(rng, postcode)
        return (
            postcode.replace(" ", "")
            if draw < typo_rate + self.rates.record_postcode_format * 0.6
            else postcode.lower()
        )


def _id_rate(rate: float, person: Person) -> float:
    return rate if person.kind == "child" else rate * 0.8


def _household_surname(family: Family, child: Person, day: int) -> str | None:
    """The surname of the man the child lives with, or the mother's, when it differs from the child's."""
    for adult in reversed(family.adults):
        if adult.role == "partner" and adult.present(day) and adult.family_name != child.family_name:
            return adult.family_name
    mother = family.mother()
    if mother is not None and mother.family_name != child.family_name:
        return mother.family_name
    return None


def typo(rng: random.Random, name: str) -> str:
    """One slip of the kind a busy clerk makes: a sound spelled another way, a letter lost,
    doubled, swapped or misstruck. Never returns the name unchanged."""
    for _ in range(4):
        result = _one_typo(rng, name)
        if result and result != name:
            return result
    return name + name[-1]


def _one_typo(rng: random.Random, name: str) -> str:
    op = rng.randrange(5)
    n = len(name)
    if op == 0:
        options = [(a, b) for a, b in _SOUNDS if a in name]
        if options:
            a, b = rng.choice(options)
            return name.replace(a, b, 1)
    if n < 3:
        return name + name[-1]
    i = rng.randrange(1, n - 1)
    if op == 1:
        return name[:i] + name[i + 1] + name[i] + name[i + 2 :]
    if op == 2:
        return name[:i] + name[i + 1 :]
    if op == 3:
        return name[:i] + name[i] + name[i:]
    if name[i].lower() in _VOWELS:
        return name[:i] + rng.choice(_VOWELS.replace(name[i].lower(), "")) + name[i + 1 :]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def postcode_typo(rng: random.Random, postcode: str) -> str:
    """A misstruck inward code ("AH4 7QP" -> "AH4 7PQ" or "AH4 1QP"); the outward code kept."""
    outward, _, inward = postcode.partition(" ")
    if len(inward) != 3:
        return postcode
    if rng.random() < 0.5:
        inward = inward[0] + inward[2] + inward[1] if inward[1] != inward[2] else inward[0] + "A" + inward[2]
    else:
        digit = str((int(inward[0]) + rng.randrange(1, 9)) % 10)
        inward = digit + inward[1:]
    return f"{outward} {inward}"
