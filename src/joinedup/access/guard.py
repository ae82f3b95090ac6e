"""The one gate every read of a child's data passes: decide the view, write the audit row.

Every call writes one audit entry, allowed or not, committed on its own (see
``joinedup.audit.chain.record_event``): a refused look is recorded even though the caller
then raises. If the entry cannot be written the read is refused (``AuditWriteFailed``
propagates): no look without a record of it.
"""

from __future__ import annotations

from sqlalchemy import Connection

from joinedup.access.actor import Actor
from joinedup.access.involvement import gather_facts
from joinedup.access.policy import Decision, decide, may_act_with
from joinedup.access.views import AccessDenied, View
from joinedup.audit.chain import record_event
from joinedup.audit.events import LAWFUL_BASIS_SAFEGUARDING, AuditEvent

__all__ = ["AccessDenied", "View", "guard_child_read", "require_view"]

REFUSED_BASIS = "none: access refused"


def guard_child_read(conn: Connection, actor: Actor, person_id: int, purpose: str, action: str = "read") -> View:
    """Decide what ``actor`` may see of ``person_id`` for ``purpose`` and record the access.

    ``action`` names what the caller is doing (``read``, ``chronology``, ``flag_view``,
    ``export``...). Callers show nothing when the answer is ``View.NONE``, only the flag view
    for ``View.FLAG``, and filter restricted narratives with ``policy.restricted_narrative``
    inside ``View.FULL``.
    """
    stated = (purpose or "").strip()
    if not stated:
        decision = Decision(View.NONE, "no purpose stated")
    elif not may_act_with(actor, action):
        decision = Decision(View.NONE, "token not scoped for decisions (needs the decide scope)")
    else:
        decision = decide(actor, gather_facts(conn, actor, person_id))
    record_event(
        conn,
        AuditEvent.for_actor(
            actor,
            action=action,
            purpose=stated or "(none stated)",
            outcome=decision.view.value,
            reason=decision.reason,
            person_id=person_id,
            lawful_basis=REFUSED_BASIS if decision.view is View.NONE else LAWFUL_BASIS_SAFEGUARDING,
        ),
    )
    return decision.view


def require_view(conn: Connection, actor: Actor, person_id: int, purpose: str, action: str = "read") -> View:
    """``guard_child_read`` that raises ``AccessDenied`` instead of returning ``View.NONE``."""
    view = guard_child_read(conn, actor, person_id, purpose, action)
    if view is View.NONE:
        raise AccessDenied(actor, person_id, "no view of this child for this actor")
    return view
