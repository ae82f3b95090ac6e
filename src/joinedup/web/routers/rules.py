"""``GET /api/v1/rules``: the rule library as loaded, so anyone can read why alerts fire."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from joinedup.rules.describe import rule_summary
from joinedup.rules.loader import load_library

router = APIRouter(prefix="/api/v1/rules", tags=["rules"])


@router.get("", summary="Every rule: learning, citation, themes, severity, deadline")
def list_rules() -> list[dict[str, Any]]:
    return [rule_summary(r) for r in load_library(include_disabled=True)]
