"""What each role sees in the service navigation: the few places their day takes them.

Roles come from the access policy (practitioner, front_door, social_worker, manager, auditor,
admin); the operator (local command line) sees every page. Navigation is a convenience, not
the control: every page checks access itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from joinedup.access.actor import Actor

CHILD_ROLES = frozenset({"practitioner", "front_door", "social_worker", "manager"})
ALERT_ROLES = frozenset({"front_door", "social_worker", "manager"})
REVIEW_ROLES = frozenset({"front_door", "manager"})  # both children must be in their full view
RULE_ROLES = frozenset({"front_door", "social_worker", "manager", "auditor", "admin"})
FAIRNESS_ROLES = frozenset({"manager", "auditor"})  # managers, and the oversight (data) team


@dataclass(frozen=True)
class NavItem:
    text: str
    href: str
    roles: frozenset[str]  # empty: everyone signed in


ITEMS = (
    NavItem("Home", "/", frozenset()),
    NavItem("Alerts", "/alerts", ALERT_ROLES),
    NavItem("Find a child", "/children", CHILD_ROLES),
    NavItem("Record a concern", "/concerns/new", CHILD_ROLES),
    NavItem("Upload a file", "/uploads/new", CHILD_ROLES),
    NavItem("Linkage review", "/linkage-review", REVIEW_ROLES),
    NavItem("Contests", "/contests", CHILD_ROLES),
    NavItem("Rules", "/rules", RULE_ROLES),
    NavItem("Learning", "/learning", frozenset({"front_door", "social_worker", "manager", "auditor"})),
    NavItem("Fairness", "/fairness", FAIRNESS_ROLES),
    NavItem("Audit", "/audit", frozenset({"auditor"})),
    NavItem("Users", "/users", frozenset({"admin"})),
)


def allowed(actor: Actor | None, roles: frozenset[str]) -> bool:
    if actor is None:
        return False
    if actor.kind == "operator" or not roles:
        return True
    return bool(actor.roles & roles)


def navigation_for(actor: Actor | None, path: str) -> list[dict[str, Any]]:
    """Items for ``govukServiceNavigation``; the current section is marked for screen readers."""
    items = []
    for item in ITEMS:
        if not allowed(actor, item.roles):
            continue
        current = path == item.href if item.href == "/" else path == item.href or path.startswith(item.href + "/")
        items.append({"text": item.text, "href": item.href, "current": current})
    return items
