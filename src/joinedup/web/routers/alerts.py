"""Alerts API: the front door's queue, one alert's detail, acknowledgement and decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from joinedup.access.guard import View, guard_child_read
from joinedup.alerts import service
from joinedup.alerts.errors import AlertNotFound, AlertStateError
from joinedup.alerts.workdays import UK
from joinedup.contests.marking import mark_alerts
from joinedup.storage import alerts_repo
from joinedup.web.deps import ActorDep, EngineDep

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts"])


class Decision(BaseModel):
    decision: str = Field(description=f"One of: {', '.join(service.DECISIONS)}")
    rationale: str = Field(min_length=1)


@router.get("", summary="Alerts (same shape as `joinedup alerts list --format json`)")
def list_alerts(
    engine: EngineDep,
    actor: ActorDep,
    status: str | None = None,
    person_id: int | None = None,
    local_authority: str | None = None,
    open_only: bool = False,
) -> list[dict[str, Any]]:
    today = datetime.now(UK).date()
    with engine.begin() as conn:
        rows = alerts_repo.list_alerts(
            conn, status=status, person_id=person_id, local_authority=local_authority, open_only=open_only
        )
        views = {pid: guard_child_read(conn, actor, pid, "alert_triage") for pid in {r.person_id for r in rows}}
        rows = [r for r in rows if views[r.person_id] is not View.NONE]
        evidence = alerts_repo.evidence_for(conn, [r.id for r in rows if views[r.person_id] is View.FULL])
        shown = [alerts_repo.alert_json(r, evidence.get(r.id, []), today=today) for r in rows]
        return mark_alerts(conn, shown)  # issue 9: "contested" and "contest_ids" (additive)


@router.get("/{alert_id}", summary="One alert with its evidence and history")
def get_alert(alert_id: int, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    with engine.begin() as conn:
        alert = alerts_repo.get_alert(conn, alert_id)
        if alert is None:
            raise HTTPException(404, f"no alert {alert_id}")
        view = guard_child_read(conn, actor, alert.person_id, "alert_detail")
        if view is View.NONE:
            raise HTTPException(403, f"you may not see child {alert.person_id}'s alerts")
        evidence = alerts_repo.evidence_for(conn, [alert_id])[alert_id] if view is View.FULL else []
        data = alerts_repo.alert_json(alert, evidence, today=datetime.now(UK).date())
        data["history"] = [
            {"action": a.action, "actor": a.actor, "at": a.at.isoformat(), "detail": a.detail}
            for a in alerts_repo.actions_for(conn, [alert_id])[alert_id]
        ]
        return mark_alerts(conn, [data])[0]


def _act(engine: Any, actor: Any, alert_id: int, action: Any) -> dict[str, Any]:
    with engine.begin() as conn:
        alert = alerts_repo.get_alert(conn, alert_id)
        if alert is None:
            raise HTTPException(404, f"no alert {alert_id}")
        if guard_child_read(conn, actor, alert.person_id, "alert_decision", action="write") is not View.FULL:
            raise HTTPException(403, f"you may not act on child {alert.person_id}'s alerts")
        try:
            action(conn)
        except AlertNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except AlertStateError as exc:
            raise HTTPException(409, str(exc)) from exc
        row = alerts_repo.get_alert(conn, alert_id)
        return alerts_repo.alert_json(row, alerts_repo.evidence_for(conn, [alert_id])[alert_id])


@router.post("/{alert_id}/acknowledge", summary="Acknowledge an alert")
def acknowledge(alert_id: int, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    return _act(engine, actor, alert_id, lambda conn: service.acknowledge(conn, alert_id, actor.name))


@router.post("/{alert_id}/decision", summary="Record the decision and its rationale")
def decide(alert_id: int, body: Decision, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    return _act(
        engine, actor, alert_id, lambda conn: service.decide(conn, alert_id, body.decision, body.rationale, actor.name)
    )
