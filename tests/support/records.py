"""Small invented records for tests (importable as ``support.records`` from any test)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson


def record(source_record_id: str = "S-1", **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "agency": "school",
        "organisation": "Mill Lane Primary",
        "source_record_id": source_record_id,
        "local_authority": "Northtown",
        "occurred_at": "2024-01-15",
        "event_type": "attendance_concern",
        "narrative": "Arrived late and hungry.",
        "subjects": [
            {
                "role": "child",
                "given_name": "Tilly",
                "family_name": "Ashdown",
                "date_of_birth": "2016-04-09",
                "address": {"line1": "12 Mill Lane", "town": "Northtown", "postcode": "NT1 4AB"},
            },
            {"role": "parent", "given_name": "Joanne", "family_name": "Ashdown"},
        ],
    }
    base.update(changes)
    return base


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_bytes(b"".join((r if isinstance(r, bytes) else orjson.dumps(r)) + b"\n" for r in rows))
    return path


def many_records(count: int, prefix: str = "R") -> list[dict[str, Any]]:
    """Distinct invented records, varied enough to exercise every column."""
    agencies = ["school", "gp", "police", "health_visitor", "housing", "hospital_ed"]
    events = [
        "attendance_concern",
        "appointment_attended",
        "police_welfare_check",
        "home_visit_child_seen",
        "house_move",
        "ed_attendance",
    ]
    rows = []
    for i in range(count):
        k = i % len(agencies)
        rows.append(
            record(
                f"{prefix}-{i}",
                agency=agencies[k],
                organisation=f"Org {k}",
                event_type=events[k],
                occurred_at=f"202{i % 4}-{1 + i % 12:02d}-{1 + i % 28:02d}",
                narrative=f"Synthetic note {i}.",
                subjects=[
                    {
                        "role": "child",
                        "given_name": f"Child{i % 997}",
                        "family_name": f"Fam{i % 331}",
                        "date_of_birth": f"201{i % 9}-{1 + i % 12:02d}-{1 + i % 27:02d}",
                        "address": {"postcode": f"NT{i % 9} {i % 10}AB"},
                    }
                ],
            )
        )
    return rows
