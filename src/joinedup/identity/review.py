"""The clerical review queue: subjects the model could neither settle nor dismiss.

Each item names the subject (linked meanwhile to a provisional person, decision ``review``),
the candidate person and the comparison weights that put it in the band. A clerk accepts (the
provisional person is merged into the candidate; reversible by unmerge), rejects (the subject
stays its own person) or is not sure (the item stays in the queue, set aside). Decided links
become ``manual`` so no later re-link overrides a person's judgement.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from sqlalchemy import Connection

from joinedup.identity.errors import ReviewAlreadyDecided, ReviewNotFound
from joinedup.identity.merges import merge
from joinedup.storage import identity_review_repo as repo
from joinedup.storage.identity_links_repo import now

SHOWN_FIELDS = (
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "other_ids",
    "address_line1",
    "address_town",
    "address_postcode",
    "role",
)


class Outcome(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    NOT_SURE = "not_sure"


def list_items(conn: Connection, *, include_set_aside: bool = True, limit: int = 200) -> list[dict[str, Any]]:
    statuses = ("open", "not_sure") if include_set_aside else ("open",)
    return [_summary(i) for i in repo.items(conn, statuses, limit)]


def _summary(found: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id",
        "record_subject_id",
        "provisional_person_id",
        "candidate_person_id",
        "match_probability",
        "match_weight",
        "reason",
        "status",
        "outcome",
        "decided_by",
        "decided_at",
        "created_at",
    )
    return {k: found[k] for k in keys}


def _subject_view(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "agency": row["agency"],
        "source_record_id": row["source_record_id"],
        "occurred_at": row["occurred_at"],
        "subject_index": row["subject_index"],
        **{k: row[k] for k in SHOWN_FIELDS},
    }


def show_item(conn: Connection, item_id: int) -> dict[str, Any]:
    """The item, the subject as recorded, the candidate's records, and the weights per comparison."""
    found = repo.item(conn, item_id)
    if found is None:
        raise ReviewNotFound(item_id)
    subject = repo.subject_with_record(conn, found["record_subject_id"])
    return {
        **_summary(found),
        "note": found["note"],
        "comparison": found["comparison"] or {},
        "subject": _subject_view(subject) if subject else None,
        "candidate_records": [_subject_view(r) for r in repo.subjects_of_person(conn, found["candidate_person_id"])],
    }


def decide_item(
    conn: Connection, item_id: int, outcome: Outcome, *, actor: str, note: str | None = None
) -> dict[str, Any]:
    found = repo.item(conn, item_id)
    if found is None:
        raise ReviewNotFound(item_id)
    if found["status"] == "decided":
        raise ReviewAlreadyDecided(item_id, found["outcome"])
    result: dict[str, Any] = {"id": item_id, "outcome": outcome.value}
    if outcome is Outcome.NOT_SURE:
        repo.set_item(conn, item_id, status="not_sure", note=note, decided_by=actor, decided_at=now())
        return result
    if outcome is Outcome.ACCEPT:
        provisional = found["provisional_person_id"]
        candidate = found["candidate_person_id"]
        from joinedup.identity.persons import current_person

        provisional, candidate = current_person(conn, provisional), current_person(conn, candidate)
        if provisional != candidate:
            result["merge_event_id"] = merge(
                conn,
                provisional,
                candidate,
                actor=actor,
                reason=note or f"review item {item_id} accepted",
                review_item_id=item_id,
            )
        result["person_id"] = candidate
    else:
        repo.set_decision(conn, found["record_subject_id"], "manual")
        result["person_id"] = found["provisional_person_id"]
    repo.set_item(conn, item_id, status="decided", outcome=outcome.value, note=note, decided_by=actor, decided_at=now())
    return result
