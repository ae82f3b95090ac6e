"""Access API: sign in and out, who am I, a child's flag view, and break-glass.

``setup(app)`` also installs the hardening middleware (``joinedup.web.security``), so every
route any stage adds gets the security headers, size limits and rate limits.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from joinedup.access import AccessError, NotPermitted, sessions
from joinedup.access.breakglass import break_glass
from joinedup.access.flags import flag_view
from joinedup.access.guard import View, guard_child_read
from joinedup.web import security
from joinedup.web.deps import ActorDep, EngineDep

router = APIRouter(prefix="/api/v1", tags=["access"])


class SignIn(BaseModel):
    username: str = Field(min_length=1, max_length=100)
    password: str = Field(min_length=1, max_length=1024)


class BreakGlassRequest(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="What is happening and why it cannot wait.")
    minutes: int = Field(60, ge=1, le=240)


def _client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/session", summary="Sign in (sets the session cookie)", responses={401: {}, 429: {}})
def sign_in(body: SignIn, request: Request, engine: EngineDep) -> JSONResponse:
    with engine.begin() as conn:
        result = sessions.sign_in(conn, body.username, body.password, _client_ip(request))
    if not result.ok or result.session is None or result.token is None:
        status = 429 if result.reason in ("locked", "throttled") else 401
        headers = {"Retry-After": str(result.retry_after_seconds)} if status == 429 else None
        return JSONResponse({"detail": result.message}, status_code=status, headers=headers)
    response = JSONResponse(_session_json(result.session))
    response.set_cookie(value=result.token, **sessions.cookie_settings(secure=request.url.scheme == "https"))
    return response


@router.get("/session", summary="Who is signed in (or which API client is calling)")
def whoami(actor: ActorDep, request: Request) -> dict[str, Any]:
    session = getattr(request.state, "session", None)
    data: dict[str, Any] = {
        "name": actor.name,
        "kind": actor.kind,
        "roles": sorted(actor.roles),
        "organisation_id": actor.organisation_id,
        "local_authority": actor.local_authority,
        "scopes": sorted(actor.scopes),
    }
    if isinstance(session, sessions.Session):
        data.update(_session_json(session))
    return data


@router.delete("/session", summary="Sign out", status_code=204, responses={401: {}})
def sign_out(actor: ActorDep, request: Request, engine: EngineDep) -> Response:
    with engine.begin() as conn:
        sessions.end_session(conn, request.cookies.get(sessions.COOKIE_NAME))
    response = Response(status_code=204)
    response.delete_cookie(sessions.COOKIE_NAME, path="/")
    return response


@router.get(
    "/persons/{person_id}/flags",
    summary="A child's flag view: known to social care, on a plan, lead professional",
    responses={403: {"description": "No view of this child; the attempt is audited."}},
)
def flags(person_id: int, actor: ActorDep, engine: EngineDep) -> dict[str, Any]:
    with engine.connect() as conn:
        view = guard_child_read(conn, actor, person_id, "flag view", action="flag_view")
        if view is View.NONE:
            raise HTTPException(403, "You do not have access to this child's information; the attempt was recorded")
        return flag_view(conn, person_id).as_json()


@router.post(
    "/persons/{person_id}/break-glass",
    summary="Emergency access to a child: a stated reason, time-limited, reported to the auditor",
    status_code=201,
    responses={403: {}, 422: {}},
)
def open_break_glass(person_id: int, body: BreakGlassRequest, actor: ActorDep, engine: EngineDep) -> dict[str, Any]:
    try:
        with engine.begin() as conn:
            grant = break_glass(conn, actor, person_id, body.reason, timedelta(minutes=body.minutes))
    except NotPermitted as exc:
        raise HTTPException(403, str(exc)) from exc
    except AccessError as exc:
        raise HTTPException(422, str(exc)) from exc
    return {
        "grant_id": grant.grant_id,
        "person_id": grant.person_id,
        "expires_at": grant.expires_at.isoformat(timespec="seconds"),
    }


def _session_json(session: sessions.Session) -> dict[str, Any]:
    return {
        "username": session.actor.name,
        "role": ",".join(sorted(session.actor.roles)),
        "organisation_id": session.actor.organisation_id,
        "csrf_token": session.csrf_token,
        "expires_at": session.expires_at.isoformat(timespec="seconds"),
    }


def setup(app: FastAPI) -> None:
    security.install(app)
    app.include_router(router)
