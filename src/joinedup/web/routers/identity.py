"""Identity API: the clerical review queue (list, show with comparison weights, decide) and
merge / unmerge. Thin over ``joinedup.identity``; every read of a child's data passes the guard."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, Field

from joinedup.access.guard import View, guard_child_read
from joinedup.contests.marking import mark_review_item, mark_review_items
from joinedup.identity.errors import MergeError, ReviewAlreadyDecided, ReviewNotFound
from joinedup.identity.merges import merge, unmerge
from joinedup.identity.review import Outcome, decide_item, list_items, show_item
from joinedup.storage import identity_review_repo as review_repo
from joinedup.web.deps import ActorDep, EngineDep

router = APIRouter(prefix="/api/v1/identity", tags=["identity"])
PURPOSE = "identity review"


class Decision(BaseModel):
    outcome: Outcome
    note: str | None = Field(default=None, max_length=2000)


class MergeRequest(BaseModel):
    from_person_id: int
    into_person_id: int
    reason: str = Field(min_length=3, max_length=2000)


class UndoRequest(BaseModel):
    reason: str = Field(min_length=3, max_length=2000)


@router.get("/review", summary="Open review items")
def review_list(engine: EngineDep, actor: ActorDep) -> list[dict[str, Any]]:
    with engine.begin() as conn:
        items = list_items(conn)
        shown = [
            i for i in items if guard_child_read(conn, actor, i["candidate_person_id"], PURPOSE, "list") != View.NONE
        ]
        return mark_review_items(conn, shown)  # issue 9: "contested" and "contest_ids" (additive)


@router.get("/review/{item_id}", summary="One review item with the weight of each comparison")
def review_show(item_id: int, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    with engine.begin() as conn:
        try:
            shown = show_item(conn, item_id)
        except ReviewNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        for person_id in (shown["candidate_person_id"], shown["provisional_person_id"]):
            if guard_child_read(conn, actor, person_id, PURPOSE) != View.FULL:
                raise HTTPException(403, f"you may not see person {person_id}'s records for identity review")
        return mark_review_item(conn, shown)


@router.post("/review/{item_id}/decision", summary="Accept, reject or set aside a review item")
def review_decide(item_id: int, body: Decision, engine: EngineDep, actor: ActorDep) -> dict[str, Any]:
    with engine.begin() as conn:
        found = list_items(conn)
        target = next((i for i in found if i["id"] == item_id), None)
        if (
            target is not None
            and guard_child_read(conn, actor, target["candidate_person_id"], PURPOSE, "decide") != View.FULL
        ):
            raise HTTPException(403, "you may not decide this review item")
        try:
            return decide_item(conn, item_id, body.outcome, actor=actor.name, note=body.note)
        except ReviewNotFound as exc:
            raise HTTPException(404, str(exc)) from exc
        except ReviewAlreadyDecided as exc:
            raise HTTPException(409, str(exc)) from exc


@router.post("/merges", summary="Merge one person into another (reversible)")
def merge_persons(body: MergeRequest, engine: EngineDep, actor: ActorDep) -> dict[str, int]:
    with engine.begin() as conn:
        for person_id in (body.from_person_id, body.into_person_id):
            if guard_child_read(conn, actor, person_id, PURPOSE, "merge") != View.FULL:
                raise HTTPException(403, f"you may not merge person {person_id}")
        try:
            return {
                "merge_event_id": merge(
                    conn, body.from_person_id, body.into_person_id, actor=actor.name, reason=body.reason
                )
            }
        except MergeError as exc:
            raise HTTPException(409, str(exc)) from exc


@router.post("/merges/{event_id}/undo", summary="Undo a merge exactly")
def undo_merge(event_id: int, body: UndoRequest, engine: EngineDep, actor: ActorDep) -> dict[str, int]:
    with engine.begin() as conn:
        found = review_repo.event(conn, event_id)
        # the merged person's records now sit with the person they went into: the view of
        # that person decides
        if found and guard_child_read(conn, actor, found["into_person_id"], PURPOSE, "unmerge") != View.FULL:
            raise HTTPException(403, f"you may not undo a merge into person {found['into_person_id']}")
        try:
            return {"unmerge_event_id": unmerge(conn, event_id, actor=actor.name, reason=body.reason)}
        except MergeError as exc:
            raise HTTPException(409, str(exc)) from exc
