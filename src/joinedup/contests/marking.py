"""Marking contested items where they are shown: additive fields only (``contested`` and
``contest_ids``), so every existing reader of the link export and the chronology keeps working.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import Connection

from joinedup.storage import contests_repo as repo


def mark_link_rows(conn: Connection, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Link export rows (agency, source_record_id, subject_index …) with ``contested`` added."""
    keys = repo.open_keys(conn)
    for row in rows:
        ids = keys.get(("link", f"{row['agency']}/{row['source_record_id']}#{row['subject_index']}"), [])
        yield {**row, "contested": bool(ids), "contest_ids": ids}


def mark_chronology(conn: Connection, story: dict[str, Any]) -> dict[str, Any]:
    """A chronology's JSON with each entry marked: a record entry is contested when the record
    or the link of its subject to this story is; an alert entry when the alert is."""
    keys = repo.open_keys(conn)
    by_record: dict[int, list[int]] = {}
    if keys:
        for contest in repo.listing(conn, status="open"):
            if contest["record_id"] is not None:
                by_record.setdefault(contest["record_id"], []).append(contest["id"])
    for entry in story.get("entries", []):
        ids: list[int] = []
        if entry.get("alert_id") is not None:
            ids += keys.get(("alert", str(entry["alert_id"])), [])
        if entry.get("kind") == "record" and entry.get("record_id") is not None:
            ids += by_record.get(entry["record_id"], [])
        entry["contested"] = bool(ids)
        entry["contest_ids"] = sorted(set(ids))
    return story
