"""The auditor's views: who looked at a given child, and which break-glass grants await
review. Looking at the audit log is itself audited (action ``audit_view``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from joinedup.access import NotPermitted
from joinedup.access.actor import Actor
from joinedup.access.policy import may_read_audit
from joinedup.audit.chain import record_event
from joinedup.audit.events import LAWFUL_BASIS_ADMIN, AuditEvent
from joinedup.storage import audit_repo


@dataclass(frozen=True)
class Look:
    seq: int
    at: str
    actor_name: str
    actor_kind: str
    role: str
    organisation_id: int | None
    action: str
    outcome: str
    purpose: str
    lawful_basis: str
    reason: str
    detail: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        return self.__dict__.copy()


def require_auditor(conn: Connection, actor: Actor, purpose: str, person_id: int | None = None) -> None:
    """Refuse (and audit the refusal) unless ``actor`` may read the audit log."""
    allowed = may_read_audit(actor)
    record_event(
        conn,
        AuditEvent.for_actor(
            actor,
            action="audit_view",
            purpose=purpose,
            outcome="allowed" if allowed else "refused",
            person_id=person_id,
            lawful_basis=LAWFUL_BASIS_ADMIN,
        ),
    )
    if not allowed:
        raise NotPermitted("only an auditor (data protection officer) reads the audit log")


def who_looked(conn: Connection, actor: Actor, person_id: int) -> list[Look]:
    """Every audited access to ``person_id``, oldest first (refused attempts included)."""
    require_auditor(conn, actor, "who looked at a child", person_id)
    return [
        Look(
            seq=e["seq"],
            at=e["at"],
            actor_name=e["actor_name"],
            actor_kind=e["actor_kind"],
            role=e["role"],
            organisation_id=e["organisation_id"],
            action=e["action"],
            outcome=e["outcome"],
            purpose=e["purpose"],
            lawful_basis=e["lawful_basis"],
            reason=e["reason"],
            detail=json.loads(e["detail"]) if e["detail"] else {},
        )
        for e in audit_repo.entries_about(conn, person_id)
        if e["action"] != "audit_view"
    ]
