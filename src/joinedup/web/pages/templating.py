"""One Jinja2 environment for every page: our templates first, then the govuk-frontend-jinja
macros under the ``govuk_frontend_jinja/`` prefix, as its README describes.

``render`` adds what the layout needs on every page (the actor, the navigation for their role,
the CSRF token of their session) so page modules pass only their own data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape

from joinedup.access.actor import Actor
from joinedup.web.pages.assets import TEMPLATES_DIR
from joinedup.web.pages.forms import date_items
from joinedup.web.pages.navigation import navigation_for

SERVICE_NAME = "JoinedUp"


def _long_date(value: date | datetime | str | None) -> str:
    """GOV.UK style dates: 4 March 2024 (no leading zero, month in full)."""
    if value is None or value == "":
        return ""
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
    text = str(value).replace("_", " ")
    return text[:1].upper() + text[1:]


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
    )
    env.filters["long_date"] = _long_date
    env.filters["humanise"] = _humanise
    env.filters["zip_items"] = _zip_items
    env.filters["decision_item"] = _choice_item
    env.filters["basis_item"] = _choice_item
    env.globals["serviceName"] = SERVICE_NAME
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
    return templates.TemplateResponse(request, template, full, status_code=status_code)
