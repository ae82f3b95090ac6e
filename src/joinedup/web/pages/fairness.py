"""The managers' fairness page: the latest ``joinedup eval fairness`` run, per rule and group,
as a chart and a table, the rules whose false-alarm rate differs between groups by more than
1.25 times, and the whole table as CSV for the data team.

The figures come from the synthetic authority, not from children's records (no child's data is
read here, so the access guard is not asked); the page is for managers and the oversight team.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from joinedup.fairness.drivers import describe
from joinedup.fairness.store import csv_text, load_latest
from joinedup.web.pages.actors import PageActor, require_role
from joinedup.web.pages.fairness_chart import fairness_svg
from joinedup.web.pages.navigation import FAIRNESS_ROLES
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)
ANY_RULE = "ANY RULE"


def _verdict(gap: dict[str, Any]) -> str:
    if gap.get("clear_corrected"):
        return "Clear"
    return "Clear at 95% only" if gap.get("clear") else "Within chance"


def _over_threshold(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Judged gaps the 95% interval says are real, the ones that survive correction first."""
    gaps = [d for d in report.get("disparities", []) if d.get("judged") and d.get("clear")]
    gaps.sort(key=lambda d: (not d.get("clear_corrected"), -(d.get("ratio") or 99.0)))
    return [{**d, "verdict": _verdict(d), "drivers_text": describe(d.get("drivers") or [])} for d in gaps]


@router.get("/fairness", response_class=HTMLResponse)
def fairness_page(request: Request, actor: PageActor, rule: str = ANY_RULE) -> HTMLResponse:
    require_role(actor, FAIRNESS_ROLES, "the fairness results")
    report = load_latest()
    if report is None:
        return render(request, "views/fairness.html", {"report": None})
    rules = list(dict.fromkeys(r["rule"] for r in report["rows"]))
    chosen = rule if rule in rules else ANY_RULE if ANY_RULE in rules else rules[0]
    rows = [r for r in report["rows"] if r["rule"] == chosen]
    gaps = _over_threshold(report)
    everything = report.get("disparities", [])
    context = {
        "report": report,
        "rule": chosen,
        "rule_items": [{"value": r, "text": r, "selected": r == chosen} for r in rules],
        "rows": rows,
        "chart": Markup(fairness_svg(rows, rule=chosen, threshold=report["threshold"])),  # noqa: S704 - built from escaped parts
        "gaps": gaps,
        "within_chance": sum(1 for d in everything if d.get("judged") and not d.get("clear")),
        "too_few": sum(1 for d in everything if not d.get("judged")),
        "trends": [t for t in report.get("deprivation_trends", []) if t.get("clear_corrected")],
    }
    return render(request, "views/fairness.html", context)


@router.get("/fairness.csv", response_model=None)
def fairness_csv(actor: PageActor, request: Request) -> Response:
    require_role(actor, FAIRNESS_ROLES, "the fairness results")
    report = load_latest()
    if report is None:
        return Response("no fairness run has been saved: run `joinedup eval fairness`\n", 404, media_type="text/plain")
    return Response(
        csv_text(report),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="fairness.csv"'},
    )
