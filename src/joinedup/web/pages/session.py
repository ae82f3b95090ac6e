"""Sign in and sign out, on the access stage's session functions.

The session cookie is set here (HttpOnly, SameSite=Lax, Secure behind TLS) and the sign-out
form posts the session's CSRF token. Refusals say the same thing whether or not the username
exists: the access stage decides the wording.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from joinedup.access import sessions
from joinedup.web.deps import EngineDep
from joinedup.web.pages.forms import FormErrors
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site, so the sign-in page cannot be used to send people elsewhere."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_form(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "views/sign_in.html", {"next": safe_next(next), "values": {}})


@router.post("/sign-in", response_model=None)
def sign_in(
    request: Request,
    engine: EngineDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/",
) -> Response:
    errors = FormErrors()
    if not username.strip():
        errors.add("username", "Enter your username")
    if not password:
        errors.add("password", "Enter your password")
    status = 200
    if not errors:
        client_ip = request.client.host if request.client else "unknown"
        with engine.begin() as conn:
            result = sessions.sign_in(conn, username, password, client_ip)
        if result.ok and result.token:
            response = RedirectResponse(safe_next(next), status_code=303)
            response.set_cookie(value=result.token, **sessions.cookie_settings(secure=request.url.scheme == "https"))
            return response
        errors.add("username", result.message)
        status = 429 if result.reason in ("locked", "throttled") else 200
    context = {"next": safe_next(next), "values": {"username": username}, "errors": errors, "has_errors": True}
    return render(request, "views/sign_in.html", context, status_code=status)


@router.post("/sign-out", response_model=None)
def sign_out(request: Request, engine: EngineDep, csrf_token: Annotated[str, Form()] = "") -> Response:
    token = request.cookies.get(sessions.COOKIE_NAME)
    with engine.begin() as conn:
        session = sessions.load_session(conn, token)
        if session is not None and sessions.verify_csrf(session, csrf_token):
            sessions.end_session(conn, token)
        elif session is not None:
            # A sign-out posted from another site: refuse, and keep the person signed in.
            return render(request, "error/403.html", {}, status_code=403)
    response = RedirectResponse("/signed-out", status_code=303)
    response.delete_cookie(sessions.COOKIE_NAME, path="/")
    return response


@router.get("/signed-out", response_class=HTMLResponse)
def signed_out(request: Request) -> HTMLResponse:
    return render(request, "views/signed_out.html")
