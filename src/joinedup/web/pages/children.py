"""The child page: who the child is in each agency's records, the household over time, flags,
alerts, and the chronology as a table and a swimlane picture, filterable.

Every view passes the access guard first (purpose ``case_work``): the full page for the child's
own local authority, the flag view for involved practitioners, the 403 page for everyone
else. Restricted narratives are withheld inside the full view, as the access policy says.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from starlette.exceptions import HTTPException

from joinedup.access.flags import flag_view
from joinedup.access.guard import View, guard_child_read
from joinedup.access.policy import CHILD_DATA_ROLES, restricted_narrative
from joinedup.chronology import ChronologyError, PersonNotFound
from joinedup.chronology.assemble import filter_chronology
from joinedup.contests.marking import ContestMarks
from joinedup.identity.persons import household_of
from joinedup.records.vocab import Agency, EventType
from joinedup.storage import alerts_repo
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor, require_role
from joinedup.web.pages.child_summary import display_name, names_of, recorded_identities
from joinedup.web.pages.deadlines import Deadline
from joinedup.web.pages.errors import PageForbidden
from joinedup.web.pages.stories import read_chronology
from joinedup.web.pages.swimlanes import render_swimlanes
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)
PERIODS = {"all": None, "3m": 91, "6m": 183, "12m": 365, "24m": 730}
PERIOD_WORDS = {
    "all": "All time",
    "3m": "Last 3 months",
    "6m": "Last 6 months",
    "12m": "Last 12 months",
    "24m": "Last 2 years",
}


@router.get("/children", response_class=HTMLResponse, response_model=None)
def find_child(request: Request, actor: PageActor, reference: str = "") -> Response:
    require_role(actor, frozenset(CHILD_DATA_ROLES), "finding a child")
    error = None
    if reference:
        number = reference.strip().removeprefix("Child ").strip()
        if number.isdigit():
            return RedirectResponse(f"/children/{int(number)}", status_code=303)
        error = "Enter the child's reference number, like 1234"
    return render(
        request, "views/children_find.html", {"error": error, "reference": reference, "has_errors": bool(error)}
    )


@router.get("/children/{person_id}", response_class=HTMLResponse)
def child_page(
    request: Request,
    person_id: int,
    actor: PageActor,
    engine: EngineDep,
    agency: list[str] = Query(default_factory=list),  # noqa: B008 - FastAPI's way of a repeated query
    event_type: str = "",
    period: str = "all",
) -> HTMLResponse:
    agencies = {a for a in agency if a in {x.value for x in Agency}}
    wanted_type = event_type if event_type in {e.value for e in EventType} else ""
    days = PERIODS.get(period)
    with engine.begin() as conn:
        view = guard_child_read(conn, actor, person_id, "case_work", action="chronology")
        if view is View.NONE:
            raise PageForbidden(f"no view of person {person_id}")
        flags = flag_view(conn, person_id)
        if view is View.FLAG:
            return render(request, "views/child_flags.html", {"flags": flags, "person_id": person_id})
        try:
            whole = read_chronology(conn, person_id)
        except (PersonNotFound, ChronologyError) as exc:
            raise HTTPException(404) from exc
        filtered = agencies or wanted_type or days
        story = filter_chronology(  # the whole story is read once; the filters pick from it
            whole,
            agencies=agencies or None,
            event_types={wanted_type} if wanted_type else None,
            since=date.today() - timedelta(days=days) if days else None,
        )
        household = household_of(conn, person_id)
        names = names_of(conn, whole, [m.person_id for m in household])
        alerts = alerts_repo.list_alerts(conn, person_id=person_id)
        contested = ContestMarks.load(conn).add_story(whole.entries)  # issue 9: what to mark "Contested"
    entries = [
        replace(e, narrative=None)
        if e.kind == "record" and restricted_narrative(actor, {"agency": e.agency, "event_type": e.event_type})
        else e
        for e in story.entries
    ]
    withheld = {id(e) for e, shown in zip(story.entries, entries, strict=True) if e.narrative and not shown.narrative}
    identities = recorded_identities(whole)
    today = date.today()
    ringed = sum(1 for e in entries if contested.entry(e))  # contested events the swimlane rings
    context: dict[str, Any] = {
        "person_id": person_id,
        "story": story,
        "entries": entries,
        "withheld_count": len(withheld),
        "child_name": display_name(identities),
        "identities": identities,
        "uncertain": any(i.uncertain for i in identities),
        "household": household,
        "names": names,
        "flags": flags,
        "alerts": [(a, Deadline(a.due_at, today, closed=a.status == "decided")) for a in alerts],
        "svg": Markup(render_swimlanes(entries, title=_timeline_title(entries, ringed), contested=contested.entry)),  # noqa: S704 - built from escaped parts
        "ringed": ringed,
        "agency_items": [
            {"value": a, "text": a.replace("_", " ").capitalize(), "checked": a in agencies}
            for a in sorted({e.agency for e in whole.entries if e.agency})
        ],
        "event_items": [{"value": "", "text": "Any event"}]
        + [
            {"value": t, "text": t.replace("_", " ").capitalize(), "selected": t == wanted_type}
            for t in sorted({e.event_type for e in whole.entries if e.kind == "record"})
        ],
        "period_items": [{"value": k, "text": v, "selected": k == period} for k, v in PERIOD_WORDS.items()],
        "filtered": bool(filtered),
        "contested": contested,
    }
    return render(request, "views/child.html", context)


def _timeline_title(entries: list[Any], ringed: int) -> str:
    """The swimlane's accessible name: how many entries, and how many of them are contested
    (said in words, as the rings are only a shape)."""
    words = f"Timeline of events by agency, {len(entries)} {'entry' if len(entries) == 1 else 'entries'}"
    return words + (f", {ringed} contested" if ringed else "")
