"""Where the GOV.UK Frontend files are: ``node_modules/govuk-frontend/dist/govuk`` after
``make setup`` (npm ci), found from the repository checkout or ``JOINEDUP_GOVUK_FRONTEND``.

The stylesheet refers to fonts and images under ``/assets/``, govuk-frontend's default asset
path, so its ``assets`` folder is mounted there and the CSS/JS beside it under ``/govuk``.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]  # src/joinedup/web
STATIC_DIR = PACKAGE_DIR / "static"
TEMPLATES_DIR = PACKAGE_DIR / "templates"


@cache
def govuk_frontend_dist() -> Path | None:
    """The ``dist/govuk`` folder of the installed govuk-frontend, or None when npm has not run."""
    explicit = os.environ.get("JOINEDUP_GOVUK_FRONTEND")
    candidates = [Path(explicit)] if explicit else []
    for base in (Path.cwd(), *PACKAGE_DIR.parents):
        candidates.append(base / "node_modules" / "govuk-frontend" / "dist" / "govuk")
    for candidate in candidates:
        if (candidate / "govuk-frontend.min.css").is_file():
            return candidate
    return None


@cache
def node_module(name: str) -> Path | None:
    """A package folder under the checkout's ``node_modules`` (axe-core for the browser tests)."""
    for base in (Path.cwd(), *PACKAGE_DIR.parents):
        path = base / "node_modules" / name
        if path.is_dir():
            return path
    return None
