"""The fixed vocabularies of agency record format v1 (design.md).

These are promises to the agencies that send us data: values may be added, never renamed or
removed, because councils' own export scripts write them.
"""

from enum import StrEnum


class Agency(StrEnum):
    SCHOOL = "school"
    EDUCATION_WELFARE = "education_welfare"
    POLICE = "police"
    GP = "gp"
    HEALTH_VISITOR = "health_visitor"
    HOSPITAL_ED = "hospital_ed"
    MIDWIFERY = "midwifery"
    AMBULANCE = "ambulance"
    HOUSING = "housing"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care"
    EARLY_HELP = "early_help"
    PROBATION = "probation"
    DWP_BENEFITS = "dwp_benefits"
    PUBLIC_REFERRAL = "public_referral"


class EventType(StrEnum):
    ATTENDANCE_CONCERN = "attendance_concern"
    ABSENCE = "absence"
    WITHDRAWN_HOME_EDUCATION = "withdrawn_home_education"
    SCHOOL_ADMISSION = "school_admission"
    INJURY_OBSERVED = "injury_observed"
    INJURY_EXPLANATION_INCONSISTENT = "injury_explanation_inconsistent"
    ED_ATTENDANCE = "ed_attendance"
    MISSED_APPOINTMENT_WAS_NOT_BROUGHT = "missed_appointment_was_not_brought"
    REGISTRATION_GP = "registration_gp"
    WEIGHT_FALTERING = "weight_faltering"
    NEGLECT_CONCERN = "neglect_concern"
    HUNGER_FOOD_SEEKING = "hunger_food_seeking"
    DOMESTIC_ABUSE_INCIDENT = "domestic_abuse_incident"
    POLICE_WELFARE_CHECK = "police_welfare_check"
    SUBSTANCE_MISUSE = "substance_misuse"
    PARENTAL_MENTAL_HEALTH = "parental_mental_health"
    FINANCIAL_HARDSHIP = "financial_hardship"
    NEW_ADULT_IN_HOUSEHOLD = "new_adult_in_household"
    HOUSE_MOVE = "house_move"
    OUT_OF_AREA_MOVE = "out_of_area_move"
    HOME_VISIT_NO_ACCESS = "home_visit_no_access"
    PUBLIC_CONCERN = "public_concern"
    REFERRAL_TO_SOCIAL_CARE = "referral_to_social_care"
    REFERRAL_NO_FURTHER_ACTION = "referral_no_further_action"
    CASE_CLOSED = "case_closed"
    CHILD_PROTECTION_PLAN_STARTED = "child_protection_plan_started"
    CHILD_PROTECTION_PLAN_ENDED = "child_protection_plan_ended"
    BIRTH_NOTIFICATION = "birth_notification"
    APPOINTMENT_ATTENDED = "appointment_attended"
    HOME_VISIT_CHILD_SEEN = "home_visit_child_seen"


class SubjectRole(StrEnum):
    CHILD = "child"
    PARENT = "parent"
    CARER = "carer"
    PARTNER_OF_PARENT = "partner_of_parent"
    ADULT_IN_HOUSEHOLD = "adult_in_household"
    SIBLING = "sibling"
    OTHER = "other"


class Sex(StrEnum):
    """Sex as agencies record it: F, M, or unknown/indeterminate (U, X)."""

    FEMALE = "F"
    MALE = "M"
    UNKNOWN = "U"
    INDETERMINATE = "X"
