"""Harm trajectories, one per pattern that case reviews keep finding (domain.md), as data.

Each pattern lists its warning steps (spread over the months between onset and incident, so
an alert system has a real chance and a real lead time), the incident itself (the harm event)
and what follows. ``when`` is a fraction of the onset→incident interval. ``who`` says which
people a record names: ``child`` (the harmed child), ``child+carer``, ``carer`` (the main
carer alone), ``male`` (the man in the household), ``child+male``, ``household``.
``effect`` names a change to the household the pattern needs (see ``harm.apply_effect``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    agency: str
    event: str
    count: tuple[int, int] = (1, 1)
    when: tuple[float, float] = (0.0, 0.95)
    who: str = "child+carer"
    tone: str = "concern"
    ages: tuple[float, float] = (0.0, 18.0)  # the child's age (years) for this step to apply


@dataclass(frozen=True, slots=True)
class Pattern:
    id: str
    summary: str
    child_age: tuple[float, float]  # age at the incident, years
    lead_days: tuple[int, int]  # onset to incident
    warnings: tuple[Step, ...]
    incident: tuple[Step, ...]
    after: tuple[Step, ...] = ()
    effect: str | None = None


_REFERRAL = Step("childrens_social_care", "referral_to_social_care", tone="serious")
_CP_PLAN = Step("childrens_social_care", "child_protection_plan_started", tone="serious")
_SCHOOL = (4.5, 16.5)
_UNDER5 = (0.0, 5.0)

PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "multi_agency_low_level",
        "Concerns from several agencies within months, each below threshold on its own.",
        (1.0, 15.0),
        (120, 300),
        (
            Step("school", "attendance_concern", (1, 2), ages=_SCHOOL),
            Step("health_visitor", "neglect_concern", ages=_UNDER5),
            Step("gp", "missed_appointment_was_not_brought"),
            Step("hospital_ed", "ed_attendance", who="child"),
            Step("police", "police_welfare_check", who="household"),
            Step("public_referral", "public_concern", who="child"),
            Step("housing", "financial_hardship", who="carer"),
        ),
        (Step("hospital_ed", "injury_observed", tone="serious"), _REFERRAL),
        (_CP_PLAN,),
    ),
    Pattern(
        "toxic_trio",
        "Domestic abuse, parental mental ill health and substance misuse in the household.",
        (0.3, 17.0),
        (150, 360),
        (
            Step("police", "domestic_abuse_incident", (2, 3), who="household"),
            Step("gp", "parental_mental_health", (1, 2), who="carer"),
            Step("probation", "substance_misuse", who="male"),
            Step("gp", "substance_misuse", who="male"),
            Step("school", "attendance_concern", ages=_SCHOOL),
            Step("health_visitor", "parental_mental_health", who="child+carer", ages=_UNDER5),
        ),
        (Step("police", "domestic_abuse_incident", who="household", tone="serious"), _REFERRAL),
        (_CP_PLAN,),
        effect="male_adult",
    ),
    Pattern(
        "withdrawn_home_education",
        "Withdrawn from school to home education after school concerns, while known to social care.",
        (6.0, 15.5),
        (150, 330),
        (
            Step("school", "attendance_concern", (2, 3), (0.0, 0.45)),
            Step("school", "injury_observed", when=(0.05, 0.45)),
            Step("childrens_social_care", "referral_to_social_care", when=(0.1, 0.3)),
            Step("childrens_social_care", "referral_no_further_action", when=(0.32, 0.45), tone="routine"),
            Step("school", "withdrawn_home_education", when=(0.5, 0.55)),
            Step("education_welfare", "home_visit_no_access", (1, 2), (0.6, 0.95)),
        ),
        (
            Step("police", "police_welfare_check", who="household", tone="serious"),
            Step("hospital_ed", "neglect_concern", tone="serious"),
            _REFERRAL,
        ),
        effect="withdraw",
    ),
    Pattern(
        "was_not_brought",
        "Repeatedly not brought to health appointments.",
        (0.3, 12.0),
        (150, 360),
        (
            Step("gp", "missed_appointment_was_not_brought", (3, 4)),
            Step("health_visitor", "missed_appointment_was_not_brought", (1, 2), ages=_UNDER5),
            Step("health_visitor", "home_visit_no_access", ages=_UNDER5),
            Step("school", "absence", ages=_SCHOOL),
        ),
        (Step("hospital_ed", "neglect_concern", tone="serious"), _REFERRAL),
    ),
    Pattern(
        "non_mobile_baby_injury",
        "Bruising or injury in a baby not yet mobile; explanations that do not fit.",
        (0.12, 0.7),
        (40, 150),
        (
            Step("health_visitor", "injury_observed", when=(0.2, 0.7)),
            Step("hospital_ed", "ed_attendance", when=(0.3, 0.9)),
            Step("gp", "parental_mental_health", who="carer"),
            Step("police", "domestic_abuse_incident", who="household", when=(0.1, 0.8)),
        ),
        (
            Step("hospital_ed", "injury_explanation_inconsistent", tone="serious"),
            Step("hospital_ed", "injury_observed", tone="serious"),
            _REFERRAL,
        ),
        (_CP_PLAN,),
    ),
    Pattern(
        "repeated_injury_inconsistent",
        "Repeated emergency attendances with injuries whose explanations do not fit.",
        (1.0, 12.0),
        (120, 330),
        (
            Step("hospital_ed", "ed_attendance", (2, 3), who="child+carer"),
            Step("hospital_ed", "injury_explanation_inconsistent", when=(0.4, 0.9)),
            Step("school", "injury_observed", ages=_SCHOOL),
            Step("ambulance", "injury_observed", who="child"),
        ),
        (Step("hospital_ed", "injury_observed", tone="serious"), _REFERRAL),
        (_CP_PLAN,),
    ),
    Pattern(
        "unassessed_new_adult",
        "A new man in the household whom no agency has assessed.",
        (0.2, 12.0),
        (120, 300),
        (
            Step("health_visitor", "new_adult_in_household", when=(0.05, 0.4), ages=_UNDER5),
            Step("school", "new_adult_in_household", when=(0.05, 0.4), ages=_SCHOOL),
            Step("probation", "appointment_attended", (1, 2), who="male"),
            Step("police", "domestic_abuse_incident", who="household", when=(0.3, 0.9)),
            Step("school", "injury_observed", when=(0.5, 0.95), ages=_SCHOOL),
            Step("health_visitor", "injury_observed", when=(0.5, 0.95), ages=_UNDER5),
        ),
        (Step("hospital_ed", "injury_observed", tone="serious", who="child+male"), _REFERRAL),
        (_CP_PLAN,),
        effect="new_partner",
    ),
    Pattern(
        "no_access_home_visits",
        "No access on home visits; the child not seen; compliance only in appearance.",
        (0.3, 12.0),
        (120, 330),
        (
            Step("childrens_social_care", "referral_to_social_care", when=(0.0, 0.1), tone="routine"),
            Step("childrens_social_care", "home_visit_no_access", (2, 3), (0.15, 0.95)),
            Step("health_visitor", "home_visit_no_access", (1, 2), ages=_UNDER5),
            Step("early_help", "home_visit_no_access", ages=(5.0, 12.0)),
            Step("childrens_social_care", "home_visit_child_seen", when=(0.3, 0.7)),
        ),
        (
            Step("police", "police_welfare_check", who="household", tone="serious"),
            Step("hospital_ed", "injury_observed", tone="serious"),
        ),
        (_CP_PLAN,),
    ),
    Pattern(
        "frequent_moves_cross_la",
        "Frequent moves, across local-authority boundaries, so each area starts again.",
        (0.5, 15.0),
        (180, 360),
        (
            Step("childrens_social_care", "referral_to_social_care", when=(0.0, 0.15), tone="routine"),
            Step("childrens_social_care", "case_closed", when=(0.3, 0.45)),
            Step("school", "attendance_concern", when=(0.5, 0.95), ages=_SCHOOL),
            Step("gp", "missed_appointment_was_not_brought", when=(0.5, 0.95)),
            Step("health_visitor", "home_visit_no_access", when=(0.5, 0.95), ages=_UNDER5),
        ),
        (Step("hospital_ed", "injury_observed", tone="serious"), _REFERRAL),
        effect="moves",
    ),
    Pattern(
        "neglect_food_seeking",
        "Food seeking, weight faltering and signs of neglect noticed at school or by health.",
        (0.4, 13.0),
        (150, 360),
        (
            Step("school", "hunger_food_seeking", (2, 3), ages=_SCHOOL),
            Step("school", "neglect_concern", (1, 2), ages=_SCHOOL),
            Step("health_visitor", "weight_faltering", (1, 2), ages=_UNDER5),
            Step("health_visitor", "neglect_concern", ages=_UNDER5),
            Step("gp", "missed_appointment_was_not_brought"),
            Step("public_referral", "public_concern", who="child"),
        ),
        (Step("hospital_ed", "weight_faltering", tone="serious"), _REFERRAL),
        (_CP_PLAN,),
    ),
    Pattern(
        "closed_then_new_concerns",
        "A case closed or a referral ended with no further action, then new concerns soon after.",
        (0.5, 15.0),
        (150, 330),
        (
            Step("childrens_social_care", "referral_to_social_care", when=(0.0, 0.1), tone="routine"),
            Step("childrens_social_care", "referral_no_further_action", when=(0.15, 0.3), tone="routine"),
            Step("police", "domestic_abuse_incident", when=(0.4, 0.95), who="household"),
            Step("school", "attendance_concern", when=(0.4, 0.95), ages=_SCHOOL),
            Step("health_visitor", "neglect_concern", when=(0.4, 0.95), ages=_UNDER5),
            Step("public_referral", "public_concern", when=(0.4, 0.95), who="child"),
        ),
        (Step("hospital_ed", "injury_observed", tone="serious"), _REFERRAL),
        (_CP_PLAN,),
    ),
    Pattern(
        "invisible_child",
        "A child who becomes invisible: not at school, not registered with a GP, not seen.",
        (2.0, 15.0),
        (150, 360),
        (
            Step("education_welfare", "attendance_concern", when=(0.1, 0.5), ages=_SCHOOL),
            Step("education_welfare", "home_visit_no_access", (1, 2), (0.3, 0.95), ages=_SCHOOL),
            Step("health_visitor", "home_visit_no_access", (1, 2), ages=_UNDER5),
            Step("public_referral", "public_concern", when=(0.4, 0.95), who="child"),
            Step("dwp_benefits", "financial_hardship", who="carer"),
            Step("housing", "home_visit_no_access", who="carer"),
        ),
        (
            Step("police", "police_welfare_check", who="household", tone="serious"),
            Step("ambulance", "neglect_concern", who="child", tone="serious"),
            _REFERRAL,
        ),
        effect="invisible",
    ),
)

PATTERN_IDS: tuple[str, ...] = tuple(p.id for p in PATTERNS)
BY_ID = {p.id: p for p in PATTERNS}
