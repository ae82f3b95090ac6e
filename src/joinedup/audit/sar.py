"""Subject access request (UK GDPR Art. 15): everything held about a person, in one JSON
document, for the data protection officer to review and redact before disclosure.

Only an auditor (the DPO) or the operator may export; the export is audited (``sar_export``),
including who looked at the person (the audit entries are part of what is held about them).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from joinedup.access import InvalidAccount, NotPermitted
from joinedup.access.actor import Actor
from joinedup.access.policy import may_read_audit
from joinedup.audit.chain import record_event
from joinedup.audit.events import LAWFUL_BASIS_SAFEGUARDING, LAWFUL_BASIS_SAR, AuditEvent
from joinedup.storage import audit_sar

NOTICE = (
    "Subject access export for review by the data protection officer. It contains third "
    "parties' data (other subjects of the same records, practitioners' narratives) and any "
    "exemption (e.g. DPA 2018 Sch. 3 serious harm) must be considered before disclosure."
)


def subject_access_export(conn: Connection, actor: Actor, person_id: int) -> dict[str, Any]:
    allowed = may_read_audit(actor)
    exists = audit_sar.person_exists(conn, person_id)
    outcome = "refused" if not allowed else ("done" if exists else "not_found")
    record_event(
        conn,
        AuditEvent.for_actor(
            actor,
            action="sar_export",
            purpose="subject access request",
            outcome=outcome,
            person_id=person_id,
            lawful_basis=LAWFUL_BASIS_SAR if allowed else "none: access refused",
        ),
    )
    if not allowed:
        raise NotPermitted("only an auditor (data protection officer) exports a subject access request")
    if not exists:
        raise InvalidAccount(f"no person with id {person_id}")
    held = audit_sar.everything_about(conn, person_id)
    return {
        "person_id": person_id,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "exported_by": actor.name,
        "notice": NOTICE,
        "lawful_basis_for_processing": LAWFUL_BASIS_SAFEGUARDING,
        **held,
    }
