"""The page and browser fixtures of tests/web, shared here so the contest tests drive the same
real app, real users and real browser (nothing is copied: the fixtures are imported)."""

from __future__ import annotations

from web.browser.conftest import browser, server, user, visit  # noqa: F401
from web.conftest import app_for, make_user, page, record_about  # noqa: F401
