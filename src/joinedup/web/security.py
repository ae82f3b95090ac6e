"""Hardening every response and request: security headers, request-size limits, API rate
limits, and a generic answer for server errors (no personal data on an error page).

Installed by ``joinedup.web.routers.access.setup``. Pure ASGI middleware, so the cost per
request is a dictionary update, not a second trip through the framework.

* Headers: a Content Security Policy with a per-request nonce (``request.state.csp_nonce``
  for the one inline script GOV.UK pages need), HSTS over https (or with
  ``JOINEDUP_SECURE_COOKIES=1``), ``X-Frame-Options: DENY`` and ``frame-ancestors 'none'``,
  ``nosniff``, ``Referrer-Policy: same-origin``, and ``Cache-Control: no-store`` on anything
  that is not a static asset (a shared computer must not keep a child's chronology).
* Sizes: bodies over ``MAX_BODY_BYTES`` (``MAX_RECORDS_BODY_BYTES`` for record submission)
  are refused with 413 before they are read into memory.
* Rate limits: a token bucket per API token (or per client address without one) on
  ``/api/``: ``API_RATE_PER_MINUTE`` requests a minute with bursts of ``API_BURST``. The
  buckets live in this process: a deployment with several workers limits at the proxy too.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY_BYTES = 1_000_000
MAX_RECORDS_BODY_BYTES = 50_000_000
RECORDS_PATH = "/api/v1/records"
API_RATE_PER_MINUTE = int(os.environ.get("JOINEDUP_API_RATE_PER_MINUTE", 600))
API_BURST = int(os.environ.get("JOINEDUP_API_BURST", 120))
STATIC_PREFIXES = ("/assets/", "/govuk/", "/static/")
DOCS_PATHS = ("/docs", "/redoc", "/docs/oauth2-redirect")


def content_security_policy(nonce: str, path: str) -> str:
    if path in DOCS_PATHS:  # FastAPI's API explorer loads its script and styles from a CDN
        scripts = f"'self' 'nonce-{nonce}' 'unsafe-inline' https://cdn.jsdelivr.net"
        styles = "'self' 'unsafe-inline' https://cdn.jsdelivr.net"
    else:
        scripts = f"'self' 'nonce-{nonce}'"
        styles = "'self'"
    return (
        f"default-src 'self'; script-src {scripts}; style-src {styles}; img-src 'self' data:; "
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.force_hsts = os.environ.get("JOINEDUP_SECURE_COOKIES", "0") == "1"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        path: str = scope.get("path", "")
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                names = {k.lower() for k, _ in headers}
                extra = {
                    b"content-security-policy": content_security_policy(nonce, path),
                    b"x-frame-options": "DENY",
                    b"x-content-type-options": "nosniff",
                    b"referrer-policy": "same-origin",
                    b"permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
                    b"cross-origin-opener-policy": "same-origin",
                    b"cross-origin-resource-policy": "same-origin",
                }
                if https or self.force_hsts:
                    extra[b"strict-transport-security"] = "max-age=31536000; includeSubDomains"
                if not path.startswith(STATIC_PREFIXES):
                    extra[b"cache-control"] = "no-store"
                    extra[b"pragma"] = "no-cache"
                for name, value in extra.items():
                    if name not in names or name == b"cache-control":
                        headers = [(k, v) for k, v in headers if k.lower() != name]
                        headers.append((name, value.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


async def _plain(send: Send, status: int, detail: str, extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """413 for bodies over the limit, whether they declare a length or stream in chunks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = MAX_RECORDS_BODY_BYTES if scope.get("path") == RECORDS_PATH else MAX_BODY_BYTES
        declared = dict(scope.get("headers", [])).get(b"content-length")
        too_big = f"request body over {limit:,} bytes; send fewer records per request"
        if declared is not None:
            try:
                if int(declared) > limit:
                    await _plain(send, 413, too_big)
                    return
            except ValueError:
                await _plain(send, 400, "Content-Length is not a number")
                return
        received = 0

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await _plain(send, 413, too_big)


class _TooLarge(Exception):
    pass


class RateLimit:
    """A token bucket per API credential (or client address) on ``/api/``."""

    def __init__(self, app: ASGIApp, per_minute: int | None = None, burst: int | None = None) -> None:
        self.app = app
        self.rate = (per_minute or API_RATE_PER_MINUTE) / 60.0
        self.burst = float(burst or API_BURST)
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    def _key(self, scope: Scope) -> str:
        headers = dict(scope.get("headers", []))
        auth = headers.get(b"authorization")
        if auth:
            return "t:" + hashlib.sha256(auth).hexdigest()[:32]
        client = scope.get("client") or ("unknown", 0)
        return f"ip:{client[0]}"

    def allow(self, key: str) -> tuple[bool, float]:
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self.buckets[key] = (tokens, now)
                return False, (1.0 - tokens) / self.rate
            self.buckets[key] = (tokens - 1.0, now)
            if len(self.buckets) > 100_000:  # forget the idle, so memory stays bounded
                self.buckets = {k: v for k, v in self.buckets.items() if now - v[1] < 120}
            return True, 0.0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("path", "").startswith("/api/"):
            ok, wait = self.allow(self._key(scope))
            if not ok:
                await _plain(send, 429, "too many requests; slow down", [(b"retry-after", str(int(wait) + 1).encode())])
                return
        await self.app(scope, receive, send)


async def _out_of_range(_request: Any, exc: Exception) -> Any:
    """An id too large for the database's integers (SQLite raises OverflowError before the
    query runs): the same answer as any other id that is not there, not a server error."""
    from fastapi.responses import JSONResponse

    return JSONResponse({"detail": "a number in the request is out of range"}, status_code=422)


def install(app: Any) -> None:
    """Add the middleware, outermost first in effect: headers wrap everything."""
    from sqlalchemy.exc import DataError

    app.add_exception_handler(OverflowError, _out_of_range)
    app.add_exception_handler(DataError, _out_of_range)
    app.add_middleware(RateLimit)
    app.add_middleware(BodySizeLimit)
    app.add_middleware(SecurityHeaders)
