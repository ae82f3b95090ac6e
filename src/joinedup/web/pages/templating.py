"""One Jinja2 environment for every page: our templates first, then the govuk-frontend-jinja
macros under the ``govuk_frontend_jinja/`` prefix, as its README describes.

``render`` adds what the layout needs on every page (the actor, the navigation for their role,
the CSRF token of their session) so page modules pass only their own data.
"""

from __future__ import annotations

import gc
import os
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote_from_bytes

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape
from jinja2.filters import do_urlencode

from joinedup.access.actor import Actor
from joinedup.web.pages.assets import TEMPLATES_DIR
from joinedup.web.pages.forms import date_items
from joinedup.web.pages.navigation import navigation_for

SERVICE_NAME = "JoinedUp"
# Who runs the service, named in the footer (and its copyright): the lead local authority.
SERVICE_OPERATOR = os.environ.get("JOINEDUP_OPERATOR", "Northtown Council")
_startup_frozen = False


@asynccontextmanager
async def freeze_startup_objects(_app: Any) -> AsyncIterator[None]:
    """Lifespan: once the app is built, move every object alive (the imported libraries, the
    compiled routes) out of the garbage collector's sight with ``gc.freeze``. Left in, each
    full collection walks them all: a quarter of a second on this app, landing on whichever
    request happens to trigger it (the child page's slowest requests were exactly these).
    Done once per process, after a collection so no garbage is frozen."""
    global _startup_frozen
    if not _startup_frozen:
        _startup_frozen = True
        gc.collect()
        gc.freeze()
    yield


def _long_date(value: date | datetime | str | None) -> str:
    """GOV.UK style dates: 4 March 2024 (no leading zero, month in full)."""
    if value is None or value == "":
        return ""
    if type(value) in (date, datetime, str):  # exactly: a Markup string must not share the cache
        return _long_date_of(value)
    return _long_date_of.__wrapped__(value)


@lru_cache(maxsize=8192)  # a chronology shows hundreds of dates, mostly seen on earlier pages
def _long_date_of(value: date | datetime | str) -> str:
    if isinstance(value, str):
        text = value
        try:
            value = datetime.fromisoformat(text) if "T" in text or " " in text else date.fromisoformat(text)
        except ValueError:
            return text
    if isinstance(value, datetime):
        return f"{value.day} {value:%B %Y}, {value:%H:%M}".replace(" 00:00", "").rstrip(", ")
    return f"{value.day} {value:%B %Y}"


def _humanise(value: str | None) -> str:
    """``attendance_concern`` -> ``Attendance concern``."""
    if not value:
        return ""
    if type(value) is str:  # exactly: a Markup string must not share the cache
        return _humanised(value)
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=4096)  # the vocabularies are small: event types, agencies, roles, rule ids
def _humanised(value: str) -> str:
    text = value.replace("_", " ")
    return text[:1].upper() + text[1:]


@lru_cache(maxsize=4096)
def _quoted(text: str) -> str:
    """One query-string part, exactly as Jinja's ``urlencode`` filter quotes it."""
    return quote_from_bytes(text.encode("utf-8"), b"").replace("%20", "+")


def _urlencode(value: Any) -> str:
    """Jinja's ``urlencode`` with each key and value's quoting cached: the child page builds a
    query string per chronology row, most of whose parts repeat from row to row."""
    if isinstance(value, dict):
        return "&".join(f"{_quoted(str(k))}={_quoted(str(v))}" for k, v in value.items())
    return do_urlencode(value)


def _zip_items(texts: list[str], values: list[str] | tuple[str, ...], selected: str) -> list[dict[str, Any]]:
    """Options for ``govukSelect`` from parallel lists of labels and values."""
    return [{"value": v, "text": t, "selected": v == selected} for t, v in zip(texts, values, strict=True)]


def _choice_item(pair: list[str], selected: str | None) -> dict[str, Any]:
    """A radios item from a (value, label) pair."""
    return {"value": pair[0], "text": pair[1], "checked": pair[0] == selected}


def _build_environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(str(TEMPLATES_DIR)),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(["html", "svg"]),
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiled templates are kept for the life of the process; checking every template's
        # file on each render costs a stat per template (twenty-odd on the child page).
        # JOINEDUP_TEMPLATES_RELOAD=1 picks up edits while developing.
        auto_reload=os.environ.get("JOINEDUP_TEMPLATES_RELOAD") == "1",
        cache_size=-1,
    )
    env.filters["urlencode"] = _urlencode
    env.filters["long_date"] = _long_date
    env.filters["humanise"] = _humanise
    env.filters["zip_items"] = _zip_items
    env.filters["decision_item"] = _choice_item
    env.filters["basis_item"] = _choice_item
    env.globals["serviceName"] = SERVICE_NAME
    env.globals["serviceOperator"] = SERVICE_OPERATOR
    env.globals["date_items"] = date_items
    return env


templates = Jinja2Templates(env=_build_environment())


def csrf_token_for(request: Request) -> str:
    """The CSRF token of the signed-in session, if the access stage put one on the request."""
    token = getattr(request.state, "csrf_token", None)
    return token if isinstance(token, str) else ""


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    actor: Actor | None = None,
) -> HTMLResponse:
    who = actor if actor is not None else getattr(request.state, "actor", None)
    full: dict[str, Any] = {
        "actor": who,
        "navigation": navigation_for(who, request.url.path),
        "csrf_token": csrf_token_for(request),
        "current_path": request.url.path,
        # The security headers allow inline scripts only with this request's nonce: the
        # govuk template's one-line "js-enabled" script needs it to run.
        "cspNonce": getattr(request.state, "csp_nonce", None),
    }
    full.update(context or {})
    full.setdefault("request", request)
    return HTMLResponse(render_text(template, full), status_code=status_code)


def render_text(name: str, context: dict[str, Any]) -> str:
    """The template rendered, as ``Template.render`` does it, then its render context emptied.

    Macros hold the context in a reference cycle, so without this a page's data (the child
    page's hundreds of chronology entries and their provenance) would outlive the response
    until the next full garbage collection, and make that collection slower.
    """
    template = templates.get_template(name)
    ctx = template.new_context(context)
    try:
        return template.environment.concat(template.root_render_func(ctx))
    except Exception:
        template.environment.handle_exception()  # raises, pointing at the template's line
        raise
    finally:
        ctx.vars.clear()
        ctx.parent.clear()
