"""What a clinician or a school sees without the chronology (CP-IS's promise): is the child on
a child protection plan, known to social care, with open alerts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, func, select

from joinedup.chronology.facts import load_child_facts
from joinedup.storage.tables_alerts import Alert


def child_flags(conn: Connection, person_id: int) -> dict[str, Any]:
    facts = load_child_facts(conn, [person_id]).get(person_id)
    on_plan = False
    known = False
    for e in facts.events if facts else []:
        if e.about != "child":
            continue
        if e.agency == "childrens_social_care" or e.event_type in (
            "referral_to_social_care",
            "child_protection_plan_started",
        ):
            known = True
        if e.event_type == "child_protection_plan_started":
            on_plan = True
        elif e.event_type == "child_protection_plan_ended":
            on_plan = False
    open_alerts = conn.execute(
        select(func.count()).select_from(Alert).where(Alert.person_id == person_id, Alert.open_key.is_not(None))
    ).scalar_one()
    return {"on_child_protection_plan": on_plan, "known_to_social_care": known, "open_alerts": int(open_alerts)}
