"""The ordinary contact every family has with services, and the odd worrying event that means
nothing: a week off school, a sprained ankle at A&E, one call about a loud argument.

Rates are per person-year. Those marked ``deprived`` scale with the family's area deprivation
(x1 in the least deprived decile to x2.5 in the most): families in deprived areas see more of
housing, police and the emergency department for reasons that are not harm, which is exactly
what makes fair alerting hard.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from joinedup.synth.events import Event, make_event
from joinedup.synth.population import YEAR, Family, Person, poisson

SCHOOL_AGE = (4.6, 16.5)
ALL_AGES = (0.0, 18.0)


@dataclass(frozen=True, slots=True)
class Contact:
    agency: str
    event: str
    rate: float  # per year
    ages: tuple[float, float] = ALL_AGES
    who: str = "child+carer"
    tone: str = "routine"
    deprived: bool = False


CHILD_CONTACTS: tuple[Contact, ...] = (
    Contact("school", "absence", 1.8, SCHOOL_AGE),
    Contact("school", "attendance_concern", 0.05, SCHOOL_AGE),
    Contact("school", "injury_observed", 0.05, SCHOOL_AGE, who="child"),
    Contact("school", "neglect_concern", 0.006, SCHOOL_AGE, tone="concern"),
    Contact("school", "hunger_food_seeking", 0.004, SCHOOL_AGE, tone="concern"),
    Contact("gp", "appointment_attended", 2.2, (0.0, 5.0)),
    Contact("gp", "appointment_attended", 0.9, (5.0, 18.0)),
    Contact("gp", "missed_appointment_was_not_brought", 0.07),
    Contact("health_visitor", "home_visit_child_seen", 3.0, (0.0, 1.0)),
    Contact("health_visitor", "home_visit_child_seen", 1.0, (1.0, 2.5)),
    Contact("health_visitor", "home_visit_child_seen", 0.4, (2.5, 5.0)),
    Contact("health_visitor", "home_visit_no_access", 0.06, (0.0, 5.0)),
    Contact("health_visitor", "missed_appointment_was_not_brought", 0.05, (0.0, 5.0)),
    Contact("health_visitor", "weight_faltering", 0.03, (0.0, 2.0), tone="concern"),
    Contact("hospital_ed", "ed_attendance", 0.3, who="child+carer", deprived=True),
    Contact("hospital_ed", "injury_observed", 0.03, who="child+carer", deprived=True),
    Contact("ambulance", "ed_attendance", 0.03, who="child", deprived=True),
    Contact("childrens_social_care", "referral_to_social_care", 0.012, deprived=True),
    Contact("public_referral", "public_concern", 0.004, who="child"),
    Contact("early_help", "home_visit_child_seen", 0.03, (0.0, 16.0), deprived=True),
    Contact("education_welfare", "attendance_concern", 0.012, SCHOOL_AGE),
)

FAMILY_CONTACTS: tuple[Contact, ...] = (
    Contact("police", "domestic_abuse_incident", 0.025, who="household", deprived=True),
    Contact("police", "police_welfare_check", 0.02, who="household", deprived=True),
    Contact("housing", "financial_hardship", 0.05, who="carer", deprived=True),
    Contact("housing", "home_visit_no_access", 0.02, who="carer", deprived=True),
    Contact("dwp_benefits", "financial_hardship", 0.12, who="carer", deprived=True),
    Contact("gp", "parental_mental_health", 0.05, who="carer"),
    Contact("gp", "substance_misuse", 0.01, who="carer", tone="concern"),
)

ADULT_GP_VISITS = 0.6
PROBATION_VISITS = 4.0


class Background:
    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end

    def events(self, rng: random.Random, family: Family) -> list[Event]:
        out: list[Event] = []
        factor = family.deprivation_factor()
        for child in family.children:
            for c in CHILD_CONTACTS:
                lo = max(self.start, child.dob + int(c.ages[0] * YEAR))
                hi = min(self.end, child.dob + int(c.ages[1] * YEAR))
                if hi <= lo:
                    continue
                mean = c.rate * (hi - lo) / YEAR * (factor if c.deprived else 1.0)
                for _ in range(poisson(rng, mean)):
                    day = rng.randint(lo, hi)
                    self._add(rng, out, family, c.agency, c.event, c.tone, c.who, child, day)
            self._milestones(rng, out, family, child)
        span = self.end - self.start + 1
        for c in FAMILY_CONTACTS:
            mean = c.rate * span / YEAR * (factor if c.deprived else 1.0)
            for _ in range(poisson(rng, mean)):
                day = rng.randint(self.start, self.end)
                tone = "concern" if c.event == "domestic_abuse_incident" and rng.random() < 0.4 else c.tone
                self._add(rng, out, family, c.agency, c.event, tone, c.who, None, day)
        for adult in family.adults:
            self._adult(rng, out, family, adult)
        self._moves(rng, out, family)
        self._social_care_outcomes(rng, out, family)
        return out

    def _add(
        self,
        rng: random.Random,
        out: list[Event],
        family: Family,
        agency: str,
        event: str,
        tone: str,
        who: str,
        child: Person | None,
        day: int,
    ) -> None:
        if child is not None:
            blocked = family.suppress.get(child.idx)
            if blocked and agency in blocked and day >= blocked[agency]:
                return
        made = make_event(rng, family, day, agency, event, tone, who, child)
        if made is not None:
            out.append(made)

    def _milestones(self, rng: random.Random, out: list[Event], family: Family, child: Person) -> None:
        """Birth, starting school, starting secondary: records every child accrues."""
        dob = child.dob
        if self.start <= dob <= self.end:
            mother = family.mother()
            if mother is not None:
                for weeks in (28, 12):
                    day = dob - weeks * 7 + rng.randrange(-7, 7)
                    if day >= self.start:
                        self._add(rng, out, family, "midwifery", "appointment_attended", "routine", "carer", None, day)
            self._add(rng, out, family, "midwifery", "birth_notification", "routine", "child+carer", child, dob)
            reg = dob + 10 + rng.randrange(40)
            if reg <= self.end:
                self._add(rng, out, family, "gp", "registration_gp", "routine", "child+carer", child, reg)
        for age, _where in ((4, "Reception"), (11, "Year 7")):
            # English school years start in September after the birthday that sets the cohort.
            year = _year_of(dob + int(age * YEAR)) + (1 if _month_day(dob) >= (9, 1) else 0)
            day = _ordinal(year, 9, 3) + rng.randrange(4)
            if self.start <= day <= self.end:
                self._add(rng, out, family, "school", "school_admission", "routine", "child+carer", child, day)

    def _adult(self, rng: random.Random, out: list[Event], family: Family, adult: Person) -> None:
        lo, hi = max(self.start, adult.joins), min(self.end, adult.leaves - 1)
        if hi <= lo:
            return
        years = (hi - lo) / YEAR
        for _ in range(poisson(rng, ADULT_GP_VISITS * years)):
            day = rng.randint(lo, hi)
            if (made := make_event(rng, family, day, "gp", "appointment_attended", "routine", "", None)) is None:
                continue
            made.people = [(adult, "parent" if adult.role in ("mother", "father") else "other")]
            out.append(made)
        if adult.probation:
            for _ in range(poisson(rng, PROBATION_VISITS * years)):
                day = rng.randint(lo, hi)
                made = make_event(rng, family, day, "probation", "appointment_attended", "routine", "male", None)
                if made is not None:
                    made.people = [(adult, "partner_of_parent" if adult.role == "partner" else "parent")]
                    out.append(made)
        if adult.role == "partner" and self.start <= adult.joins <= self.end and rng.random() < 0.35:
            agency = (
                "health_visitor" if any(0 <= (adult.joins - c.dob) < 5 * YEAR for c in family.children) else "housing"
            )
            self._add(
                rng, out, family, agency, "new_adult_in_household", "routine", "household", None, adult.joins + 20
            )

    def _moves(self, rng: random.Random, out: list[Event], family: Family) -> None:
        for seg in range(1, len(family.move_days)):
            day = family.move_days[seg]
            crossed = family.addresses[seg].la != family.addresses[seg - 1].la
            if rng.random() < 0.8:
                self._add(rng, out, family, "housing", "house_move", "routine", "household", None, day)
            if crossed and rng.random() < 0.6:
                self._add(rng, out, family, "housing", "out_of_area_move", "routine", "household", None, day + 1)
            if rng.random() < 0.3:
                self._add(
                    rng, out, family, "dwp_benefits", "house_move", "routine", "carer", None, day + rng.randrange(30)
                )
            if family.service_epoch[seg] == family.service_epoch[seg - 1]:
                continue
            for child in family.children:
                if child.dob > day:
                    continue
                later = day + 7 + rng.randrange(40)
                if later > self.end:
                    continue
                self._add(rng, out, family, "gp", "registration_gp", "routine", "child+carer", child, later)
                if SCHOOL_AGE[0] <= (day - child.dob) / YEAR < SCHOOL_AGE[1]:
                    self._add(rng, out, family, "school", "school_admission", "routine", "child+carer", child, later)

    def _social_care_outcomes(self, rng: random.Random, out: list[Event], family: Family) -> None:
        """A background referral usually ends quietly: no further action, or early help then closure."""
        for event in [e for e in out if e.agency == "childrens_social_care" and e.event == "referral_to_social_care"]:
            day = event.day + 1 + rng.randrange(20)
            if day > self.end:
                continue
            outcome = "referral_no_further_action" if rng.random() < 0.7 else "case_closed"
            self._add(rng, out, family, "childrens_social_care", outcome, "routine", "child+carer", event.focus, day)


def _year_of(ordinal: int) -> int:
    return date.fromordinal(ordinal).year


def _month_day(ordinal: int) -> tuple[int, int]:
    d = date.fromordinal(ordinal)
    return (d.month, d.day)


def _ordinal(year: int, month: int, day: int) -> int:
    return date(year, month, day).toordinal()
