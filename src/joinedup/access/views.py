"""The three views of a child the policy can grant, and the refusal callers raise."""

from __future__ import annotations

from enum import StrEnum

from joinedup.access import AccessError
from joinedup.access.actor import Actor


class View(StrEnum):
    FULL = "full"  # the whole chronology, narratives included (restricted ones by role)
    FLAG = "flag"  # known to social care? on a plan? who is the lead professional?
    NONE = "none"  # refused (and the attempt audited)


class AccessDenied(AccessError):
    """Raised by callers that need at least a flag view and got none."""

    def __init__(self, actor: Actor, person_id: int, reason: str) -> None:
        super().__init__(f"{actor.name} may not read person {person_id}: {reason}")
        self.reason = reason
        self.person_id = person_id
