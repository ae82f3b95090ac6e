"""The page-side view of who is asking: the actor from ``web.deps`` kept on the request so the
layout (navigation, sign-out) and the error pages know it, the session's CSRF token for forms,
and the role and CSRF checks pages make.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from starlette.datastructures import FormData

from joinedup.access import sessions
from joinedup.access.actor import Actor
from joinedup.web.deps import ActorDep, EngineDep
from joinedup.web.pages.errors import PageForbidden
from joinedup.web.pages.navigation import allowed


def _session(request: Request, engine: Engine) -> sessions.Session | None:
    """The session behind this request (the access stage may have loaded it already)."""
    known = getattr(request.state, "session", None)
    if isinstance(known, sessions.Session):
        return known
    token = request.cookies.get(sessions.COOKIE_NAME)
    if not token:
        return None
    with engine.begin() as conn:
        found = sessions.load_session(conn, token)
    request.state.session = found
    return found


def page_actor(request: Request, actor: ActorDep, engine: EngineDep) -> Actor:
    request.state.actor = actor
    if actor.kind == "user":
        session = _session(request, engine)
        request.state.csrf_token = session.csrf_token if session is not None else ""
    return actor


PageActor = Annotated[Actor, Depends(page_actor)]


def require_role(actor: Actor, roles: frozenset[str], what: str) -> None:
    """Refuse with the 403 page unless ``actor`` holds one of ``roles`` (the operator always may)."""
    if not allowed(actor, roles):
        raise PageForbidden(f"{what} needs one of {sorted(roles)}")


def check_csrf(request: Request, engine: Engine, actor: Actor, token: str) -> None:
    """Every form a signed-in person posts carries their session's CSRF token. The operator
    (no session: the local command line or the placeholder before sign-in existed) has none."""
    if actor.kind != "user":
        return
    if not sessions.verify_csrf(_session(request, engine), token):
        raise PageForbidden("CSRF token missing or wrong")


async def checked_form(request: Request, engine: Engine, actor: Actor) -> FormData:
    """The posted form, once its CSRF token has been checked: every handler that changes
    something starts here, so none can read a field before the check."""
    posted = await request.form()
    check_csrf(request, engine, actor, str(posted.get("csrf_token") or ""))
    return posted


def text_fields(posted: FormData, names: Iterable[str]) -> dict[str, str]:
    """Each named field as text with the spaces people type around it removed ("" if absent)."""
    return {name: str(posted.get(name) or "").strip() for name in names}
