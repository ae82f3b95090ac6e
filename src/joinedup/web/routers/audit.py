"""Audit API for the auditor (data protection officer): who looked at a child, a subject
access export, the chain's state, and break-glass grants to review. Every call is audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from joinedup.access import AccessError, NotPermitted
from joinedup.access.breakglass import grants, review_grant
from joinedup.audit import ChainBroken
from joinedup.audit.chain import verify_chain
from joinedup.audit.lookups import require_auditor, who_looked
from joinedup.audit.sar import subject_access_export
from joinedup.web.deps import ActorDep, EngineDep

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
REFUSED: dict[int | str, dict[str, Any]] = {
    403: {"description": "Only an auditor reads the audit log; the attempt is audited."}
}


@router.get("/persons/{person_id}/who-looked", summary="Who looked at a child", responses=REFUSED)
def who_looked_at(person_id: int, actor: ActorDep, engine: EngineDep) -> list[dict[str, Any]]:
    try:
        with engine.connect() as conn:
            return [look.as_json() for look in who_looked(conn, actor, person_id)]
    except NotPermitted as exc:
        raise HTTPException(403, str(exc)) from exc


@router.get("/persons/{person_id}/sar", summary="Subject access export: everything held", responses=REFUSED)
def sar(person_id: int, actor: ActorDep, engine: EngineDep) -> dict[str, Any]:
    try:
        with engine.connect() as conn:
            return subject_access_export(conn, actor, person_id)
    except NotPermitted as exc:
        raise HTTPException(403, str(exc)) from exc
    except AccessError as exc:
        raise HTTPException(404, str(exc)) from exc


@router.get("/verify", summary="Is the audit chain intact?", responses=REFUSED)
def verify(actor: ActorDep, engine: EngineDep) -> dict[str, Any]:
    try:
        with engine.connect() as conn:
            require_auditor(conn, actor, "verify the audit chain")
            report = verify_chain(conn)
    except NotPermitted as exc:
        raise HTTPException(403, str(exc)) from exc
    except ChainBroken as exc:
        return {"intact": False, "entry_id": exc.entry_id, "seq": exc.seq, "problem": exc.problem}
    return {"intact": True, "entries": report.entries, "head_seq": report.head_seq, "head_hash": report.head_hash}


@router.get("/break-glass", summary="Break-glass grants awaiting review", responses=REFUSED)
def break_glass_grants(actor: ActorDep, engine: EngineDep, include_reviewed: bool = False) -> list[dict[str, Any]]:
    try:
        with engine.connect() as conn:
            require_auditor(conn, actor, "break-glass review list")
            found = grants(conn, unreviewed_only=not include_reviewed)
    except NotPermitted as exc:
        raise HTTPException(403, str(exc)) from exc
    return [
        {
            "grant_id": g.grant_id,
            "username": g.username,
            "person_id": g.person_id,
            "reason": g.reason,
            "granted_at": g.granted_at.isoformat(timespec="seconds"),
            "expires_at": g.expires_at.isoformat(timespec="seconds"),
            "reviewed_by": g.reviewed_by,
        }
        for g in found
    ]


@router.post("/break-glass/{grant_id}/review", summary="Mark a break-glass grant reviewed", responses=REFUSED)
def review(grant_id: int, actor: ActorDep, engine: EngineDep) -> dict[str, Any]:
    try:
        with engine.begin() as conn:
            review_grant(conn, actor, grant_id)
    except NotPermitted as exc:
        raise HTTPException(403, str(exc)) from exc
    except AccessError as exc:
        raise HTTPException(404, str(exc)) from exc
    return {"grant_id": grant_id, "reviewed": True}
