"""Data minimisation at the door: each record keeps only the fields the register
(``register.yaml``) holds for its event type; anything else is dropped before storage, and the
ingest report says what was dropped, how often, and why.

Why at ingest and not later: a field that is never stored cannot leak, be shown to the wrong
role, or outlive its purpose. Why a notice and not a refusal: the rest of the record is needed
to keep the child safe, and the agency must learn to stop sending the field.

The register is validated on load, reporting every problem at once: every event type in the
vocabulary must be listed (a new type has to be given a purpose before it can be held), and
every field named must be one the record format has.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any

import yaml

from joinedup.records.models import AgencyRecord, Subject
from joinedup.records.vocab import EventType
from joinedup.storage.records_repo import StorableRecord

DROPPABLE = frozenset({"organisation", "local_authority", "narrative"})
# Every field of format v1, read off the models so the register can never drift from them.
FIELD_NAMES = frozenset(
    {name for name in AgencyRecord.model_fields if name != "subjects"}
    | {f"subjects.{name}" for name in Subject.model_fields}
)


class RegisterError(ValueError):
    """The register file is wrong; the message lists every problem."""


@dataclass(frozen=True)
class EventTypeEntry:
    event_type: str
    group: str
    purpose: str
    retention_years: int
    not_held: tuple[str, ...] = ()
    why_not: str | None = None


@dataclass(frozen=True)
class Register:
    lawful_basis: str
    fields: dict[str, str]
    event_types: dict[str, EventTypeEntry]


def parse_register(data: Any) -> Register:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise RegisterError("the register must be a mapping with fields, groups and event_types")
    fields = data.get("fields") or {}
    groups = data.get("groups") or {}
    types = data.get("event_types") or {}
    for name in fields:
        if name not in FIELD_NAMES:
            problems.append(f"fields.{name}: not a field of the record format")
    for name in FIELD_NAMES - set(fields):
        problems.append(f"fields.{name}: missing; say what the field is held for")
    entries: dict[str, EventTypeEntry] = {}
    for name in sorted(set(types) | {e.value for e in EventType}):
        body = types.get(name)
        if name not in {e.value for e in EventType}:
            problems.append(f"event_types.{name}: not an event type of the record format")
            continue
        if not isinstance(body, dict):
            problems.append(f"event_types.{name}: missing; give it a group (its purpose and retention)")
            continue
        group = groups.get(body.get("group"))
        if not isinstance(group, dict):
            problems.append(f"event_types.{name}.group: {body.get('group')!r} is not one of {', '.join(groups)}")
            continue
        years = body.get("retention_years", group.get("retention_years"))
        if not isinstance(years, int) or not 1 <= years <= 100:
            problems.append(f"event_types.{name}: retention_years must be a whole number of years from 1 to 100")
            continue
        not_held = tuple(body.get("not_held") or ())
        for f in not_held:
            if f not in DROPPABLE:
                problems.append(
                    f"event_types.{name}.not_held: {f!r} cannot be dropped; droppable: {', '.join(sorted(DROPPABLE))}"
                )
        if not_held and not body.get("why_not"):
            problems.append(f"event_types.{name}.why_not: say why {', '.join(not_held)} is not held")
        entries[name] = EventTypeEntry(
            name,
            str(body["group"]),
            str(body.get("purpose") or group.get("purpose") or ""),
            years,
            not_held,
            body.get("why_not"),
        )
    if problems:
        raise RegisterError("the data register has problems:\n  " + "\n  ".join(problems))
    return Register(str(data.get("lawful_basis") or ""), {k: str(v) for k, v in fields.items()}, entries)


@cache
def load_register() -> Register:
    text = resources.files("joinedup.ingest").joinpath("register.yaml").read_text(encoding="utf-8")
    return parse_register(yaml.safe_load(text))


@dataclass
class Notices:
    """Dropped fields counted per (event type, field), with the first few lines, for the report."""

    counts: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    first_lines: int = 20

    def note(self, event_type: str, dropped: tuple[str, ...], line: int) -> None:
        for name in dropped:
            lines = self.counts.setdefault((event_type, name), [0])
            lines[0] += 1
            if len(lines) <= self.first_lines:
                lines.append(line)

    def as_json(self, register: Register | None = None) -> list[dict[str, Any]]:
        register = register or load_register()
        return [
            {
                "event_type": event_type,
                "field": name,
                "records": lines[0],
                "lines": lines[1:],
                "reason": (
                    f"the data register does not hold {name} for {event_type} records "
                    f"({register.event_types[event_type].why_not}); it was dropped and not stored. "
                    "Ask the sending system to stop including it."
                ),
            }
            for (event_type, name), lines in sorted(self.counts.items())
        ]


def minimise(record: StorableRecord, register: Register | None = None) -> tuple[StorableRecord, tuple[str, ...]]:
    """The record as it may be held, and the names of the fields that were dropped."""
    from joinedup.ingest.validate import content_hash

    entry = (register or load_register()).event_types[record.event_type]
    dropped = tuple(f for f in entry.not_held if record.payload.get(f) not in (None, ""))
    if not dropped:
        return record, ()
    payload = {k: v for k, v in record.payload.items() if k not in dropped}
    kept = replace(
        record,
        payload=payload,
        content_hash=content_hash(payload),
        narrative=None if "narrative" in dropped else record.narrative,
        organisation=None if "organisation" in dropped else record.organisation,
        local_authority=None if "local_authority" in dropped else record.local_authority,
    )
    return kept, dropped
