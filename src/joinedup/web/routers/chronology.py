"""``GET /api/v1/children/{person_id}/chronology`` and ``/flags``: through the access gate."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Query

from joinedup.access.guard import View, guard_child_read
from joinedup.alerts.flags import child_flags
from joinedup.chronology import ChronologyError, PersonNotFound, assemble_chronology
from joinedup.chronology.assemble import withhold_restricted
from joinedup.contests.marking import mark_chronology
from joinedup.web.deps import ActorDep, EngineDep

router = APIRouter(prefix="/api/v1/children", tags=["chronology"])


@router.get("/{person_id}/chronology", summary="A child's chronology across agencies")
def get_chronology(
    person_id: int,
    engine: EngineDep,
    actor: ActorDep,
    agency: list[str] | None = Query(None),  # noqa: B008
    event_type: list[str] | None = Query(None),  # noqa: B008
    since: date | None = None,
    until: date | None = None,
    purpose: str = "case_work",
) -> dict[str, Any]:
    with engine.begin() as conn:
        view = guard_child_read(conn, actor, person_id, purpose, "chronology")
        if view is View.NONE:
            raise HTTPException(403, f"you may not see child {person_id}'s chronology")
        if view is View.FLAG:
            return {"person_id": person_id, "view": "flag", "flags": child_flags(conn, person_id)}
        try:
            story = assemble_chronology(
                conn,
                person_id,
                agencies=set(agency) if agency else None,
                event_types=set(event_type) if event_type else None,
                since=since,
                until=until,
            )
        except PersonNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except ChronologyError as exc:
            raise HTTPException(404, str(exc)) from exc
        # issue 9: each entry gains "contested" and "contest_ids" (additive)
        return {"view": "full", **mark_chronology(conn, withhold_restricted(story, actor).as_json())}


@router.get("/{person_id}/flags", summary="Child protection flag (what CP-IS shows a clinician)")
def get_flags(person_id: int, engine: EngineDep, actor: ActorDep, purpose: str = "unscheduled_care") -> dict[str, Any]:
    with engine.begin() as conn:
        if guard_child_read(conn, actor, person_id, purpose) is View.NONE:
            raise HTTPException(403, f"you may not see child {person_id}'s flags")
        return {"person_id": person_id, **child_flags(conn, person_id)}
