"""A true event before any agency's noise: when, which agency, what, and about whom.

Who a record names is resolved when the event is planned, from the household as it truly is on
that day, so a record can never name a partner who has not yet moved in.
"""

from __future__ import annotations

import random

from joinedup.synth.population import Family, Person

# Agencies whose systems keep a time of day, not just a date.
TIMED = frozenset({"police", "hospital_ed", "ambulance"})

ROLE_OF = {"mother": "parent", "father": "parent", "partner": "partner_of_parent", "grandparent": "adult_in_household"}


class Event:
    __slots__ = ("agency", "day", "event", "family", "focus", "people", "tod", "tone")

    def __init__(
        self,
        day: int,
        agency: str,
        event: str,
        tone: str,
        family: Family,
        people: list[tuple[Person, str]],
        focus: Person | None,
        tod: int | None,
    ) -> None:
        self.day = day
        self.agency = agency
        self.event = event
        self.tone = tone
        self.family = family
        self.people = people
        self.focus = focus  # the child the record is chiefly about (chooses the school, etc.)
        self.tod = tod


def main_carer(family: Family, day: int) -> Person | None:
    present = [a for a in family.adults if a.present(day) and a.role in ("mother", "father")]
    if present:
        return present[0]
    others = [a for a in family.adults if a.present(day)]
    return others[0] if others else None


def male_adult(family: Family, day: int) -> Person | None:
    men = [a for a in family.adults if a.sex == "M" and a.role != "grandparent"]
    present = [m for m in men if m.present(day)]
    if present:
        return present[-1]  # the newest man in the house
    return men[-1] if men else None


def people_for(family: Family, day: int, who: str, child: Person | None) -> list[tuple[Person, str]]:
    """The subjects a record names: ``who`` is a Step.who value (see ``patterns``)."""
    people: list[tuple[Person, str]] = []
    if who in ("child", "child+carer", "child+male") and child is not None:
        people.append((child, "child"))
    if who in ("child+carer", "carer"):
        carer = main_carer(family, day)
        if carer is not None:
            people.append((carer, ROLE_OF[carer.role]))
    elif who in ("male", "child+male"):
        man = male_adult(family, day)
        if man is not None:
            people.append((man, ROLE_OF[man.role]))
    elif who == "household":
        for kid in family.children:
            if kid.dob <= day:
                people.append((kid, "child" if child is None or kid is child else "sibling"))
        people.extend((a, ROLE_OF[a.role]) for a in family.adults if a.present(day))
    if not people and child is not None:
        people.append((child, "child"))
    return people


def make_event(
    rng: random.Random,
    family: Family,
    day: int,
    agency: str,
    event: str,
    tone: str,
    who: str,
    child: Person | None,
) -> Event | None:
    people = people_for(family, day, who, child)
    if not people:
        return None
    tod = (7 * 3600 + rng.randrange(16 * 3600)) if agency in TIMED else None
    return Event(day, agency, event, tone, family, people, child, tod)
