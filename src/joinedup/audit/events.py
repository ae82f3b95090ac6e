"""What one audit entry says: who (name, kind, organisation, role), did what, to whom, why,
on what lawful basis, and what came of it.

The lawful basis is recorded on every entry about a child, in the spirit of the seventh golden
rule of information sharing: keep a record of the decision and the reason for it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from joinedup.access.actor import Actor

LAWFUL_BASIS_SAFEGUARDING = (
    "UK GDPR Art. 6(1)(e) public task; Art. 9(2)(g) with DPA 2018 Sch. 1 para 18 and "
    "Sch. 8 para 4 (safeguarding of children and individuals at risk)"
)
"""The basis for sharing and viewing a child's data for safeguarding, without consent."""

LAWFUL_BASIS_ADMIN = "UK GDPR Art. 6(1)(e) public task; Art. 5(2) accountability (system administration)"
LAWFUL_BASIS_SAR = "UK GDPR Art. 15 right of access (subject access request)"


@dataclass(frozen=True)
class AuditEvent:
    actor_name: str
    actor_kind: str
    role: str
    action: str
    purpose: str
    outcome: str
    lawful_basis: str = LAWFUL_BASIS_SAFEGUARDING
    reason: str = ""
    person_id: int | None = None
    user_id: int | None = None
    organisation_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def for_actor(cls, actor: Actor, action: str, purpose: str, outcome: str, **extra: Any) -> AuditEvent:
        return cls(
            actor_name=actor.name,
            actor_kind=actor.kind,
            role=",".join(sorted(actor.roles)),
            user_id=actor.user_id,
            organisation_id=actor.organisation_id,
            action=action,
            purpose=purpose,
            outcome=outcome,
            **extra,
        )

    def detail_json(self) -> str:
        return canonical_json(self.detail)


def canonical_json(value: Any) -> str:
    """One spelling of a value, so a hash over it never depends on key order or spacing."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
