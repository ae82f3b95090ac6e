"""Families and the people in them: who lives where, with whom, from when to when.

Everything here is the truth the records are noisy copies of. The family's recorded
attributes (ethnicity, disability, deprivation, first language) are drawn from their own
random stream, before and apart from anything about harm, so harm cannot depend on them;
only ordinary background contact is allowed to (see ``background``).
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field

from joinedup.synth import lexicon
from joinedup.synth.identifiers import NhsNumbers
from joinedup.synth.places import HOME, Address, Places

YEAR = 365.25
ETHNICITY = (("White", 0.72), ("Asian", 0.12), ("Black", 0.06), ("Mixed", 0.07), ("Other", 0.03))
OTHER_LANGUAGE = {"White": 0.07, "Asian": 0.5, "Black": 0.3, "Mixed": 0.08, "Other": 0.6}
CHILDREN_PER_FAMILY = ((1, 0.38), (2, 0.37), (3, 0.17), (4, 0.06), (5, 0.02))
TWIN_BIRTH = 0.03  # a little above the national rate, so linkage meets twins often enough
FAR_PAST = -(10**9)
FAR_FUTURE = 10**9


class Person:
    """One true person. ``joins``/``leaves`` bound their time in the family's household."""

    __slots__ = (
        "dob",
        "family",
        "family_name",
        "given",
        "idx",
        "joins",
        "kind",
        "leaves",
        "maiden",
        "nhs",
        "pid",
        "probation",
        "role",
        "sex",
        "twin_of",
        "upn",
    )

    def __init__(self, idx: int, kind: str, role: str, sex: str, dob: int, given: str, family_name: str) -> None:
        self.idx = idx
        self.pid = f"T{idx:08d}"
        self.kind = kind
        self.role = role  # mother, father, partner, grandparent, child
        self.sex = sex
        self.dob = dob
        self.given = given
        self.family_name = family_name
        self.maiden: str | None = None
        self.family: Family | None = None
        self.joins = FAR_PAST
        self.leaves = FAR_FUTURE
        self.twin_of: Person | None = None
        self.nhs: str | None = None
        self.upn: str | None = None
        self.probation = False

    def present(self, day: int) -> bool:
        return self.joins <= day < self.leaves

    def age_years(self, day: int) -> float:
        return (day - self.dob) / YEAR


@dataclass
class Family:
    idx: int
    fid: str
    ethnicity: str
    disability: bool
    deprivation: int
    first_language: str
    pool: str
    adults: list[Person] = field(default_factory=list)
    children: list[Person] = field(default_factory=list)
    move_days: list[int] = field(default_factory=list)  # first day at each address
    addresses: list[Address] = field(default_factory=list)
    planned_moves: dict[int, bool | None] = field(default_factory=dict)  # day -> out of area?
    service_epoch: list[int] = field(default_factory=list)  # per address: changes when school/GP change
    suppress: dict[int, dict[str, int]] = field(default_factory=dict)  # person idx -> agency -> from day
    harmed: bool = False

    def segment(self, day: int) -> int:
        return max(0, bisect.bisect_right(self.move_days, day) - 1)

    def address_at(self, day: int) -> Address:
        return self.addresses[self.segment(day)]

    def la_at(self, day: int) -> int:
        return self.address_at(day).la

    def members_at(self, day: int) -> list[Person]:
        return [p for p in self.adults + self.children if p.present(day) and p.dob <= day]

    def mother(self) -> Person | None:
        return next((a for a in self.adults if a.role == "mother"), None)

    def deprivation_factor(self) -> float:
        """1.0 in the least deprived decile, 2.5 in the most (decile 1)."""
        return 1.0 + (10 - self.deprivation) / 9 * 1.5


class Namer:
    def __init__(self) -> None:
        names = lexicon.load("names")
        self.pools: dict[str, dict[str, list[str]]] = names["pools"]
        self.ethnicity_pools: dict[str, dict[str, float]] = names["ethnicity_pools"]

    def pool_for(self, rng: random.Random, ethnicity: str) -> str:
        weights = self.ethnicity_pools[ethnicity]
        return rng.choices(list(weights), list(weights.values()))[0]

    def given(self, rng: random.Random, pool: str, sex: str, avoid: str | None = None) -> str:
        options = self.pools[pool][sex]
        name = rng.choice(options)
        while name == avoid:
            name = rng.choice(options)
        return name

    def surname(self, rng: random.Random, pool: str, avoid: str | None = None) -> str:
        options = self.pools[pool]["surnames"]
        name = rng.choice(options)
        while name == avoid:
            name = rng.choice(options)
        return name


class PopulationBuilder:
    """Builds families until the requested number of children exist."""

    def __init__(self, seed: int, start: int, end: int, places: Places) -> None:
        self.seed = seed
        self.start = start
        self.end = end
        self.places = places
        self.namer = Namer()
        self.nhs = NhsNumbers(offset=seed * 7_654_321)
        self.persons: list[Person] = []

    def build(self, children: int) -> list[Family]:
        families: list[Family] = []
        made = 0
        while made < children:
            family = self._family(len(families), children - made)
            families.append(family)
            made += len(family.children)
        return families

    def _person(self, kind: str, role: str, sex: str, dob: int, given: str, family_name: str) -> Person:
        person = Person(len(self.persons) + 1, kind, role, sex, dob, given, family_name)
        person.nhs = self.nhs.issue()
        self.persons.append(person)
        return person

    def _family(self, idx: int, wanted: int) -> Family:
        rng = random.Random(self.seed * 1_000_003 + idx)
        # Attributes first, from the family's own stream: nothing about harm is known yet.
        ethnicity = rng.choices([e for e, _ in ETHNICITY], [w for _, w in ETHNICITY])[0]
        family = Family(
            idx=idx,
            fid=f"F{idx + 1:07d}",
            ethnicity=ethnicity,
            disability=rng.random() < 0.2,
            deprivation=rng.randint(1, 10),
            first_language="other" if rng.random() < OTHER_LANGUAGE[ethnicity] else "English",
            pool=self.namer.pool_for(rng, ethnicity),
        )
        self._adults_and_children(rng, family, wanted)
        self._addresses(rng, family)
        for person in family.adults + family.children:
            person.family = family
        return family

    def _adults_and_children(self, rng: random.Random, family: Family, wanted: int) -> None:
        namer, pool = self.namer, family.pool
        count = min(wanted, rng.choices([c for c, _ in CHILDREN_PER_FAMILY], [w for _, w in CHILDREN_PER_FAMILY])[0])
        father_surname = namer.surname(rng, pool)
        mother_own = namer.surname(rng, pool, avoid=father_surname)
        married = rng.random() < 0.5
        lone_father = rng.random() < 0.05
        father_home = lone_father or rng.random() < 0.6
        child_surname = father_surname if (married or father_home or rng.random() < 0.5) else mother_own

        eldest = self.end - 30 - int(rng.random() * 17.5 * YEAR)
        dobs: list[tuple[int, bool]] = []
        day = eldest
        while len(dobs) < count and day <= self.end:
            twins = rng.random() < TWIN_BIRTH and len(dobs) + 2 <= count
            dobs.append((day, twins))
            if twins:
                dobs.append((day, True))
            day += int((1.2 + rng.random() * 3.8) * YEAR)
        mother_age = 18 + rng.random() * 20
        parent_dob = eldest - int(mother_age * YEAR)

        if not lone_father:
            mother = self._person(
                "adult",
                "mother",
                "F",
                parent_dob,
                namer.given(rng, pool, "F"),
                father_surname if married else mother_own,
            )
            if married:
                mother.maiden = mother_own
            family.adults.append(mother)
        if father_home:
            father = self._person(
                "adult",
                "father",
                "M",
                parent_dob - int(rng.random() * 6 * YEAR),
                namer.given(rng, pool, "M"),
                father_surname,
            )
            father.probation = rng.random() < 0.04
            if not lone_father and rng.random() < 0.08 * self._years():
                father.leaves = self.start + rng.randrange(self._span())
            family.adults.append(father)
        if (not father_home or (family.adults[-1].leaves < FAR_FUTURE)) and rng.random() < 0.25:
            self.add_partner(rng, family, self.start + rng.randrange(self._span()), leave_chance=0.35)
        if rng.random() < 0.04:
            gran = self._person(
                "adult",
                "grandparent",
                "F",
                parent_dob - int((20 + rng.random() * 10) * YEAR),
                namer.given(rng, pool, "F"),
                mother_own,
            )
            family.adults.append(gran)

        previous: Person | None = None
        for dob, twins in dobs:
            sex = "F" if rng.random() < 0.49 else "M"
            avoid = previous.given if (twins and previous is not None and previous.dob == dob) else None
            child = self._person("child", "child", sex, dob, namer.given(rng, pool, sex, avoid=avoid), child_surname)
            child.joins = dob
            if avoid is not None and previous is not None:
                child.twin_of, previous.twin_of = previous, child
            family.children.append(child)
            previous = child

    def add_partner(self, rng: random.Random, family: Family, arrives: int, leave_chance: float) -> Person:
        """A mother's new partner moving in: often a man no agency has assessed."""
        partner = self._person(
            "adult",
            "partner",
            "M",
            arrives - int((20 + rng.random() * 20) * YEAR),
            self.namer.given(rng, family.pool if rng.random() < 0.8 else "british", "M"),
            self.namer.surname(rng, family.pool if rng.random() < 0.8 else "british"),
        )
        partner.joins = arrives
        partner.probation = rng.random() < 0.12
        if rng.random() < leave_chance:
            partner.leaves = arrives + 60 + rng.randrange(400)
        partner.family = family
        family.adults.append(partner)
        return partner

    def _addresses(self, rng: random.Random, family: Family) -> None:
        la = HOME if rng.random() < 0.95 else rng.randrange(1, len(self.places.authorities))
        family.move_days.append(FAR_PAST)
        family.addresses.append(self.places.new_address(rng, la))
        family.service_epoch.append(0)
        rate = 0.08 * family.deprivation_factor() * self._years()
        if la != HOME:
            rate += 1.0  # families that start next door mostly move in during the history
        for _ in range(poisson(rng, rate)):
            family.planned_moves[self.start + rng.randrange(self._span())] = None

    def settle_addresses(self, family: Family) -> None:
        """Turn the planned moves (background and any harm trajectory's) into addresses."""
        rng = random.Random(self.seed * 1_000_003 + family.idx + 500_000_000_017)
        for day in sorted(family.planned_moves):
            if day - family.move_days[-1] < 30 or day > self.end:
                continue
            current = family.addresses[-1].la
            out_of_area = family.planned_moves[day]
            if out_of_area is None:
                out_of_area = rng.random() < (0.7 if current != HOME else 0.08)
            if not out_of_area:
                la = current
            elif current == HOME:
                la = rng.randrange(1, len(self.places.authorities))
            else:
                la = HOME if rng.random() < 0.7 else rng.randrange(1, len(self.places.authorities))
            family.move_days.append(day)
            family.addresses.append(self.places.new_address(rng, la))
            changes = la != current or rng.random() < 0.4
            family.service_epoch.append(family.service_epoch[-1] + int(changes))

    def _years(self) -> float:
        return self._span() / YEAR

    def _span(self) -> int:
        return self.end - self.start + 1


def poisson(rng: random.Random, mean: float) -> int:
    """Knuth's method: small means only, which is all a household's events need."""
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1
