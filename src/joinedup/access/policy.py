"""The access policy, in one place: which view of a child each actor gets, and why.

Read it as a safeguarding lead would:

* the server's operator (the local command line) sees everything, and every read is audited;
* an API token must carry the ``read`` scope to read anything;
* the auditor sees audit views only; the admin manages users, not children's data;
* the front door, social workers and managers of the child's local authority see the full
  chronology (a local authority is the child's when any record about the child names it);
* an involved practitioner (their organisation recorded something about the child, or the
  child is on their roll or caseload) sees the flag view; so does any involved professional
  of another local authority;
* an active break-glass grant (stated reason, time-limited, reported to the auditor) opens
  the full view to the full-view roles of another local authority, and the flag view to
  practitioners;
* anyone else: no view, and the attempt is audited.

Restricted narratives (police intelligence, sensitive health detail) are withheld inside a
full view from roles that do not need them: ``restricted_narrative``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from joinedup.access.actor import Actor
from joinedup.access.views import View

ROLES = ("practitioner", "front_door", "social_worker", "manager", "auditor", "admin")
FULL_VIEW_ROLES = frozenset({"front_door", "social_worker", "manager"})
CHILD_DATA_ROLES = frozenset({"practitioner", "front_door", "social_worker", "manager"})
AUDIT_ROLES = frozenset({"auditor"})
USER_ADMIN_ROLES = frozenset({"admin"})
INGEST_ROLES = frozenset({"practitioner", "front_door", "social_worker", "manager"})
BREAK_GLASS_ROLES = frozenset({"practitioner", "front_door", "social_worker", "manager"})
BREAK_GLASS_LONGEST = timedelta(hours=4)
BREAK_GLASS_DEFAULT = timedelta(hours=1)
BREAK_GLASS_MIN_REASON = 20  # characters: a reason, not "urgent"

# Narratives withheld inside a full view unless the role needs them (or the actor's own
# organisation wrote them). Categories are data a data protection officer can read and change.
HEALTH_AGENCIES = frozenset({"gp", "hospital_ed", "midwifery", "health_visitor", "ambulance"})
SENSITIVE_HEALTH_EVENTS = frozenset({"parental_mental_health", "substance_misuse"})
RESTRICTED_CATEGORIES: dict[str, frozenset[str]] = {
    "police_intelligence": frozenset({"front_door", "manager"}),
    "sensitive_health": frozenset({"front_door", "social_worker", "manager"}),
}


@dataclass(frozen=True)
class ChildFacts:
    """What the policy needs to know about an actor's relationship with one child."""

    involved: bool = False
    local_authorities: frozenset[str] = field(default_factory=frozenset)
    break_glass: bool = False


@dataclass(frozen=True)
class Decision:
    view: View
    reason: str


# Token scopes that may read a child's data, and the one that may also change things.
READ_SCOPES = frozenset({"read", "decide"})
DECIDE_SCOPE = "decide"
# Guard actions that change something about the child (the alert, the links): a token needs
# the decide scope for these, so a read-only integration can never act.
WRITE_ACTIONS = frozenset({"write", "decide", "merge", "unmerge"})


def may_act_with(actor: Actor, action: str) -> bool:
    """Whether ``actor``'s credentials allow ``action`` at all (before any view of the child)."""
    return not (actor.kind == "api_client" and action in WRITE_ACTIONS and DECIDE_SCOPE not in actor.scopes)


def decide(actor: Actor, facts: ChildFacts) -> Decision:
    """The view ``actor`` gets of a child with ``facts``; the reason is written to the audit log."""
    if actor.kind == "operator":
        return Decision(View.FULL, "server operator at the command line")
    if actor.kind == "api_client" and not actor.scopes & READ_SCOPES:
        return Decision(View.NONE, "token not scoped for reading")
    roles = actor.roles & CHILD_DATA_ROLES
    if not roles:
        return Decision(View.NONE, f"role {_roles(actor)} does not see children's records")
    in_area = actor.local_authority is not None and actor.local_authority in facts.local_authorities
    if roles & FULL_VIEW_ROLES and in_area:
        return Decision(View.FULL, f"{_roles(actor)} of the child's local authority")
    if facts.break_glass:
        if roles & FULL_VIEW_ROLES:
            return Decision(View.FULL, "break-glass grant in force")
        return Decision(View.FLAG, "break-glass grant in force (practitioner: flag view)")
    if facts.involved:
        return Decision(View.FLAG, "involved with the child (records or caseload)")
    if roles & FULL_VIEW_ROLES:
        return Decision(View.NONE, "not the child's local authority and not involved")
    return Decision(View.NONE, "not involved with the child")


def may_break_glass(actor: Actor) -> bool:
    return actor.kind == "user" and bool(actor.roles & BREAK_GLASS_ROLES)


def may_read_audit(actor: Actor) -> bool:
    return actor.kind == "operator" or bool(actor.roles & AUDIT_ROLES)


def may_administer_users(actor: Actor) -> bool:
    return actor.kind == "operator" or bool(actor.roles & USER_ADMIN_ROLES)


def may_ingest(actor: Actor) -> bool:
    """Submitting records: an API token scoped ``ingest``, or a practitioner-type user."""
    if actor.kind == "operator":
        return True
    if actor.kind == "api_client":
        return "ingest" in actor.scopes
    return bool(actor.roles & INGEST_ROLES)


def narrative_category(record: Any) -> str | None:
    """Which restricted category a record's narrative falls in, if any."""
    agency, event_type = _field(record, "agency"), _field(record, "event_type")
    if agency == "police":
        return "police_intelligence"
    if agency in HEALTH_AGENCIES and event_type in SENSITIVE_HEALTH_EVENTS:
        return "sensitive_health"
    return None


def restricted_narrative(actor: Actor, record: Any) -> bool:
    """True when ``record``'s narrative must be withheld from ``actor`` (show the event, not
    the text). ``record`` is a row or mapping with ``agency``, ``event_type`` and
    ``organisation_id``."""
    category = narrative_category(record)
    if category is None or actor.kind == "operator":
        return False
    if actor.organisation_id is not None and _field(record, "organisation_id") == actor.organisation_id:
        return False
    return not (actor.roles & RESTRICTED_CATEGORIES[category])


def _field(record: Any, name: str) -> Any:
    if isinstance(record, Mapping):
        return record.get(name)
    return getattr(record, name, None)


def _roles(actor: Actor) -> str:
    return ",".join(sorted(actor.roles)) or "none"
