"""The "record a concern" form as data: read the posted fields, check them the way a clerk
would want to be told, and turn them into one agency record (format v1) for the intake.

Checks here are for the person at the keyboard (which box, what to type); the intake still
validates the record it is given, so the form can never store what the API would refuse.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from joinedup.records.vocab import Agency, EventType
from joinedup.web.pages.forms import FormErrors

MAX_NARRATIVE = 5000
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")

# Concern types listed first: what a DSL or health visitor most often records.
COMMON_EVENTS = (
    EventType.NEGLECT_CONCERN,
    EventType.INJURY_OBSERVED,
    EventType.INJURY_EXPLANATION_INCONSISTENT,
    EventType.HUNGER_FOOD_SEEKING,
    EventType.ATTENDANCE_CONCERN,
    EventType.MISSED_APPOINTMENT_WAS_NOT_BROUGHT,
    EventType.WEIGHT_FALTERING,
    EventType.DOMESTIC_ABUSE_INCIDENT,
    EventType.HOME_VISIT_NO_ACCESS,
    EventType.NEW_ADULT_IN_HOUSEHOLD,
    EventType.WITHDRAWN_HOME_EDUCATION,
)


def event_choices(selected: str | None) -> list[dict[str, Any]]:
    """Items for ``govukSelect``: the common concerns, then every other event type."""
    rest = [e for e in EventType if e not in COMMON_EVENTS]
    items: list[dict[str, Any]] = [{"value": "", "text": "Choose what happened"}]
    for event in (*COMMON_EVENTS, *rest):
        label = event.value.replace("_", " ")
        items.append({"value": event.value, "text": label[:1].upper() + label[1:], "selected": event.value == selected})
    return items


def agency_choices(selected: str | None) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = [{"value": "", "text": "Choose your agency"}]
    for agency in Agency:
        label = agency.value.replace("_", " ")
        items.append(
            {"value": agency.value, "text": label[:1].upper() + label[1:], "selected": agency.value == selected}
        )
    return items


def new_reference() -> str:
    """The record's ``source_record_id``, fixed when the form is shown: posting the same form
    twice (a double click, a refresh) stores the concern once."""
    return f"WEB-{secrets.token_hex(6).upper()}"


@dataclass
class ConcernForm:
    values: dict[str, str]
    errors: FormErrors = field(default_factory=FormErrors)

    def get(self, name: str) -> str:
        return (self.values.get(name) or "").strip()

    def _date(self, prefix: str, label: str, *, required: bool, today: date) -> date | None:
        parts = [self.get(f"{prefix}-day"), self.get(f"{prefix}-month"), self.get(f"{prefix}-year")]
        if not any(parts):
            if required:
                self.errors.add(prefix, f"Enter {label}")
            return None
        names = ("day", "month", "year")
        missing = [n for n, v in zip(names, parts, strict=True) if not v]
        if missing:
            self.errors.add(prefix, f"{label[:1].upper() + label[1:]} must include a {' and '.join(missing)}")
            return None
        try:
            day, month, year = (int(p) for p in parts)
            value = date(year, month, day)
        except ValueError:
            self.errors.add(prefix, f"{label[:1].upper() + label[1:]} must be a real date, like 27 3 2024")
            return None
        if value > today:
            self.errors.add(prefix, f"{label[:1].upper() + label[1:]} must be today or in the past")
            return None
        if year < 1900:
            self.errors.add(prefix, f"{label[:1].upper() + label[1:]} must be after 1900")
            return None
        return value

    def check(self, *, agency: str | None, today: date) -> dict[str, Any] | None:
        """The agency record, or None with ``errors`` filled in (in the order of the page)."""
        if agency is None and self.get("agency") not in {a.value for a in Agency}:
            self.errors.add("agency", "Select your agency")
        if not self.get("given_name"):
            self.errors.add("given_name", "Enter the child's first name")
        if not self.get("family_name"):
            self.errors.add("family_name", "Enter the child's last name")
        born = self._date("date_of_birth", "the child's date of birth", required=False, today=today)
        upn = self.get("upn").upper().replace(" ", "")
        if upn and not re.fullmatch(r"[A-Z][0-9]{11}[0-9A-Z]", upn):
            self.errors.add(
                "upn", "Unique pupil number must be 13 characters: a letter, 11 numbers, then a number or letter"
            )
        nhs = self.get("nhs_number").replace(" ", "")
        if nhs and not re.fullmatch(r"[0-9]{10}", nhs):
            self.errors.add("nhs_number", "NHS number must be 10 numbers, like 485 777 3456")
        postcode = self.get("postcode").upper()
        if postcode and not _POSTCODE.match(postcode):
            self.errors.add("postcode", "Enter a real postcode, like B11 4AA")
        if self.get("event_type") not in {e.value for e in EventType}:
            self.errors.add("event_type", "Select what happened")
        occurred = self._date("occurred", "the date it happened", required=True, today=today)
        narrative = self.get("narrative")
        if not narrative:
            self.errors.add("narrative", "Describe what you saw or were told")
        elif len(narrative) > MAX_NARRATIVE:
            self.errors.add("narrative", f"Description must be {MAX_NARRATIVE:,} characters or fewer")
        reference = self.get("reference")
        if not re.fullmatch(r"WEB-[0-9A-F]{12}", reference):
            reference = new_reference()
            self.values["reference"] = reference
        if self.errors or occurred is None:
            return None
        child: dict[str, Any] = {
            "role": "child",
            "given_name": self.get("given_name"),
            "family_name": self.get("family_name"),
        }
        if born is not None:
            child["date_of_birth"] = born.isoformat()
        if upn:
            child["upn"] = upn
        if nhs:
            child["nhs_number"] = nhs
        if postcode or self.get("address_line1"):
            child["address"] = {k: v for k, v in (("line1", self.get("address_line1")), ("postcode", postcode)) if v}
        subjects = [child]
        if self.get("parent_given_name") or self.get("parent_family_name"):
            parent = {"role": "parent", "given_name": self.get("parent_given_name") or None}
            parent["family_name"] = self.get("parent_family_name") or None
            subjects.append({k: v for k, v in parent.items() if v})
        return {
            "agency": agency or self.get("agency"),
            "source_record_id": reference,
            "occurred_at": occurred.isoformat(),
            "event_type": self.get("event_type"),
            "narrative": narrative,
            "subjects": subjects,
        }
