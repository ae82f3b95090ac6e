"""HTML error pages (403, 404, 500) for the pages, JSON unchanged for the API.

The error pages say what happened and what to do, and never echo personal data: the 403 page
does not even say whether the child exists.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class PageError(Exception):
    """Base of the reasons a page cannot be shown."""


class SignInRequired(PageError):
    """Nobody is signed in: send them to the sign-in page, then back."""


class PageForbidden(PageError):
    """Signed in but not allowed; shown as the 403 page. ``reason`` is logged, never shown."""

    def __init__(self, reason: str = "not permitted") -> None:
        super().__init__(reason)
        self.reason = reason


def is_api(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/openapi.json", "/docs", "/redoc")


def sign_in_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/sign-in?next={quote(target, safe='')}", status_code=303)


def install(app: FastAPI) -> None:
    """Register the handlers; API paths keep FastAPI's JSON answers."""
    from joinedup.web.pages.templating import render

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        if is_api(request):
            return await http_exception_handler(request, exc)
        if exc.status_code == 401:
            return sign_in_redirect(request)
        if exc.status_code == 403:
            return render(request, "error/403.html", {}, status_code=403)
        if exc.status_code == 404:
            return render(request, "error/404.html", {}, status_code=404)
        if exc.status_code == 405:
            return render(request, "error/404.html", {}, status_code=405)
        return await http_exception_handler(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if is_api(request):
            return await request_validation_exception_handler(request, exc)
        return render(request, "error/404.html", {}, status_code=404)

    async def on_sign_in(request: Request, exc: Exception) -> Response:
        return sign_in_redirect(request)

    async def on_forbidden(request: Request, exc: Exception) -> Response:
        log.info("page refused: %s %s", request.url.path, getattr(exc, "reason", ""))
        return render(request, "error/403.html", {}, status_code=403)

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("page failed: %s", request.url.path)
        if is_api(request):
            return Response('{"detail": "internal error"}', status_code=500, media_type="application/json")
        return render(request, "error/500.html", {}, status_code=500)

    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(SignInRequired, on_sign_in)
    app.add_exception_handler(PageForbidden, on_forbidden)
    app.add_exception_handler(Exception, on_crash)
