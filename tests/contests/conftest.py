"""The page fixtures of tests/web, shared here so the contest tests drive the same real app and
real users (nothing is copied: the fixtures are imported)."""

from __future__ import annotations

from web.conftest import app_for, make_user, page, record_about  # noqa: F401
