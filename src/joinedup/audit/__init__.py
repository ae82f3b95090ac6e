"""Audit: the hash-chained log of every look at and change to personal data (issue 6).

Exception family::

    AuditError                 anything the audit package refuses
    ├── ChainBroken            ``verify_chain`` found a changed, missing, added or moved entry
    └── AuditWriteFailed       an entry could not be appended (the read it covers must not go on)

Entries carry ids, roles, purposes and outcomes: never names, dates of birth or narratives.
"""

from __future__ import annotations


class AuditError(Exception):
    """Base of the audit package's errors."""


class ChainBroken(AuditError):
    def __init__(self, entry_id: int | None, seq: int | None, problem: str) -> None:
        where = f"entry id={entry_id} seq={seq}" if entry_id is not None else f"seq={seq}"
        super().__init__(f"audit chain broken at {where}: {problem}")
        self.entry_id = entry_id
        self.seq = seq
        self.problem = problem


class AuditWriteFailed(AuditError):
    """The audit row could not be written; the caller must not show the data it covers."""
