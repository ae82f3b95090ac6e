"""The linkage review queue: records the linker could neither join nor keep apart on its own.

A clerk sees the two records side by side, the match weight each comparison contributed (a
waterfall, as Splink draws it), and decides: the same child (the records are joined; an
unmerge puts them back), different children (they stay apart, and no later re-link joins
them), or not sure (set aside for someone who knows the family). The page says what each
choice will do before it is made, and what it did afterwards.

Both people's records are a child's data: each is read through the access guard (purpose
``identity review``), so only the child's own front door or manager can decide.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy import Connection
from starlette.exceptions import HTTPException

from joinedup.access.actor import Actor
from joinedup.access.guard import View, guard_child_read
from joinedup.contests.marking import mark_review_item, mark_review_items
from joinedup.identity.errors import ReviewAlreadyDecided, ReviewNotFound
from joinedup.identity.persons import current_person
from joinedup.identity.review import Outcome, decide_item, list_items, show_item
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor, checked_form, require_role, text_fields
from joinedup.web.pages.errors import PageForbidden
from joinedup.web.pages.forms import FormErrors
from joinedup.web.pages.navigation import REVIEW_ROLES
from joinedup.web.pages.templating import render
from joinedup.web.pages.waterfall import render_waterfall, waterfall_steps

router = APIRouter(include_in_schema=False)
PURPOSE = "identity review"

# What a clerk compares, in the order a person reads a record.
FIELDS = (
    ("given_name", "Given name"),
    ("family_name", "Family name"),
    ("other_names", "Other names"),
    ("date_of_birth", "Date of birth"),
    ("sex", "Sex"),
    ("nhs_number", "NHS number"),
    ("upn", "Unique pupil number"),
    ("other_ids", "Agency person ids"),
    ("address_line1", "Address"),
    ("address_postcode", "Postcode"),
    ("role", "Role in the record"),
)
OUTCOMES = {
    "accept": (
        "Yes, the same child",
        "The records are joined into one child. Their chronologies combine and the rules look again. "
        "This can be undone.",
    ),
    "reject": (
        "No, different children",
        "The records stay apart as two people, and the linker will not join them later.",
    ),
    "not_sure": (
        "Not sure",
        "The case stays in the queue, set aside for someone who knows the family.",
    ),
}


def _visible(conn: Connection, actor: Actor, item: dict[str, Any], action: str) -> bool:
    """Both people behind the case must be in the actor's full view (after an accepted case
    they are one person: the one the provisional person was merged into)."""
    people = {current_person(conn, item[key]) for key in ("candidate_person_id", "provisional_person_id")}
    return all(guard_child_read(conn, actor, person_id, PURPOSE, action=action) is View.FULL for person_id in people)


def _text(value: object) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        # Agency-local ids come as {"scheme", "value"}: a clerk reads "mosaic: 12345A".
        return ", ".join(f"{v.get('scheme')}: {v.get('value')}" if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def _rows(subject: dict[str, Any] | None, candidate: dict[str, Any] | None) -> list[dict[str, Any]]:
    rows = []
    for key, label in FIELDS:
        mine = _text((subject or {}).get(key))
        theirs = _text((candidate or {}).get(key))
        if not mine and not theirs:
            continue
        same = mine.casefold() == theirs.casefold() if mine and theirs else None
        rows.append({"label": label, "mine": mine, "theirs": theirs, "same": same})
    return rows


@router.get("/linkage-review", response_class=HTMLResponse)
def queue(request: Request, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    require_role(actor, REVIEW_ROLES, "the linkage review queue")
    with engine.begin() as conn:
        items = mark_review_items(conn, [i for i in list_items(conn) if _visible(conn, actor, i, "list")])
    return render(request, "views/review_queue.html", {"items": items})


def _item_context(shown: dict[str, Any]) -> dict[str, Any]:
    item_id = shown["id"]
    candidates = shown["candidate_records"]
    steps = waterfall_steps(shown["comparison"], float(shown["match_weight"] or 0.0))
    return {
        "item": shown,
        "candidate": candidates[0] if candidates else None,
        "candidate_count": len(candidates),
        "rows": _rows(shown["subject"], candidates[0] if candidates else None),
        "steps": steps,
        "waterfall": Markup(  # noqa: S704 - built from escaped parts
            render_waterfall(steps, title=f"Match weight of each comparison for review case {item_id}")
        ),
        "outcomes": OUTCOMES,
    }


def _load(conn: Connection, actor: Actor, item_id: int, action: str) -> dict[str, Any]:
    try:
        shown = show_item(conn, item_id)
    except ReviewNotFound as exc:
        raise HTTPException(404) from exc
    if not _visible(conn, actor, shown, action):
        raise PageForbidden(f"no full view of both people in review item {item_id}")
    return _item_context(mark_review_item(conn, shown))  # issue 9: "contested" on the item and each record


@router.get("/linkage-review/{item_id}", response_class=HTMLResponse)
def review_case(request: Request, item_id: int, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    require_role(actor, REVIEW_ROLES, "linkage review")
    with engine.begin() as conn:
        context = _load(conn, actor, item_id, "read")
    context["values"] = {}
    return render(request, "views/review_item.html", context)


@router.post("/linkage-review/{item_id}/decision", response_model=None)
async def decide(request: Request, item_id: int, actor: PageActor, engine: EngineDep) -> Response:
    require_role(actor, REVIEW_ROLES, "deciding linkage reviews")
    posted = await checked_form(request, engine, actor)
    values = text_fields(posted, ("outcome", "note"))
    errors = FormErrors()
    if values["outcome"] not in OUTCOMES:
        errors.add("outcome", "Select whether these records are about the same child")
    elif values["outcome"] == "not_sure" and not values["note"]:
        errors.add("note", "Say what is unclear, so the next reviewer knows what to check")
    if len(values["note"]) > 2000:
        errors.add("note", "The note must be 2,000 characters or fewer")
    with engine.begin() as conn:
        context = _load(conn, actor, item_id, "decide")
        if not errors:
            try:
                result = decide_item(
                    conn, item_id, Outcome(values["outcome"]), actor=actor.name, note=values["note"] or None
                )
            except ReviewAlreadyDecided:
                errors.add(
                    "outcome", "This case has already been decided by someone else; the page shows their decision"
                )
            else:
                target = f"/linkage-review/{item_id}?done={values['outcome']}&person={result.get('person_id', '')}"
                return RedirectResponse(target, status_code=303)
    context.update({"errors": errors, "has_errors": True, "values": values})
    return render(request, "views/review_item.html", context, status_code=400)
