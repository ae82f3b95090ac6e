"""Invented local authorities: their addresses and the organisations that serve them.

Authority 0 is "ours" (most families live there); the others are neighbours that families move
to and from, so records about one child come from more than one authority's organisations.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from joinedup.synth import lexicon

HOME = 0
# Postcode inward codes never use these letters (Royal Mail rules).
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


@dataclass(frozen=True, slots=True)
class Address:
    line1: str
    line2: str | None
    town: str
    postcode: str
    la: int


@dataclass(frozen=True, slots=True)
class Authority:
    index: int
    name: str
    postcode_area: str
    upn_la: int
    region: str
    towns: tuple[str, ...]


class Places:
    """Every authority, its organisations per agency, and a supply of addresses."""

    def __init__(self, children: int) -> None:
        data = lexicon.load("places")
        self.authorities = [
            Authority(i, a["name"], a["postcode_area"], a["upn_la"], a["region"], tuple(a["towns"]))
            for i, a in enumerate(data["authorities"])
        ]
        self._streets: list[str] = data["streets"]
        self._kinds: list[str] = data["street_kinds"]
        self._blocks: list[str] = data["blocks"]
        self._flat_share: float = data["flat_share"]
        org_places: list[str] = data["org_places"]
        self.orgs: list[dict[str, list[str]]] = []
        for la in self.authorities:
            scale = children if la.index == HOME else max(children // 4, 50)
            self.orgs.append(_organisations(la, org_places, scale))

    def new_address(self, rng: random.Random, la: int) -> Address:
        authority = self.authorities[la]
        town_no = rng.randrange(len(authority.towns))
        street = f"{rng.choice(self._streets)} {rng.choice(self._kinds)}"
        district = town_no * 3 + 1 + rng.randrange(3)
        inward = f"{rng.randrange(1, 10)}{rng.choice(_INWARD_LETTERS)}{rng.choice(_INWARD_LETTERS)}"
        postcode = f"{authority.postcode_area}{district} {inward}"
        if rng.random() < self._flat_share:
            line1 = f"Flat {rng.randrange(1, 40)}, {rng.choice(self._blocks)}"
            return Address(line1, street, authority.towns[town_no], postcode, la)
        return Address(f"{rng.randrange(1, 180)} {street}", None, authority.towns[town_no], postcode, la)

    def org(self, la: int, kind: str, key: int) -> str:
        """The organisation of ``kind`` in authority ``la`` that serves a family or child ``key``."""
        names = self.orgs[la][kind]
        return names[key % len(names)]

    def org_index(self, la: int, kind: str, name: str) -> int:
        return self.orgs[la][kind].index(name)


def _organisations(la: Authority, places: list[str], children: int) -> dict[str, list[str]]:
    """Roughly one primary school per 250 children, one secondary per 900, one practice per 1,200."""
    rng = random.Random(f"orgs:{la.name}")
    shuffled = places[:]
    rng.shuffle(shuffled)

    def named(count: int, pattern: str) -> list[str]:
        names = []
        for i in range(count):
            name = pattern.format(place=shuffled[i % len(shuffled)])
            names.append(name if i < len(shuffled) else f"{name} ({i // len(shuffled) + 1})")
        return names

    town = la.towns[0]
    return {
        "primary": named(max(2, children // 250), "{place} Primary School"),
        "secondary": named(max(1, children // 900), "{place} Academy"),
        "gp": named(max(1, children // 1_200), "{place} Medical Practice"),
        "education_welfare": [f"{la.name} Education Welfare Service"],
        "police": [f"{la.region} Police"],
        "health_visitor": [f"{la.name} Community Health Visiting"],
        "hospital_ed": [f"{town} General Hospital Emergency Department"],
        "midwifery": [f"{town} General Hospital Maternity Unit"],
        "ambulance": [f"{la.region} Ambulance Service"],
        "housing": [f"{la.name} Council Housing", f"{shuffled[0]} Homes Housing Association"],
        "childrens_social_care": [f"{la.name} Children's Services"],
        "early_help": [f"{la.name} Early Help Team"],
        "probation": [f"{la.region} Probation Delivery Unit"],
        "dwp_benefits": [f"{town} Jobcentre Plus"],
        "public_referral": [f"{la.name} Children's Services Front Door"],
    }
