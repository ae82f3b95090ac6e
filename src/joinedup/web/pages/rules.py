"""The rules view: every rule in the library as its YAML says it (read-only), with how often
it has fired, so a safeguarding lead can see what raises alerts and whether a rule earns its
keep. Rules are data: changing one is a reviewed change to its file, not a form here.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from joinedup.rules.loader import LIBRARY, load_library
from joinedup.storage import alerts_repo
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor, require_role
from joinedup.web.pages.navigation import RULE_ROLES
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/rules", response_class=HTMLResponse)
def rules_view(request: Request, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    require_role(actor, RULE_ROLES, "the rules view")
    with engine.connect() as conn:
        alerts = alerts_repo.list_alerts(conn)  # counts only: no child's data leaves this function
    fired: Counter[str] = Counter(a.rule_id for a in alerts)
    undecided: Counter[str] = Counter(a.rule_id for a in alerts if a.status != "decided")
    rules: list[dict[str, Any]] = []
    for rule in sorted(load_library(include_disabled=True), key=lambda r: r.title):
        path = LIBRARY / rule.file
        rules.append(
            {
                "rule": rule,
                "fired": fired[rule.id],
                "undecided": undecided[rule.id],
                "source": path.read_text(encoding="utf-8") if path.exists() else "",
            }
        )
    return render(request, "views/rules.html", {"rules": rules, "total": len(alerts)})
