"""Putting a child on a harm trajectory (or a harmless look-alike) and scheduling its records.

A harmed child gets one pattern, an onset and an incident. Warning records fall between the
two; the incident's records fall on the incident day; follow-up after it. Decoys are children
who show some of the same warning signs, from the same table, with no harm: real alerting must
tell them apart, so the population must contain them.

Who is harmed is drawn from a random stream of its own, never from the family's attributes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from joinedup.synth.events import Event, make_event, male_adult
from joinedup.synth.patterns import PATTERNS, Pattern, Step
from joinedup.synth.population import YEAR, Family, Person, PopulationBuilder

MARGIN = 14  # days between the start of the history and the earliest onset


@dataclass
class Trajectory:
    child: Person
    pattern: Pattern
    onset: int
    incident: int
    harmed: bool  # False: a decoy that shows warning signs and comes to no harm


def choose(
    rng: random.Random, family: Family, start: int, end: int, harm_rate: float, decoy_rate: float
) -> Trajectory | None:
    """At most one trajectory per family; the pattern is drawn among those the child's age allows."""
    for child in family.children:
        draw = rng.random()
        if draw >= harm_rate + decoy_rate:
            continue
        harmed = draw < harm_rate
        options = [(p, window) for p in PATTERNS if (window := _incident_window(p, child, start, end)) is not None]
        if not options:
            continue
        pattern, (low, high) = rng.choice(options)
        incident = rng.randint(low, high)
        longest = min(pattern.lead_days[1], incident - start - MARGIN)
        if pattern.child_age[0] < 1.0:
            longest = min(longest, incident - child.dob - 7)
        lead = rng.randint(min(pattern.lead_days[0], longest), longest)
        return Trajectory(child, pattern, incident - lead, incident, harmed)
    return None


def _incident_window(pattern: Pattern, child: Person, start: int, end: int) -> tuple[int, int] | None:
    low = max(child.dob + int(pattern.child_age[0] * YEAR), start + MARGIN + pattern.lead_days[0])
    high = min(child.dob + int(pattern.child_age[1] * YEAR), end - 7)
    return (low, high) if low <= high else None


def apply_effect(rng: random.Random, builder: PopulationBuilder, family: Family, traj: Trajectory) -> None:
    """Change the household as the pattern needs, before addresses and background are drawn."""
    effect, onset, incident = traj.pattern.effect, traj.onset, traj.incident
    if effect == "male_adult":
        man = male_adult(family, onset)
        if man is None or not (man.present(onset) and man.present(incident)):
            partner = builder.add_partner(rng, family, max(builder.start - 200, onset - rng.randrange(150)), 0.0)
            partner.probation = rng.random() < 0.5
    elif effect == "new_partner":
        for adult in family.adults:
            if adult.role in ("father", "partner") and adult.present(onset):
                adult.leaves = onset - 30 - rng.randrange(90)
        partner = builder.add_partner(rng, family, onset + rng.randrange(20), 0.0)
        partner.probation = traj.harmed or rng.random() < 0.3
    elif effect == "moves":
        span = incident - onset
        family.planned_moves[onset + span // 5] = False
        family.planned_moves[onset + span // 2] = True
        family.planned_moves[onset + span * 4 // 5] = rng.random() < 0.5
    elif effect == "invisible" and traj.harmed:
        suppress = family.suppress.setdefault(traj.child.idx, {})
        suppress["gp"] = builder.start - 1  # never registered with a GP during the history
        for agency in ("school", "health_visitor", "hospital_ed", "early_help"):
            suppress[agency] = onset


def schedule(rng: random.Random, family: Family, traj: Trajectory, end: int) -> list[Event]:
    events: list[Event] = []
    child, onset, incident = traj.child, traj.onset, traj.incident
    lead = incident - onset
    for step in traj.pattern.warnings:
        if not traj.harmed and rng.random() < 0.45:
            continue  # decoys show only some of the signs
        count = rng.randint(*step.count) if traj.harmed else 1
        for _ in range(count):
            day = onset + int(lead * (step.when[0] + rng.random() * (step.when[1] - step.when[0])))
            _add(rng, events, family, step, day, child)
    if traj.pattern.effect == "withdraw":
        withdrawn = [e.day for e in events if e.event == "withdrawn_home_education"]
        if withdrawn:
            family.suppress.setdefault(child.idx, {})["school"] = min(withdrawn)
    if not traj.harmed:
        return events
    for step in traj.pattern.incident:
        _add(rng, events, family, step, incident, child)
    for step in traj.pattern.after:
        day = incident + 3 + rng.randrange(28)
        if day <= end:
            _add(rng, events, family, step, day, child)
    return events


def _add(rng: random.Random, events: list[Event], family: Family, step: Step, day: int, child: Person) -> None:
    age = (day - child.dob) / YEAR
    if not step.ages[0] <= age < step.ages[1] or day < child.dob:
        return
    if step.agency in family.suppress.get(child.idx, {}) and day >= family.suppress[child.idx][step.agency]:
        return
    event = make_event(rng, family, day, step.agency, step.event, step.tone, step.who, child)
    if event is not None:
        events.append(event)
