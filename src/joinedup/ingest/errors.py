"""Errors of the intake, worded for the clerk who has to fix the row.

Every message says where (line, field path), what was wrong and what would be accepted. No
message repeats a name or a narrative: only ids, field names and the offending value of a
coded field (a vocabulary value, a date), so logs of rejections hold nothing personal.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from joinedup.records.vocab import Agency, EventType, Sex, SubjectRole


class IngestError(Exception):
    """Base of everything the intake raises."""


class UnreadableFile(IngestError):
    """The whole file cannot be read: wrong format, bad header, not a file."""


@dataclass(frozen=True)
class RowError:
    """One reason one row was refused (contract: ``line``, ``source_record_id``, ``field``, ``reason``)."""

    line: int
    source_record_id: str | None
    field: str | None
    reason: str

    def as_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "source_record_id": self.source_record_id,
            "field": self.field,
            "reason": self.reason,
        }


_VOCABS: dict[str, list[str]] = {
    "agency": [a.value for a in Agency],
    "event_type": [e.value for e in EventType],
    "role": [r.value for r in SubjectRole],
    "sex": [s.value for s in Sex],
}
_CODED = set(_VOCABS) | {"occurred_at", "date_of_birth"}
_UNION_TAGS = {"date", "datetime", "str", "list[str]", "int"}


def field_path(loc: tuple[int | str, ...]) -> str:
    """``('subjects', 0, 'date_of_birth')`` -> ``subjects[0].date_of_birth``."""
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in _UNION_TAGS or "[" in str(part):
            continue
        else:
            path += f".{part}" if path else str(part)
    return path


def _leaf(path: str) -> str:
    return path.rsplit(".", 1)[-1].split("[", 1)[0]


def _describe(error: Any, path: str) -> str:
    kind = error["type"]
    leaf = _leaf(path)
    value = error.get("input")
    shown = repr(value) if leaf in _CODED and isinstance(value, str | int | float) else "the value"
    context = error.get("ctx") or {}
    if kind == "missing":
        return f"{leaf} is missing; it is required"
    if kind == "enum" and leaf in _VOCABS:
        allowed = _VOCABS[leaf]
        guess = difflib.get_close_matches(str(value), allowed, n=1)
        hint = f" (did you mean {guess[0]!r}?)" if guess else ""
        listing = ", ".join(allowed) if len(allowed) <= 15 else "see docs/contracts.md for the list"
        return f"{shown} is not a known {leaf}{hint}; allowed: {listing}"
    if kind == "extra_forbidden":
        return f"{leaf!r} is not a field of record format v1; remove it or rename it to a v1 field"
    if kind == "string_too_long":
        return f"is {len(str(value))} characters long; at most {context.get('max_length')} are allowed"
    if kind == "too_long":
        return f"has too many items; at most {context.get('max_length')} are allowed"
    if kind == "too_short" and leaf == "subjects":
        return "no subjects; a record must name at least one person"
    if kind == "string_too_short":
        return "is empty; it is required"
    if kind.startswith(("date", "datetime")):
        return f"{shown} is not a date; write YYYY-MM-DD or an ISO date-time such as 2024-03-04T14:30"
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    if kind in ("string_type", "str_type"):
        return "should be text"
    if kind in ("list_type",):
        return "should be a list"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return "should be an object with named fields"
    return str(error["msg"])


def errors_from_validation(exc: ValidationError, line: int, source_record_id: str | None) -> list[RowError]:
    """Turn pydantic's errors into clerk-facing ones, folding a union's twin complaints into one."""
    seen: set[tuple[str, str]] = set()
    out: list[RowError] = []
    for error in exc.errors(include_url=False):
        path = field_path(tuple(error["loc"]))
        reason = _describe(error, path)
        if (path, reason) in seen:
            continue
        seen.add((path, reason))
        out.append(RowError(line, source_record_id, path or None, reason))
    return out
