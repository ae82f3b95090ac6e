"""The GOV.UK pages: govuk-frontend assets, HTML error pages and every page family's router.

``create_app`` calls ``setup(app)``. Page families live in ``joinedup.web.pages.<family>``,
each exposing ``router``; a family whose module is missing is passed over, so a stage can
land its pages later (the learning library does) without touching this file.
"""

from __future__ import annotations

import importlib
import logging

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from joinedup.web.pages import errors
from joinedup.web.pages.assets import STATIC_DIR, govuk_frontend_dist

log = logging.getLogger(__name__)

# In the order a person meets them; "learning" is built by the learning stage (issue 8).
FAMILIES = (
    "session",
    "static_pages",
    "concerns",
    "uploads",
    "alerts",
    "children",
    "review",
    "rules",
    "audit",
    "users",
    "learning",
    "contests",
    "fairness",
)


def setup(app: FastAPI) -> None:
    dist = govuk_frontend_dist()
    if dist is None:
        log.warning("govuk-frontend is not installed (run `make setup`); pages will be unstyled")
    else:
        app.mount("/assets", StaticFiles(directory=dist / "assets"), name="govuk-assets")
        app.mount("/govuk", StaticFiles(directory=dist), name="govuk-frontend")
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    errors.install(app)
    for family in FAMILIES:
        try:
            module = importlib.import_module(f"joinedup.web.pages.{family}")
        except ModuleNotFoundError as exc:
            if exc.name != f"joinedup.web.pages.{family}":
                raise
            continue
        app.include_router(module.router)
