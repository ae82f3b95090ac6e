"""Merging two persons and undoing it. Every merge records each link it moved and what that
link was before, so an unmerge puts back exactly what was there; nothing derived is lost, and
the chronology and alerts, which read the links, follow at once."""

from __future__ import annotations

from sqlalchemy import Connection

from joinedup.identity.errors import MergeError
from joinedup.identity.frame import comparable, signature
from joinedup.identity.standardise import standardise
from joinedup.storage import identity_links_repo as links_repo
from joinedup.storage import identity_review_repo as repo


def rebuild_profiles(conn: Connection, person_ids: list[int]) -> None:
    """Rebuild the matching index for these persons from the subjects now linked to them."""
    repo.drop_profiles(conn, person_ids)
    rows = []
    for row in repo.subject_rows_of(conn, person_ids):
        fields = comparable(standardise(row))
        rows.append(
            {
                "person_id": row["linked_person_id"],
                "signature": signature(fields),
                **fields,
                "roles": [row["role"]] if row["role"] else [],
            }
        )
    links_repo.add_profiles(conn, rows)


def merge(
    conn: Connection,
    from_person_id: int,
    into_person_id: int,
    *,
    actor: str,
    reason: str | None = None,
    review_item_id: int | None = None,
) -> int:
    """Move every link of ``from_person_id`` to ``into_person_id``; returns the merge event id."""
    if from_person_id == into_person_id:
        raise MergeError(f"person {from_person_id} cannot be merged into itself")
    for pid in (from_person_id, into_person_id):
        found = repo.person(conn, pid)
        if found is None:
            raise MergeError(f"there is no person {pid}")
        if found["status"] != "active":
            raise MergeError(f"person {pid} was already merged into person {found['merged_into_id']}; merge that one")
    before = repo.links_of(conn, from_person_id)
    repo.move_links(conn, [{**link, "person_id": into_person_id, "decision": "manual"} for link in before])
    repo.set_person(conn, from_person_id, "merged", into_person_id)
    event_id = repo.add_event(
        conn,
        action="merge",
        from_person_id=from_person_id,
        into_person_id=into_person_id,
        moved=before,
        actor=actor,
        reason=reason,
        review_item_id=review_item_id,
    )
    rebuild_profiles(conn, [from_person_id, into_person_id])
    return event_id


def unmerge(conn: Connection, merge_event_id: int, *, actor: str, reason: str | None = None) -> int:
    """Undo a merge: every moved link goes back as it was; returns the unmerge event id."""
    found = repo.event(conn, merge_event_id)
    if found is None or found["action"] != "merge":
        raise MergeError(f"there is no merge {merge_event_id}; list merges with `joinedup link history`")
    if found["undone_by_event_id"] is not None:
        raise MergeError(f"merge {merge_event_id} was already undone (by event {found['undone_by_event_id']})")
    into = repo.person(conn, found["into_person_id"])
    if into is None or into["status"] != "active":
        raise MergeError(f"person {found['into_person_id']} has since been merged into another; undo that merge first")
    moved = list(found["moved"])
    repo.move_links(conn, moved)
    repo.set_person(conn, found["from_person_id"], "active", None)
    event_id = repo.add_event(
        conn,
        action="unmerge",
        from_person_id=found["into_person_id"],
        into_person_id=found["from_person_id"],
        moved=[{**m, "person_id": found["into_person_id"], "decision": "manual"} for m in moved],
        actor=actor,
        reason=reason,
        undoes_event_id=merge_event_id,
    )
    repo.mark_undone(conn, merge_event_id, event_id)
    rebuild_profiles(conn, [found["from_person_id"], found["into_person_id"]])
    return event_id
