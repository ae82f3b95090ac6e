"""Small invented records for tests (importable as ``support.records`` from any test)."""

from __future__ import annotations

from datetime import date, timedelta
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


_SYLLABLES = ["ka", "ri", "mo", "len", "sa", "tor", "vi", "na", "bel", "do", "fra", "gu", "hal", "jo", "ne", "pi"]


def _invented_name(n: int, parts: int) -> str:
    """A letters-only invented name unique to ``n`` (standardisation strips digits)."""
    out = []
    for _ in range(parts):
        out.append(_SYLLABLES[n % len(_SYLLABLES)])
        n //= len(_SYLLABLES)
    return "".join(out).capitalize()


def many_records(count: int, prefix: str = "R") -> list[dict[str, Any]]:
    """Distinct invented records about distinct children, varied enough to exercise every
    column and spread like a real population (dates of birth over 18 years, many postcodes),
    so that linking them costs what a real file of this size costs."""
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
        born = date(2007, 1, 1) + timedelta(days=(i * 7919) % 6570)
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
                        "given_name": _invented_name(i, 3),
                        "family_name": _invented_name(i * 31 + 7, 4),
                        "date_of_birth": born.isoformat(),
                        "address": {
                            "postcode": f"NT{1 + i % 97} {i % 10}{'ABDEFGHJLN'[i // 10 % 10]}{'PQRSTUWXYZ'[i // 100 % 10]}"
                        },
                    }
                ],
            )
        )
    return rows
