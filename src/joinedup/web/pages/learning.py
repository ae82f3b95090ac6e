"""The learning library's pages: the reviews with theme filters, one review with its themes and
the passages that evidence them, search with highlights, theme frequency by year (chart and
CSV), one theme with the rules that act on it, and each rule with the reviews behind it.

Published case reviews are not a child's record, so these pages need a role (the roles the
navigation offers "Learning" to), not the child access guard. Confirming or removing a theme
is a manager's decision (and the operator's), posted with the session's CSRF token.
Each page calls ``joinedup.learning``; none of them writes SQL.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from starlette.exceptions import HTTPException

from joinedup.learning import LearningError, ReviewNotFound, UnknownTheme, frequency, rules_link, tagger, taxonomy
from joinedup.learning import library as lib
from joinedup.learning import search as finder
from joinedup.storage import learning_queries as queries
from joinedup.storage.learning_queries import Filters
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor, check_csrf, require_role
from joinedup.web.pages.learning_chart import frequency_svg
from joinedup.web.pages.navigation import allowed
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)

LEARNING_ROLES = frozenset({"front_door", "social_worker", "manager", "auditor"})
DECIDING_ROLES = frozenset({"manager"})
CHART_THEMES = 6


def _year(value: str) -> int | None:
    return int(value) if value.strip().isdigit() else None


def _theme_or_none(theme_id: str) -> str | None:
    """A known theme id, or None (an unknown one in a link is ignored, not an error page)."""
    if not theme_id:
        return None
    try:
        return taxonomy.theme(theme_id).id
    except UnknownTheme:
        return None


def _labels() -> dict[str, str]:
    return {t.id: t.label for t in taxonomy.themes()}


def highlighted(snippet: str, spans: list[tuple[int, int]]) -> Markup:
    """The snippet, escaped, with each matched span in ``<mark>``."""
    mark = Markup('<mark class="joinedup-mark">{}</mark>')
    out: list[Markup] = []
    at = 0
    for start, end in sorted(spans):
        if start < at:
            continue
        out.append(escape(snippet[at:start]))
        out.append(mark.format(snippet[start:end]))
        at = end
    out.append(escape(snippet[at:]))
    return Markup("").join(out)


@router.get("/learning", response_class=HTMLResponse)
def library_page(
    request: Request, actor: PageActor, engine: EngineDep, theme: str = "", year: str = "", area: str = ""
) -> HTMLResponse:
    require_role(actor, LEARNING_ROLES, "the learning library")
    wanted = Filters(theme=_theme_or_none(theme), year=_year(year), area=area or None)
    with engine.connect() as conn:
        rows = queries.library_rows(conn, wanted)
        years, areas = queries.library_facets(conn)
    context = {
        "rows": rows,
        "wanted": wanted,
        "years": years,
        "areas": areas,
        "themes": taxonomy.themes(),
        "labels": _labels(),
    }
    return render(request, "learning/library.html", context)


@router.get("/learning/reviews/{review_id}", response_class=HTMLResponse)
def review_page(request: Request, actor: PageActor, engine: EngineDep, review_id: int) -> HTMLResponse:
    require_role(actor, LEARNING_ROLES, "the learning library")
    try:
        detail = lib.review_detail(engine, review_id, include_removed=True)
    except ReviewNotFound as exc:
        raise HTTPException(404) from exc
    context = {
        "review": detail,
        "held": [t for t in detail["themes"] if t["status"] != "removed"],
        "removed": [t for t in detail["themes"] if t["status"] == "removed"],
        "can_decide": allowed(actor, DECIDING_ROLES),
        "other_themes": [t for t in taxonomy.themes() if t.id not in {x["id"] for x in detail["themes"]}],
        "long_review": _long_review_cap(),
    }
    return render(request, "learning/review.html", context)


def _long_review_cap() -> dict[str, object] | None:
    """The cap on a long review's suggestions, for the hint beside "add a theme": a manager
    should know that a long report may carry themes the tagger did not put forward."""
    settings = tagger.shipped_settings().long_review
    if settings is None or not settings.max_themes:
        return None
    return {"max_themes": settings.max_themes, "words": f"{tagger.LONG_REVIEW_WORDS:,}"}


@router.post("/learning/reviews/{review_id}/themes", response_model=None)
def decide_theme(
    request: Request,
    actor: PageActor,
    engine: EngineDep,
    review_id: int,
    theme: Annotated[str, Form()] = "",
    decision: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
) -> Response:
    require_role(actor, DECIDING_ROLES, "deciding a review's themes")
    check_csrf(request, engine, actor, csrf_token)
    if decision not in ("confirm", "remove"):
        raise HTTPException(400, "decision must be confirm or remove")
    try:
        lib.decide(engine, review_id, theme, confirm=decision == "confirm", decided_by=actor.name)
    except ReviewNotFound as exc:
        raise HTTPException(404) from exc
    except UnknownTheme as exc:
        raise HTTPException(400, str(exc)) from exc
    return RedirectResponse(f"/learning/reviews/{review_id}#themes", status_code=303)


@router.get("/learning/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    actor: PageActor,
    engine: EngineDep,
    q: str = "",
    mode: str = "keyword",
    theme: str = "",
    year: str = "",
    area: str = "",
) -> HTMLResponse:
    require_role(actor, LEARNING_ROLES, "the learning library")
    wanted = Filters(theme=_theme_or_none(theme), year=_year(year), area=area or None)
    mode = "semantic" if mode == "semantic" else "keyword"
    hits: list[dict[str, Any]] = []
    problem = None
    left_out = finder.reviews_left_out_of_semantic_search(engine) if mode == "semantic" and q.strip() else 0
    if q.strip():
        try:
            found = (finder.semantic_search if mode == "semantic" else finder.keyword_search)(engine, q, wanted, 30)
        except LearningError as exc:
            found, problem = [], str(exc)
        hits = [{"hit": h, "marked": highlighted(h.snippet, h.highlights)} for h in found]
    with engine.connect() as conn:
        years, areas = queries.library_facets(conn)
    context = {
        "q": q,
        "mode": mode,
        "hits": hits,
        "problem": problem,
        "left_out": left_out,
        "wanted": wanted,
        "years": years,
        "areas": areas,
        "themes": taxonomy.themes(),
    }
    return render(request, "learning/search.html", context)


@router.get("/learning/themes", response_class=HTMLResponse)
def themes_page(request: Request, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    require_role(actor, LEARNING_ROLES, "the learning library")
    data = frequency.theme_frequency(engine)
    charted = [t["id"] for t in data["themes"] if t["total"]][:CHART_THEMES]
    chart = Markup(frequency_svg(data, charted))  # noqa: S704 - built from escaped parts
    context = {"data": data, "chart": chart, "charted": charted}
    return render(request, "learning/themes.html", context)


@router.get("/learning/themes.csv", response_class=PlainTextResponse)
def themes_csv(actor: PageActor, engine: EngineDep) -> Response:
    require_role(actor, LEARNING_ROLES, "the learning library")
    return Response(
        frequency.frequency_csv(engine),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="learning-themes-by-year.csv"'},
    )


@router.get("/learning/themes/{theme_id}", response_class=HTMLResponse)
def theme_page(request: Request, actor: PageActor, engine: EngineDep, theme_id: str) -> HTMLResponse:
    require_role(actor, LEARNING_ROLES, "the learning library")
    try:
        theme = taxonomy.theme(theme_id)
    except UnknownTheme as exc:
        raise HTTPException(404) from exc
    with engine.connect() as conn:
        rows = queries.library_rows(conn, Filters(theme=theme.id))
    sources = taxonomy.sources()
    context = {
        "theme": theme,
        "rows": rows,
        "rules": rules_link.rules_for_theme(theme.id),
        "sources": [(s, sources.get(s, {})) for s in theme.sources],
    }
    return render(request, "learning/theme.html", context)


@router.get("/learning/rules", response_class=HTMLResponse)
def rules_page(request: Request, actor: PageActor, engine: EngineDep, rule: str = "") -> HTMLResponse:
    require_role(actor, LEARNING_ROLES, "the learning library")
    linked = rules_link.rule_learning(engine)
    if rule:
        linked = [r for r in linked if r["rule_id"] == rule] or linked
    return render(request, "learning/rules.html", {"rules": linked, "one": bool(rule) and len(linked) == 1})
