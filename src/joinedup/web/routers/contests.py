"""Contests API: raise a contest on a record, a link or an alert; list and read contests; the
named deciding role (a manager) decides. Same shapes as ``joinedup contests list --format json``.

Each call passes the access guard for the child whose data the item is (purpose ``contest``):
raising needs some view of the child (the full view, or the flag view of an involved
practitioner whose organisation holds the record) and, for a token, the ``decide`` scope;
deciding needs the full view. The contest service writes its own audit entries beside the
guard's.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field
from sqlalchemy import Connection

from joinedup.access.actor import Actor
from joinedup.access.guard import View, guard_child_read
from joinedup.access.policy import CHILD_DATA_ROLES
from joinedup.contests import CannotDecide, ContestError, NotPermitted, UnknownItem, decide_contest, list_contests
from joinedup.contests.service import DECIDING_ROLE, Item, get_contest, item_person, raise_contest
from joinedup.identity.persons import current_person
from joinedup.web.deps import ActorDep, EngineDep

router = APIRouter(prefix="/api/v1/contests", tags=["contests"])
PURPOSE = "contest"


class RaiseContest(BaseModel):
    item_kind: Literal["record", "link", "alert"]
    agency: str | None = Field(default=None, description="record and link: the agency that sent the record")
    source_record_id: str | None = Field(default=None, description="record and link: the agency's own id")
    subject_index: int | None = Field(default=None, ge=0, description="link: which subject of the record")
    alert_id: int | None = Field(default=None, description="alert: its id")
    reason: str = Field(min_length=1, max_length=4000, description="What is wrong, and what is right")
    on_behalf_of: Literal["professional", "family"] = "professional"


class DecideContest(BaseModel):
    outcome: Literal["upheld", "rejected"]
    reason: str = Field(min_length=1, max_length=4000)
    unmerge: int | None = Field(default=None, description="link upheld: the merge event to undo")
    new_version: int | None = Field(default=None, description="record upheld: the corrected version's record id")


def _status(exc: ContestError) -> HTTPException:
    if isinstance(exc, UnknownItem):
        return HTTPException(404, str(exc))
    if isinstance(exc, NotPermitted):
        return HTTPException(403, str(exc))
    if isinstance(exc, CannotDecide) and ("already" in str(exc) or "someone else" in str(exc)):
        return HTTPException(409, str(exc))
    return HTTPException(422, str(exc))


def _guard(conn: Connection, actor: Actor, person_id: int | None, action: str, needed: View) -> None:
    """The child's view for the actor; a contest on data linked to nobody is for the operator
    and the deciding role only."""
    if person_id is None:
        if actor.kind != "operator" and DECIDING_ROLE not in actor.roles:
            raise HTTPException(403, "this item is linked to no child; a manager handles contests on it")
        return
    person_id = current_person(conn, person_id)  # a merged person's data is now the other's
    view = guard_child_read(conn, actor, person_id, PURPOSE, action=action)
    if view is View.NONE or (needed is View.FULL and view is not View.FULL):
        raise HTTPException(403, f"you may not {action} contests on child {person_id}'s data")


@router.post("", status_code=201, summary="Contest a record, a link between two people, or an alert")
def raise_one(body: RaiseContest, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    item = Item(body.item_kind, body.agency, body.source_record_id, body.subject_index, body.alert_id)
    with engine.begin() as conn:
        try:
            person_id = item_person(conn, item)
            _guard(conn, actor, person_id, "write", View.FLAG)
            contest_id = raise_contest(conn, actor, item, body.reason, on_behalf_of=body.on_behalf_of)
            return get_contest(conn, contest_id)
        except ContestError as exc:
            raise _status(exc) from exc


@router.get("", summary="Contests, oldest first (same shape as `joinedup contests list --format json`)")
def list_all(
    engine: EngineDep,
    actor: ActorDep,
    status: Literal["open", "upheld", "rejected"] | None = None,
    person_id: int | None = None,
) -> list[dict[str, Any]]:
    with engine.begin() as conn:
        try:
            rows = list_contests(conn, actor, status=status, person_id=person_id)
        except ContestError as exc:
            raise _status(exc) from exc
        views = {
            pid: guard_child_read(conn, actor, pid, PURPOSE, action="list")
            for pid in {r["person_id"] for r in rows if r["person_id"] is not None}
        }
        unlinked = actor.kind == "operator" or DECIDING_ROLE in actor.roles
        return [r for r in rows if (views[r["person_id"]] is not View.NONE if r["person_id"] is not None else unlinked)]


@router.get("/{contest_id}", summary="One contest with its decision, if made")
def get_one(contest_id: int, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    if actor.kind != "operator" and not actor.roles & CHILD_DATA_ROLES:
        raise HTTPException(403, "contests are for those who may raise them")
    with engine.begin() as conn:
        try:
            found = get_contest(conn, contest_id)
        except ContestError as exc:
            raise _status(exc) from exc
        _guard(conn, actor, found["person_id"], "read", View.FLAG)
        return found


@router.post("/{contest_id}/decision", summary=f"Uphold or reject a contest (the {DECIDING_ROLE} role)")
def decide(contest_id: int, body: DecideContest, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    if DECIDING_ROLE not in actor.roles:
        raise HTTPException(403, f"{actor.name} may not decide contests: it takes the {DECIDING_ROLE} role")
    with engine.begin() as conn:
        try:
            found = get_contest(conn, contest_id)
            _guard(conn, actor, found["person_id"], "decide", View.FULL)
            return decide_contest(
                conn, actor, contest_id, body.outcome, body.reason, unmerge=body.unmerge, new_version=body.new_version
            )
        except ContestError as exc:
            raise _status(exc) from exc
