"""The auditor's pages: is the audit chain intact, which break-glass grants await review, and
who looked at a given child. Reading the audit log is itself audited (``require_auditor``),
and refused for everyone but the auditor (data protection officer).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from joinedup.access import InvalidAccount, NotPermitted
from joinedup.access.actor import Actor
from joinedup.access.breakglass import grants, review_grant
from joinedup.audit import ChainBroken
from joinedup.audit.chain import verify_chain
from joinedup.audit.lookups import require_auditor, who_looked
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor, checked_form
from joinedup.web.pages.errors import PageForbidden
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)


def _auditor(conn: Any, actor: Actor, purpose: str, person_id: int | None = None) -> None:
    try:
        require_auditor(conn, actor, purpose, person_id)
    except NotPermitted as exc:
        raise PageForbidden(str(exc)) from exc


@router.get("/audit", response_class=HTMLResponse)
def audit_home(request: Request, actor: PageActor, engine: EngineDep, person: str = "") -> HTMLResponse:
    error = None
    looks = None
    person_id = int(person) if person.strip().isdigit() else None
    if person and person_id is None:
        error = "Enter the child's reference number, like 1234"
    with engine.begin() as conn:
        _auditor(conn, actor, "audit overview")
        try:
            report = verify_chain(conn)
            chain: dict[str, Any] = {"ok": True, "entries": report.entries, "head": report.head_hash}
        except ChainBroken as exc:
            chain = {"ok": False, "problem": str(exc)}
        waiting = grants(conn, unreviewed_only=True)
        if person_id is not None:
            try:
                looks = who_looked(conn, actor, person_id)
            except NotPermitted as exc:
                raise PageForbidden(str(exc)) from exc
    context = {
        "chain": chain,
        "grants": waiting,
        "person": person,
        "person_id": person_id,
        "looks": looks,
        "error": error,
        "has_errors": bool(error),
    }
    return render(request, "views/audit.html", context)


@router.post("/audit/break-glass/{grant_id}/review", response_model=None)
async def mark_reviewed(request: Request, grant_id: int, actor: PageActor, engine: EngineDep) -> Response:
    await checked_form(request, engine, actor)
    with engine.begin() as conn:
        try:
            review_grant(conn, actor, grant_id)
        except NotPermitted as exc:
            raise PageForbidden(str(exc)) from exc
        except InvalidAccount as exc:  # no such grant, or already reviewed
            raise HTTPException(404) from exc
    return RedirectResponse("/audit?reviewed=1", status_code=303)
