"""Contesting the record on the web: raise a contest from the child page, the alert page or the
linkage review (a professional, or a family through the local authority), see the contests,
and, for the deciding role (a manager), uphold or reject one.

An upheld contest is put right the only ways the record allows: a link by undoing the merge
that made it, a record by the agency's corrected version; the page offers exactly those.
Every read passes the access guard for the child whose data it is (purpose ``contest``), and
the contest service audits each raise and decision.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import Connection
from starlette.exceptions import HTTPException

from joinedup.access.actor import Actor
from joinedup.access.guard import View, guard_child_read
from joinedup.contests import ContestError, UnknownItem, decide_contest, list_contests
from joinedup.contests.service import DECIDING_ROLE, Item, get_contest, item_person, raise_contest
from joinedup.identity.persons import current_person
from joinedup.storage import contests_repo, identity_review_repo
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor, checked_form, require_role, text_fields
from joinedup.web.pages.errors import PageForbidden
from joinedup.web.pages.forms import FormErrors
from joinedup.web.pages.navigation import CHILD_ROLES
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)
PURPOSE = "contest"
DECIDE_ROLES = frozenset({DECIDING_ROLE})
KIND_WORDS = {
    "record": "What the agency recorded",
    "link": "That this record is about this person (the link)",
    "alert": "The alert",
}
OUTCOME_WORDS = {
    "upheld": "Uphold: the contest is right, correct the record",
    "rejected": "Reject: the record stands",
}
STATUS_CHOICES = ("open", "upheld", "rejected", "all")


class _NotDecided(Exception):
    """The decision failed: leave the transaction so whatever it had done is rolled back."""


def _guard(conn: Connection, actor: Actor, person_id: int | None, action: str, needed: View = View.FLAG) -> View:
    if person_id is None:
        if actor.kind != "operator" and DECIDING_ROLE not in actor.roles:
            raise PageForbidden("an item linked to no child is for a manager")
        return View.FULL
    person_id = current_person(conn, person_id)  # a merged person's data is now the other's
    view = guard_child_read(conn, actor, person_id, PURPOSE, action=action)
    if view is View.NONE or (needed is View.FULL and view is not View.FULL):
        raise PageForbidden(f"no view of person {person_id} to {action} a contest")
    return view


def _item_from(values: dict[str, str]) -> Item:
    index = values.get("subject_index", "")
    alert = values.get("alert_id", "")
    return Item(
        kind=values.get("kind", ""),
        agency=values.get("agency") or None,
        source_record_id=values.get("source_record_id") or None,
        subject_index=int(index) if index.isdigit() else None,
        alert_id=int(alert) if alert.isdigit() else None,
    )


def _kinds(values: dict[str, str]) -> list[str]:
    """What may be contested from where the person came: an alert, or a record and its link."""
    if values.get("alert_id"):
        return ["alert"]
    if values.get("subject_index", "").isdigit():
        return ["link", "record"]
    return ["record"]


def _form_context(values: dict[str, str], errors: FormErrors | None = None) -> dict[str, Any]:
    kinds = _kinds(values)
    if values.get("kind") not in kinds:
        values["kind"] = kinds[0]
    return {
        "values": values,
        "kinds": [{"value": k, "text": KIND_WORDS[k], "checked": values["kind"] == k} for k in kinds],
        "item_key": _item_from(values).key,
        "errors": errors,
        "has_errors": bool(errors),
    }


FIELDS = ("kind", "agency", "source_record_id", "subject_index", "alert_id", "back")


@router.get("/contests/new", response_class=HTMLResponse)
def new_contest(request: Request, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    require_role(actor, CHILD_ROLES, "contesting the record")
    values = {k: str(request.query_params.get(k) or "").strip() for k in FIELDS}
    person = str(request.query_params.get("person") or "")
    with engine.begin() as conn:
        if values["agency"] and values["source_record_id"] and person.isdigit() and not values["subject_index"]:
            # from a chronology row: the subject of the record that is this person (for a link contest)
            index = contests_repo.subject_index_of(conn, values["agency"], values["source_record_id"], int(person))
            values["subject_index"] = "" if index is None else str(index)
        context = _form_context(values)
        try:
            person_id = item_person(conn, _item_from(values))
        except UnknownItem as exc:
            raise HTTPException(404) from exc
        except ContestError as exc:
            raise HTTPException(400, str(exc)) from exc
        _guard(conn, actor, person_id, "read")
    return render(request, "views/contest_new.html", context)


@router.post("/contests/new", response_model=None)
async def raise_one(request: Request, actor: PageActor, engine: EngineDep) -> Response:
    require_role(actor, CHILD_ROLES, "contesting the record")
    posted = await checked_form(request, engine, actor)
    values = text_fields(posted, (*FIELDS, "reason", "on_behalf_of"))
    errors = FormErrors()
    if values["kind"] not in _kinds(values):
        errors.add("kind", "Select what is wrong")
    if not values["reason"]:
        errors.add("reason", "Enter what is wrong, and what is right")
    elif len(values["reason"]) > 4000:
        errors.add("reason", "The reason must be 4,000 characters or fewer")
    if values["on_behalf_of"] not in ("professional", "family"):
        errors.add("on_behalf_of", "Select who is contesting the record")
    item = _item_from(values)
    with engine.begin() as conn:
        try:
            person_id = item_person(conn, item)
        except UnknownItem as exc:
            raise HTTPException(404) from exc
        except ContestError as exc:
            raise HTTPException(400, str(exc)) from exc
        _guard(conn, actor, person_id, "write")
        if not errors:
            try:
                contest_id = raise_contest(conn, actor, item, values["reason"], on_behalf_of=values["on_behalf_of"])
            except ContestError as exc:
                errors.add("reason", str(exc)[:1].upper() + str(exc)[1:])
            else:
                return RedirectResponse(f"/contests/{contest_id}?done=raised", status_code=303)
    return render(request, "views/contest_new.html", _form_context(values, errors), status_code=400)


@router.get("/contests", response_class=HTMLResponse)
def contests(request: Request, actor: PageActor, engine: EngineDep, status: str = "open") -> HTMLResponse:
    require_role(actor, CHILD_ROLES, "contests")
    wanted = status if status in STATUS_CHOICES else "open"
    with engine.begin() as conn:
        rows = list_contests(conn, actor, status=None if wanted == "all" else wanted)
        views = {
            pid: guard_child_read(conn, actor, pid, PURPOSE, action="list")
            for pid in {r["person_id"] for r in rows if r["person_id"] is not None}
        }
    unlinked = actor.kind == "operator" or DECIDING_ROLE in actor.roles
    rows = [r for r in rows if (views[r["person_id"]] is not View.NONE if r["person_id"] is not None else unlinked)]
    context = {
        "rows": list(reversed(rows)),
        "status": wanted,
        "statuses": [{"value": s, "text": s.capitalize(), "selected": s == wanted} for s in STATUS_CHOICES],
        "may_decide": DECIDING_ROLE in actor.roles,
    }
    return render(request, "views/contests.html", context)


def _merges_for(conn: Connection, contest: dict[str, Any]) -> list[dict[str, Any]]:
    """The merges still in force that moved the contested link: what upholding would undo."""
    if contest["item_kind"] != "link" or contest["record_id"] is None or contest["person_id"] is None:
        return []
    subject = contests_repo.subject_link(conn, contest["record_id"], contest["subject_index"])
    if subject is None:
        return []
    return [
        e
        for e in identity_review_repo.events(conn, contest["person_id"], 50)
        if e["action"] == "merge"
        and e["undone_by_event_id"] is None
        and any(m.get("record_subject_id") == subject["id"] for m in e["moved"] or [])
    ]


def _contest_context(conn: Connection, actor: Actor, contest_id: int, action: str) -> dict[str, Any]:
    try:
        contest = get_contest(conn, contest_id)
    except UnknownItem as exc:
        raise HTTPException(404) from exc
    view = _guard(conn, actor, contest["person_id"], action)
    may_decide = contest["status"] == "open" and DECIDING_ROLE in actor.roles and view is View.FULL
    return {
        "contest": contest,
        "kind_words": KIND_WORDS,
        "may_decide": may_decide,
        "merges": _merges_for(conn, contest) if may_decide else [],
        "outcomes": [{"value": k, "text": v} for k, v in OUTCOME_WORDS.items()],
        "deciding_role": DECIDING_ROLE,
    }


@router.get("/contests/{contest_id}", response_class=HTMLResponse)
def contest_page(request: Request, contest_id: int, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    require_role(actor, CHILD_ROLES, "contests")
    with engine.begin() as conn:
        context = _contest_context(conn, actor, contest_id, "read")
    context["values"] = {}
    return render(request, "views/contest.html", context)


@router.post("/contests/{contest_id}/decision", response_model=None)
async def decide(request: Request, contest_id: int, actor: PageActor, engine: EngineDep) -> Response:
    require_role(actor, DECIDE_ROLES, "deciding contests")
    posted = await checked_form(request, engine, actor)
    values = text_fields(posted, ("outcome", "reason", "unmerge", "new_version"))
    errors = FormErrors()
    if values["outcome"] not in OUTCOME_WORDS:
        errors.add("outcome", "Select whether the contest is upheld or rejected")
    if not values["reason"]:
        errors.add("reason", "Enter the reason for the decision: the family or professional will read it")
    for name in ("unmerge", "new_version"):
        if values[name] and not values[name].isdigit():
            errors.add(name, "Enter a number")
    try:
        with engine.begin() as conn:
            context = _contest_context(conn, actor, contest_id, "decide")
            if not context["may_decide"] and context["contest"]["status"] == "open":
                raise PageForbidden("deciding a contest needs the manager role and the full view of the child")
            if not errors:
                upheld = values["outcome"] == "upheld"
                try:
                    decide_contest(
                        conn,
                        actor,
                        contest_id,
                        values["outcome"],
                        values["reason"],
                        unmerge=int(values["unmerge"]) if upheld and values["unmerge"] else None,
                        new_version=int(values["new_version"]) if upheld and values["new_version"] else None,
                    )
                except ContestError as exc:
                    # undo anything the correction did before it failed: out of the transaction
                    raise _NotDecided(str(exc)) from exc
                return RedirectResponse(f"/contests/{contest_id}?done=decided", status_code=303)
    except _NotDecided as failed:
        errors.add("outcome", str(failed)[:1].upper() + str(failed)[1:])
        with engine.begin() as conn:
            context = _contest_context(conn, actor, contest_id, "read")
    context.update({"errors": errors, "has_errors": True, "values": values})
    return render(request, "views/contest.html", context, status_code=400)
