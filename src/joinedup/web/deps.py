"""Typed dependencies every route declares: the database engine and who is asking.

Who is asking is a signed-in person (the session cookie, ``access.sessions``) or an agency
system (``Authorization: Bearer <token>``, ``access.tokens``). A request with neither gets
401 from ``ActorDep``; ``OptionalActorDep`` gives ``None`` instead, for pages that send the
person to sign in. A cookie-authenticated request that changes something under ``/api/``
must carry the session's CSRF token in the ``X-CSRF-Token`` header (pages check the form
field themselves).

Routes never open their own connections; tests override ``get_engine`` with a real database.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlalchemy import Engine

from joinedup.access import sessions, tokens
from joinedup.access.actor import Actor

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_CACHE = "joinedup_actor"


def get_engine(request: Request) -> Engine:
    engine: Engine = request.app.state.engine
    return engine


EngineDep = Annotated[Engine, Depends(get_engine)]


def _authenticate(request: Request, engine: Engine) -> Actor | None:
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        with engine.begin() as conn:
            return tokens.authenticate_token(conn, token.strip())
    cookie = request.cookies.get(sessions.COOKIE_NAME)
    if not cookie:
        return None
    with engine.begin() as conn:
        session = sessions.load_session(conn, cookie)
    request.state.session = session
    if session is None:
        return None
    if (
        request.method in UNSAFE_METHODS
        and request.url.path.startswith("/api/")
        and not sessions.verify_csrf(session, request.headers.get(sessions.CSRF_HEADER))
    ):
        raise HTTPException(403, f"send the session's CSRF token in the {sessions.CSRF_HEADER} header")
    return session.actor


def get_optional_actor(request: Request, engine: EngineDep) -> Actor | None:
    """Who is asking, or None when nobody has signed in (or the credentials are no good)."""
    if hasattr(request.state, _CACHE):
        cached: Actor | None = getattr(request.state, _CACHE)
        return cached
    actor = _authenticate(request, engine)
    setattr(request.state, _CACHE, actor)
    return actor


def get_actor(request: Request, engine: EngineDep) -> Actor:
    """Who is asking; 401 when nobody is signed in and no valid token was sent."""
    actor = get_optional_actor(request, engine)
    if actor is None:
        raise HTTPException(
            401,
            "Sign in, or send an API token as 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="joinedup"'},
        )
    return actor


ActorDep = Annotated[Actor, Depends(get_actor)]
OptionalActorDep = Annotated[Actor | None, Depends(get_optional_actor)]
