"""The front door's pages: the alerts inbox and one alert (why it fired, the evidence side by
side, the rule's rationale and the review learning behind it, the decision form).

Acknowledging and deciding go through the alerts stage's service; the decision's lawful basis
for sharing is written to the audit chain in the same transaction as the decision.
"""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from joinedup.access.guard import View, guard_child_read
from joinedup.access.policy import restricted_narrative
from joinedup.alerts import service
from joinedup.alerts.errors import AlertError
from joinedup.alerts.workdays import UK
from joinedup.audit.chain import append_event
from joinedup.audit.events import LAWFUL_BASIS_SAFEGUARDING, AuditEvent
from joinedup.chronology import ChronologyError
from joinedup.contests.marking import ContestMarks
from joinedup.rules.loader import load_library
from joinedup.rules.model import SEVERITIES, Rule
from joinedup.storage import alerts_repo
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor, checked_form, require_role, text_fields
from joinedup.web.pages.child_summary import display_name, recorded_identities
from joinedup.web.pages.deadlines import Deadline
from joinedup.web.pages.errors import PageForbidden
from joinedup.web.pages.forms import FormErrors
from joinedup.web.pages.inbox import STATUSES, InboxFilter, load_inbox, team_of
from joinedup.web.pages.navigation import ALERT_ROLES
from joinedup.web.pages.stories import read_chronology
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)

DECISION_WORDS = {
    "no_further_action": "No further action",
    "early_help": "Early help",
    "child_and_family_assessment": "Child and family assessment (section 17)",
    "strategy_discussion": "Strategy discussion (section 47)",
    "already_open": "Already open to children's social care",
}
# What the front door may record as the basis when the decision shares information onward.
LAWFUL_BASES = {
    "safeguarding": LAWFUL_BASIS_SAFEGUARDING,
    "consent": "UK GDPR Art. 6(1)(a) and Art. 9(2)(a): explicit consent of the parent or young person",
    "vital_interests": "UK GDPR Art. 6(1)(d) and Art. 9(2)(c): vital interests (life at risk)",
}


def _today() -> date:
    return datetime.now(UK).date()


def rule_named(rule_id: str) -> Rule | None:
    return next((r for r in load_library(include_disabled=True) if r.id == rule_id), None)


@router.get("/alerts", response_class=HTMLResponse)
def inbox(
    request: Request,
    actor: PageActor,
    engine: EngineDep,
    status: str = "undecided",
    severity: str = "",
    rule: str = "",
    team: str = "",
) -> HTMLResponse:
    require_role(actor, ALERT_ROLES, "the alerts inbox")
    wanted = InboxFilter(status=status, severity=severity, rule=rule, team=team)
    with engine.begin() as conn:
        found = load_inbox(conn, actor, wanted, today=_today())
        contested = ContestMarks.load(conn)  # issue 9
    context = {
        "inbox": found,
        "wanted": wanted,
        "statuses": ("undecided", *STATUSES, "all"),
        "severities": tuple(reversed(SEVERITIES)),
        "team_fixed": team_of(actor),
        "today": _today(),
        "contested": contested,
    }
    return render(request, "views/alerts_inbox.html", context)


def _load(conn: Any, actor: Any, alert_id: int, purpose: str, action: str = "read") -> tuple[Any, View]:
    alert = alerts_repo.get_alert(conn, alert_id)
    if alert is None:
        raise HTTPException(404)
    view = guard_child_read(conn, actor, alert.person_id, purpose, action=action)
    if view is View.NONE:
        raise PageForbidden(f"no view of the child behind alert {alert_id}")
    return alert, view


def _alert_context(conn: Any, actor: Any, alert: Any, view: View) -> dict[str, Any]:
    context: dict[str, Any] = {
        "alert": alert,
        "view": view.value,
        "deadline": Deadline(alert.due_at, _today(), closed=alert.status == "decided"),
        "rule": rule_named(alert.rule_id),
        "history": alerts_repo.actions_for(conn, [alert.id]).get(alert.id, []),
        "decisions": DECISION_WORDS,
        "lawful_bases": LAWFUL_BASES,
        "contested": ContestMarks.load(conn),  # issue 9
    }
    if view is not View.FULL:
        return context
    evidence = alerts_repo.evidence_for(conn, [alert.id]).get(alert.id, [])
    try:
        story = read_chronology(conn, alert.person_id)
    except ChronologyError:
        story = None
    by_record = {e.record_id: e for e in story.entries if e.record_id is not None} if story else {}
    cards = []
    for item in evidence:
        entry = by_record.get(item.record_id)
        withheld = entry is not None and restricted_narrative(
            actor, {"agency": item.agency, "event_type": item.event_type, "organisation_id": None}
        )
        cards.append(
            {
                "evidence": item,
                "organisation": entry.provenance.organisation if entry and entry.provenance else None,
                "narrative": None if withheld or entry is None else entry.narrative,
                "withheld": withheld,
                "about": entry.about if entry else "child",
            }
        )
    identities = recorded_identities(story) if story else []
    context.update(
        {"cards": cards, "child_name": display_name(identities), "child_born": story.date_of_birth if story else None}
    )
    return context


@router.get("/alerts/{alert_id}", response_class=HTMLResponse)
def alert_page(request: Request, alert_id: int, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    require_role(actor, ALERT_ROLES, "alerts")
    with engine.begin() as conn:
        alert, view = _load(conn, actor, alert_id, "alert_detail")
        context = _alert_context(conn, actor, alert, view)
    context["values"] = {}
    return render(request, "views/alert.html", context)


@router.post("/alerts/{alert_id}/acknowledge", response_model=None)
async def acknowledge(request: Request, alert_id: int, actor: PageActor, engine: EngineDep) -> Response:
    require_role(actor, ALERT_ROLES, "acknowledging alerts")
    await checked_form(request, engine, actor)
    with engine.begin() as conn:
        _alert, view = _load(conn, actor, alert_id, "alert_acknowledge", action="write")
        if view is not View.FULL:
            raise PageForbidden("acknowledging needs the full view")
        # Acknowledged by someone else a moment ago: the page shows who.
        with contextlib.suppress(AlertError):
            service.acknowledge(conn, alert_id, actor.name)
    return RedirectResponse(f"/alerts/{alert_id}?done=acknowledged", status_code=303)


@router.post("/alerts/{alert_id}/decision", response_model=None)
async def decide(request: Request, alert_id: int, actor: PageActor, engine: EngineDep) -> Response:
    require_role(actor, ALERT_ROLES, "deciding alerts")
    posted = await checked_form(request, engine, actor)
    values = text_fields(posted, ("decision", "rationale", "sharing", "lawful_basis"))
    errors = FormErrors()
    if values["decision"] not in DECISION_WORDS:
        errors.add("decision", "Select the decision")
    if not values["rationale"]:
        errors.add("rationale", "Enter the reason for the decision")
    if values["sharing"] not in ("yes", "no"):
        errors.add("sharing", "Select whether information will be shared with other agencies")
    elif values["sharing"] == "yes" and values["lawful_basis"] not in LAWFUL_BASES:
        errors.add("lawful_basis", "Select the lawful basis for sharing")
    with engine.begin() as conn:
        alert, view = _load(conn, actor, alert_id, "alert_decision", action="write")
        if view is not View.FULL:
            raise PageForbidden("deciding needs the full view")
        if not errors:
            try:
                service.decide(conn, alert_id, values["decision"], values["rationale"], actor.name)
            except AlertError as exc:
                errors.add("decision", str(exc)[:1].upper() + str(exc)[1:])
            else:
                basis = (
                    LAWFUL_BASES[values["lawful_basis"]] if values["sharing"] == "yes" else LAWFUL_BASIS_SAFEGUARDING
                )
                append_event(
                    conn,
                    AuditEvent.for_actor(
                        actor,
                        action="alert_decision",
                        purpose="alert_decision",
                        outcome=values["decision"],
                        person_id=alert.person_id,
                        lawful_basis=basis,
                        detail={"alert_id": alert_id, "shared": values["sharing"] == "yes"},
                    ),
                )
                return RedirectResponse(f"/alerts/{alert_id}?done=decided", status_code=303)
        context = _alert_context(conn, actor, alert, view)
    context.update({"errors": errors, "has_errors": True, "values": values})
    return render(request, "views/alert.html", context, status_code=400)
