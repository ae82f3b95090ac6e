"""Marking contested items where they are shown: additive fields only (``contested`` and
``contest_ids``), so every existing reader of the link export, the chronology, the alerts and
the identity review keeps working.

What counts as contested, wherever it is shown:

* a record, while an open contest names the record (any version of it: the agency and its
  source record id) or the link of one of its subjects;
* a link (a record's subject joined to a person), while an open contest names that link, or
  the record it belongs to;
* an alert, while an open contest names the alert.

``ContestMarks`` reads the open contests once per page or response; every lookup after that
is a dictionary access.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection

from joinedup.storage import contests_repo as repo

# agency, organisation, given name, family name, date of birth, postcode: the identity panel's key
IdentityKey = tuple[Any, Any, Any, Any, Any, Any]


def _sorted(ids: Iterable[int]) -> list[int]:
    return sorted(set(ids))


@dataclass
class ContestMarks:
    """The open contests, indexed by what pages show."""

    by_key: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    by_source: dict[tuple[str, str], list[int]] = field(default_factory=dict)  # record and link contests
    by_record_id: dict[int, list[int]] = field(default_factory=dict)  # the version each contest was raised on
    by_identity: dict[IdentityKey, list[int]] = field(default_factory=dict)

    @classmethod
    def load(cls, conn: Connection) -> ContestMarks:
        marks = cls(by_key=repo.open_keys(conn))
        for (kind, key), ids in marks.by_key.items():
            if kind in ("record", "link"):
                agency, _, rest = key.partition("/")
                source = rest.rsplit("#", 1)[0] if kind == "link" else rest
                marks.by_source.setdefault((agency, source), []).extend(ids)
        if marks.by_source:
            for row in repo.open_record_ids(conn):
                marks.by_record_id.setdefault(row["record_id"], []).append(row["id"])
        return marks

    def __bool__(self) -> bool:
        return bool(self.by_key)

    def alert(self, alert_id: int | None) -> list[int]:
        return list(self.by_key.get(("alert", str(alert_id)), [])) if alert_id is not None else []

    def record(self, agency: str | None, source_record_id: str | None, record_id: int | None = None) -> list[int]:
        ids = list(self.by_source.get((agency or "", source_record_id or ""), []))
        if record_id is not None:
            ids += self.by_record_id.get(record_id, [])
        return _sorted(ids)

    def link(self, agency: str | None, source_record_id: str | None, subject_index: int | None) -> list[int]:
        """A link is contested when it is, or when its record is."""
        ids = self.by_key.get(("link", f"{agency}/{source_record_id}#{subject_index}"), [])
        ids = ids + self.by_key.get(("record", f"{agency}/{source_record_id}"), [])
        return _sorted(ids)

    def entry(self, entry: Any) -> list[int]:
        """A chronology entry (the dataclass or its JSON): its alert, or its record."""

        def get(name: str) -> Any:
            return entry.get(name) if isinstance(entry, dict) else getattr(entry, name, None)

        if get("kind") == "alert":
            return self.alert(get("alert_id"))
        if get("kind") != "record":
            return []
        provenance = get("provenance")
        if isinstance(provenance, dict):
            agency, source = provenance.get("agency"), provenance.get("source_record_id")
        else:
            agency = getattr(provenance, "agency", None) or get("agency")
            source = getattr(provenance, "source_record_id", None)
        return self.record(agency, source, get("record_id"))

    def add_story(self, entries: Iterable[Any]) -> ContestMarks:
        """Index the identity panel of a child page: each (agency, organisation, name, date of
        birth, postcode) row is contested when any record in it is."""
        for entry in entries:
            if getattr(entry, "kind", None) != "record" or getattr(entry, "provenance", None) is None:
                continue
            ids = self.entry(entry)
            if ids:
                self.by_identity.setdefault(identity_key(entry), []).extend(ids)
        return self

    def identity(self, row: Any) -> list[int]:
        """An identity panel row (``child_summary.RecordedIdentity``)."""
        key = (row.agency, row.organisation, row.given_name, row.family_name, row.date_of_birth, row.postcode)
        return _sorted(self.by_identity.get(key, []))


def identity_key(entry: Any) -> IdentityKey:
    seen = entry.provenance.recorded_as
    return (
        entry.provenance.agency,
        entry.provenance.organisation,
        seen.given_name if seen else None,
        seen.family_name if seen else None,
        seen.date_of_birth if seen else None,
        seen.postcode if seen else None,
    )


def marked(item: dict[str, Any], ids: list[int]) -> dict[str, Any]:
    """``item`` with the two additive fields set."""
    item["contested"] = bool(ids)
    item["contest_ids"] = ids
    return item


def mark_link_rows(conn: Connection, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Link export rows (agency, source_record_id, subject_index …) with ``contested`` added."""
    marks = ContestMarks.load(conn)
    for row in rows:
        ids = marks.link(row["agency"], row["source_record_id"], row["subject_index"])
        yield {**row, "contested": bool(ids), "contest_ids": ids}


def mark_chronology(conn: Connection, story: dict[str, Any], marks: ContestMarks | None = None) -> dict[str, Any]:
    """A chronology's JSON with each entry marked: a record entry is contested when the record
    or the link of one of its subjects is; an alert entry when the alert is."""
    marks = marks if marks is not None else ContestMarks.load(conn)
    for entry in story.get("entries", []):
        marked(entry, marks.entry(entry))
    return story


def mark_alerts(
    conn: Connection, alerts: list[dict[str, Any]], marks: ContestMarks | None = None
) -> list[dict[str, Any]]:
    """Alert JSON (``alerts_repo.alert_json``) marked, and each piece of evidence marked by its record."""
    marks = marks if marks is not None else ContestMarks.load(conn)
    for alert in alerts:
        marked(alert, marks.alert(alert.get("alert_id")))
        for item in alert.get("evidence") or []:
            if isinstance(item, dict):
                marked(item, marks.record(item.get("agency"), item.get("source_record_id"), item.get("record_id")))
    return alerts


def mark_subject(marks: ContestMarks, subject: dict[str, Any] | None) -> dict[str, Any] | None:
    """A subject as the identity review shows it (agency, source_record_id, subject_index)."""
    if subject is None:
        return None
    return marked(
        subject, marks.link(subject.get("agency"), subject.get("source_record_id"), subject.get("subject_index"))
    )


def mark_review_items(
    conn: Connection, items: list[dict[str, Any]], marks: ContestMarks | None = None
) -> list[dict[str, Any]]:
    """Identity review queue items: contested when the link of the item's subject is."""
    marks = marks if marks is not None else ContestMarks.load(conn)
    keys = repo.subject_keys(conn, [i["record_subject_id"] for i in items]) if marks else {}
    for item in items:
        key = keys.get(item["record_subject_id"])
        marked(item, marks.link(key["agency"], key["source_record_id"], key["subject_index"]) if key else [])
    return items


def mark_review_item(conn: Connection, shown: dict[str, Any], marks: ContestMarks | None = None) -> dict[str, Any]:
    """One identity review item: the item (its subject's link), the subject and each of the
    candidate's records."""
    marks = marks if marks is not None else ContestMarks.load(conn)
    mark_subject(marks, shown.get("subject"))
    for record in shown.get("candidate_records") or []:
        mark_subject(marks, record)
    return marked(shown, list(shown["subject"]["contest_ids"]) if shown.get("subject") else [])
