"""The flag view: what an involved practitioner may know about a child, and nothing more.

Is the child known to children's social care (and is that open or closed)? On a child
protection plan? Looked after? Who is the lead professional and how to reach them? Derived
from record events, never from narratives: this is what NHS CP-IS shares, for every agency.

Call ``guard_child_read`` first: ``flag_view`` itself does not check or audit.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection

from joinedup.storage import access_involvement as repo

SOCIAL_CARE_AGENCY = "childrens_social_care"
OPENING_EVENTS = frozenset({"referral_to_social_care", "child_protection_plan_started"})
CLOSING_EVENTS = frozenset({"case_closed", "referral_no_further_action"})


@dataclass(frozen=True)
class LeadProfessional:
    name: str  # a worker's username, or the organisation when no worker is allocated
    role: str
    organisation: str
    contact: str | None


@dataclass(frozen=True)
class FlagView:
    person_id: int
    known_to_social_care: bool
    social_care_status: str  # open | closed | not_known
    on_child_protection_plan: bool
    plan_started_on: date | None
    looked_after: bool | None  # None: record format v1 has no looked-after event yet
    lead_professional: LeadProfessional | None
    last_social_care_event_on: date | None

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key in ("plan_started_on", "last_social_care_event_on"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


def flag_view(conn: Connection, person_id: int) -> FlagView:
    rows = repo.records_for_flags(conn, person_id)
    social = [r for r in rows if r.agency == SOCIAL_CARE_AGENCY or r.event_type in OPENING_EVENTS | CLOSING_EVENTS]
    status = "not_known"
    for row in social:  # in date order: the latest opening or closing event wins
        if row.event_type in CLOSING_EVENTS:
            status = "closed"
        elif row.event_type in OPENING_EVENTS or row.agency == SOCIAL_CARE_AGENCY:
            status = "open"
    on_plan, plan_since = False, None
    for row in rows:
        if row.event_type == "child_protection_plan_started":
            on_plan, plan_since = True, row.occurred_on
        elif row.event_type == "child_protection_plan_ended":
            on_plan, plan_since = False, None
    return FlagView(
        person_id=person_id,
        known_to_social_care=bool(social),
        social_care_status=status,
        on_child_protection_plan=on_plan,
        plan_started_on=plan_since,
        looked_after=None,
        lead_professional=_lead(conn, person_id, rows) if social or on_plan else None,
        last_social_care_event_on=social[-1].occurred_on if social else None,
    )


def _lead(conn: Connection, person_id: int, rows: list[Any]) -> LeadProfessional | None:
    workers = repo.allocated_workers(conn, person_id)
    if workers:
        w = workers[0]
        return LeadProfessional(w.username, w.role, w.organisation_name, w.contact)
    for row in reversed(rows):
        if row.agency == SOCIAL_CARE_AGENCY and row.organisation_name:
            return LeadProfessional(row.organisation_name, "front_door", row.organisation_name, None)
    return None
