"""The home page: what needs this person's attention today, by role.

The front door and social workers see their open alerts (overdue first); practitioners see
how to record a concern or send a file; auditors and administrators their own tasks. Before
signing in, the page asks people to sign in.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from joinedup.access.actor import Actor
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor
from joinedup.web.pages.inbox import InboxFilter, load_inbox
from joinedup.web.pages.navigation import ALERT_ROLES, REVIEW_ROLES, allowed
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    context: dict[str, Any] = {"today": date.today(), "sees_alerts": allowed(actor, ALERT_ROLES)}
    if context["sees_alerts"]:
        with engine.begin() as conn:
            inbox = load_inbox(conn, actor, InboxFilter(), today=context["today"])
        context["inbox"] = inbox
        context["urgent"] = [row for row in inbox.rows if row.deadline.overdue or row.deadline.due_today][:10]
    context["sees_review"] = allowed(actor, REVIEW_ROLES)
    context["role_words"] = _role_words(actor)
    return render(request, "views/home.html", context)


def _role_words(actor: Actor) -> str:
    if actor.kind == "operator":
        return "Server operator"
    names = {
        "practitioner": "Practitioner",
        "front_door": "Front door (MASH)",
        "social_worker": "Social worker",
        "manager": "Team manager",
        "auditor": "Auditor",
        "admin": "Administrator",
    }
    return ", ".join(names.get(r, r) for r in sorted(actor.roles))
