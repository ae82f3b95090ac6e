"""Helpers for identity tests: invented records and a reader of who was linked to whom."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, text


def record(agency: str, source_id: str, *subjects: dict[str, Any], occurred_at: str = "2024-01-15") -> dict[str, Any]:
    return {
        "agency": agency,
        "source_record_id": source_id,
        "occurred_at": occurred_at,
        "event_type": "attendance_concern",
        "subjects": list(subjects),
    }


def links(engine: Engine) -> dict[tuple[str, int], tuple[int, str, float | None]]:
    """(source_record_id, subject_index) -> (person_id, decision, probability)."""
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select r.source_record_id, l.subject_index, l.person_id, l.decision, l.match_probability "
                "from subject_links l join records r on r.id = l.record_id"
            )
        )
        return {(r[0], r[1]): (r[2], r[3], r[4]) for r in rows}


@pytest.fixture
def make_record() -> Any:
    return record


@pytest.fixture
def read_links() -> Any:
    return links
