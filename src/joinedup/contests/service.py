"""Raising and deciding contests.

Keys: a record is named by ``agency`` and ``source_record_id`` (what the agency knows it by); a
link by the same plus the subject's ``subject_index`` (the key ``joinedup link export`` uses);
an alert by its id. The contest remembers the version it was raised against.

Deciding: only a ``manager`` decides (a named role, so a family knows who answered them).
Upholding a link contest needs the merge to undo (``--unmerge``: joinedup.identity.merges puts
every moved link back, and the chronologies and alerts follow the links); upholding a record
contest needs the corrected version the agency sent (``--new-version``: a later version of the
same record, stored by ingest beside the old). An upheld alert contest is the decision itself:
the alert stays in its history, marked by the contest's outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from joinedup.access.actor import Actor
from joinedup.access.policy import CHILD_DATA_ROLES
from joinedup.audit.chain import append_event
from joinedup.audit.events import AuditEvent
from joinedup.contests.errors import CannotDecide, NotPermitted, UnknownItem
from joinedup.storage import contests_repo as repo

DECIDING_ROLE = "manager"
ON_BEHALF = ("professional", "family")
OUTCOMES = ("upheld", "rejected")
PURPOSE = "contest: correcting the record"


def _may_raise(actor: Actor) -> None:
    if actor.kind != "operator" and not (actor.roles & CHILD_DATA_ROLES):
        raise NotPermitted(
            f"{actor.name} may not raise a contest: it takes a practitioner, front door, social worker or manager"
        )


def _check(reason: str, on_behalf_of: str) -> None:
    if not reason.strip():
        raise CannotDecide("give the reason for the contest: what is wrong, and what is right")
    if on_behalf_of not in ON_BEHALF:
        raise CannotDecide(f"on behalf of {on_behalf_of!r}? say 'professional' or 'family'")


def _raise(conn: Connection, actor: Actor, reason: str, on_behalf_of: str, **item: Any) -> int:
    now = datetime.now(UTC)
    contest_id = repo.add(
        conn,
        reason=reason.strip(),
        raised_by=actor.name,
        on_behalf_of=on_behalf_of,
        raised_at=now,
        status="open",
        **item,
    )
    append_event(
        conn,
        AuditEvent.for_actor(
            actor,
            "contest.raise",
            PURPOSE,
            "recorded",
            person_id=item.get("person_id"),
            reason=f"contest {contest_id} on behalf of {on_behalf_of}",
            detail={"contest_id": contest_id, "item_kind": item["item_kind"], "item_key": item["item_key"]},
        ),
    )
    return contest_id


def _record(conn: Connection, agency: str, source_record_id: str) -> dict[str, Any]:
    found = repo.head_record(conn, agency, source_record_id)
    if found is None:
        raise UnknownItem(f"there is no record {source_record_id!r} from {agency}; check the agency and the id")
    return found


def contest_record(
    conn: Connection,
    actor: Actor,
    agency: str,
    source_record_id: str,
    reason: str,
    *,
    on_behalf_of: str = "professional",
) -> int:
    _may_raise(actor)
    _check(reason, on_behalf_of)
    found = _record(conn, agency, source_record_id)
    return _raise(
        conn,
        actor,
        reason,
        on_behalf_of,
        item_kind="record",
        item_key=f"{agency}/{source_record_id}",
        record_id=found["id"],
        person_id=repo.first_child_person(conn, found["id"]),
    )


def contest_link(
    conn: Connection,
    actor: Actor,
    agency: str,
    source_record_id: str,
    subject_index: int,
    reason: str,
    *,
    on_behalf_of: str = "professional",
) -> int:
    _may_raise(actor)
    _check(reason, on_behalf_of)
    found = _record(conn, agency, source_record_id)
    subject = repo.subject_link(conn, found["id"], subject_index)
    if subject is None:
        raise UnknownItem(f"record {source_record_id!r} from {agency} has no subject {subject_index}")
    return _raise(
        conn,
        actor,
        reason,
        on_behalf_of,
        item_kind="link",
        item_key=f"{agency}/{source_record_id}#{subject_index}",
        record_id=found["id"],
        subject_index=subject_index,
        person_id=subject["person_id"],
    )


def contest_alert(
    conn: Connection, actor: Actor, alert_id: int, reason: str, *, on_behalf_of: str = "professional"
) -> int:
    _may_raise(actor)
    _check(reason, on_behalf_of)
    found = repo.alert(conn, alert_id)
    if found is None:
        raise UnknownItem(f"there is no alert {alert_id}; `joinedup alerts list` shows them")
    return _raise(
        conn,
        actor,
        reason,
        on_behalf_of,
        item_kind="alert",
        item_key=str(alert_id),
        alert_id=alert_id,
        person_id=found["person_id"],
    )


def _correction(
    conn: Connection, actor: Actor, contest: dict[str, Any], unmerge: int | None, new_version: int | None, reason: str
) -> dict[str, Any] | None:
    kind = contest["item_kind"]
    if kind == "link":
        if new_version is not None:
            raise CannotDecide("a link is corrected by undoing the merge that made it: give --unmerge MERGE_ID")
        if unmerge is None:
            raise CannotDecide(
                "to uphold a contested link, give the merge that made it (--unmerge MERGE_ID; "
                "`joinedup link history` lists merges); a link the matcher made goes to clerical review"
            )
        from joinedup.identity.errors import MergeError
        from joinedup.identity.merges import unmerge as undo

        try:
            event_id = undo(conn, unmerge, actor=actor.name, reason=f"contest {contest['id']}: {reason}")
        except MergeError as exc:
            raise CannotDecide(str(exc)) from exc
        return {
            "kind": "unmerge",
            "merge_event_id": unmerge,
            "unmerge_event_id": event_id,
            "alerts_to_review": _after_unmerge(conn, unmerge),
        }
    if kind == "record":
        if unmerge is not None:
            raise CannotDecide("a record is corrected by the agency's new version of it: give --new-version RECORD_ID")
        if new_version is None:
            raise CannotDecide(
                "to uphold a contested record, the agency sends the corrected record again (same source_record_id) "
                "and you give its id with --new-version; records are never edited"
            )
        held = repo.record(conn, contest["record_id"])
        newer = repo.record(conn, new_version)
        if (
            newer is None
            or held is None
            or (newer["agency"], newer["source_record_id"]) != (held["agency"], held["source_record_id"])
            or newer["version"] <= held["version"]
        ):
            raise CannotDecide(
                f"record {new_version} is not a later version of {contest['item_key']} (version {held and held['version']})"
            )
        return {"kind": "new_version", "record_id": new_version, "version": newer["version"]}
    if unmerge is not None or new_version is not None:
        raise CannotDecide("an alert is corrected by the decision itself; give no --unmerge or --new-version")
    return {"kind": "alert_upheld", "alert_id": contest["alert_id"]}


def _after_unmerge(conn: Connection, merge_event_id: int) -> list[int]:
    """Judge the rules again for both children now their stories are apart, so the child who
    was split off gets their own alerts; returns the open alerts still resting on records that
    now belong to the other child, for the manager to decide (alerts are never deleted)."""
    from joinedup.chronology.facts import load_child_facts
    from joinedup.rules.engine import evaluate_children
    from joinedup.rules.loader import load_library
    from joinedup.storage import identity_review_repo

    merged = identity_review_repo.event(conn, merge_event_id)
    persons = [merged["from_person_id"], merged["into_person_id"]] if merged else []
    evaluate_children(conn, load_library(), load_child_facts(conn, persons), datetime.now(UTC))
    return repo.alerts_resting_on_others(conn, persons)


def decide_contest(
    conn: Connection,
    actor: Actor,
    contest_id: int,
    outcome: str,
    reason: str,
    *,
    unmerge: int | None = None,
    new_version: int | None = None,
) -> dict[str, Any]:
    """Decide an open contest; an upheld one is corrected in the same transaction."""
    if DECIDING_ROLE not in actor.roles:
        raise NotPermitted(f"{actor.name} may not decide contests: it takes the {DECIDING_ROLE} role")
    if outcome not in OUTCOMES:
        raise CannotDecide(f"outcome {outcome!r}? say 'upheld' or 'rejected'")
    if not reason.strip():
        raise CannotDecide("give the reason for the decision: the family or professional will read it")
    contest = repo.get(conn, contest_id)
    if contest is None:
        raise UnknownItem(f"there is no contest {contest_id}; `joinedup contests list` shows them")
    if contest["status"] != "open":
        raise CannotDecide(f"contest {contest_id} was already {contest['status']} by {contest['decided_by']}")
    correction = None
    if outcome == "upheld":
        correction = _correction(conn, actor, contest, unmerge, new_version, reason)
    elif unmerge is not None or new_version is not None:
        raise CannotDecide("a rejected contest corrects nothing; drop --unmerge/--new-version")
    decided = repo.decide(
        conn,
        contest_id,
        status=outcome,
        decided_by=actor.name,
        decided_role=DECIDING_ROLE,
        decided_at=datetime.now(UTC),
        decision_reason=reason.strip(),
        correction=correction,
    )
    if not decided:
        raise CannotDecide(f"contest {contest_id} was decided by someone else just now")
    append_event(
        conn,
        AuditEvent.for_actor(
            actor,
            "contest.decide",
            PURPOSE,
            outcome,
            person_id=contest["person_id"],
            reason=f"contest {contest_id} {outcome}",
            detail={"contest_id": contest_id, "item_key": contest["item_key"], "correction": correction},
        ),
    )
    found = repo.get(conn, contest_id)
    assert found is not None
    return contest_json(found)


def contest_json(row: dict[str, Any]) -> dict[str, Any]:
    """The public shape of a contest (``joinedup contests list --format json``)."""
    return {
        "id": row["id"],
        "item_kind": row["item_kind"],
        "item_key": row["item_key"],
        "record_id": row["record_id"],
        "subject_index": row["subject_index"],
        "alert_id": row["alert_id"],
        "person_id": row["person_id"],
        "reason": row["reason"],
        "raised_by": row["raised_by"],
        "on_behalf_of": row["on_behalf_of"],
        "raised_at": row["raised_at"].isoformat() if row["raised_at"] else None,
        "status": row["status"],
        "decided_by": row["decided_by"],
        "decided_role": row["decided_role"],
        "decided_at": row["decided_at"].isoformat() if row["decided_at"] else None,
        "decision_reason": row["decision_reason"],
        "correction": row["correction"],
    }


def list_contests(
    conn: Connection, actor: Actor, *, status: str | None = None, person_id: int | None = None
) -> list[dict[str, Any]]:
    """Contests, oldest first. Reasons may describe a child, so the list is for those who may
    raise them, and the reading is audited."""
    _may_raise(actor)
    rows = [contest_json(r) for r in repo.listing(conn, status=status, person_id=person_id)]
    append_event(
        conn,
        AuditEvent.for_actor(
            actor, "contest.list", PURPOSE, "shown", person_id=person_id, detail={"count": len(rows), "status": status}
        ),
    )
    return rows


ITEM_KINDS = ("record", "link", "alert")


@dataclass(frozen=True)
class Item:
    """What a contest is raised on, as a form or an API request names it."""

    kind: str
    agency: str | None = None
    source_record_id: str | None = None
    subject_index: int | None = None
    alert_id: int | None = None

    @property
    def key(self) -> str:
        if self.kind == "alert":
            return str(self.alert_id)
        if self.kind == "link":
            return f"{self.agency}/{self.source_record_id}#{self.subject_index}"
        return f"{self.agency}/{self.source_record_id}"


def item_person(conn: Connection, item: Item) -> int | None:
    """Whose data the item is (the person the access guard is asked about), before raising.
    Raises ``UnknownItem`` for an item that does not exist, ``CannotDecide`` for a malformed one."""
    if item.kind not in ITEM_KINDS:
        raise CannotDecide(f"contest what? say {', '.join(ITEM_KINDS)} (not {item.kind!r})")
    if item.kind == "alert":
        if item.alert_id is None:
            raise CannotDecide("give the alert's id")
        found_alert = repo.alert(conn, item.alert_id)
        if found_alert is None:
            raise UnknownItem(f"there is no alert {item.alert_id}; `joinedup alerts list` shows them")
        return int(found_alert["person_id"])
    if not item.agency or not item.source_record_id:
        raise CannotDecide("give the agency and the record's source id")
    found = _record(conn, item.agency, item.source_record_id)
    if item.kind == "record":
        return repo.first_child_person(conn, found["id"])
    if item.subject_index is None:
        raise CannotDecide("give the subject index of the link (0 for the record's first subject)")
    subject = repo.subject_link(conn, found["id"], item.subject_index)
    if subject is None:
        raise UnknownItem(f"record {item.source_record_id!r} from {item.agency} has no subject {item.subject_index}")
    person: int | None = subject["person_id"]
    return person


def raise_contest(
    conn: Connection, actor: Actor, item: Item, reason: str, *, on_behalf_of: str = "professional"
) -> int:
    """Raise a contest on any kind of item (the web form and the API call this)."""
    if item.kind == "alert":
        assert item.alert_id is not None
        return contest_alert(conn, actor, item.alert_id, reason, on_behalf_of=on_behalf_of)
    assert item.agency is not None and item.source_record_id is not None
    if item.kind == "link":
        assert item.subject_index is not None
        return contest_link(
            conn, actor, item.agency, item.source_record_id, item.subject_index, reason, on_behalf_of=on_behalf_of
        )
    return contest_record(conn, actor, item.agency, item.source_record_id, reason, on_behalf_of=on_behalf_of)


def get_contest(conn: Connection, contest_id: int) -> dict[str, Any]:
    found = repo.get(conn, contest_id)
    if found is None:
        raise UnknownItem(f"there is no contest {contest_id}; `joinedup contests list` shows them")
    return contest_json(found)
