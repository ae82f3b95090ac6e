"""Who is acting: a signed-in user, an agency system's API client, or the server's operator.

Every read of a child's data names an Actor, so the policy can decide and the audit log can
say who looked.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str = "operator"  # "user" | "api_client" | "operator"
    roles: frozenset[str] = field(default_factory=frozenset)
    organisation_id: int | None = None
    local_authority: str | None = None
    user_id: int | None = None
    # What an API client's token allows ("ingest", "read"); people signed in hold both.
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_id: int | None = None
    agency: str | None = None  # the agency type of the actor's organisation


OPERATOR = Actor(name="operator", kind="operator", roles=frozenset({"admin"}))
