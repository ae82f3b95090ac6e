"""The front door's alerts inbox: filter, order (overdue first, then by deadline and
severity) and count, over the alerts stage's own listing functions.

Every child behind a listed alert passes the access guard (purpose ``alert_triage``), as the
alerts API does: an alert about a child the person may not see is not listed. The inbox names
children by reference only; names are on the alert and child pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection

from joinedup.access.actor import Actor
from joinedup.access.guard import View, guard_child_read
from joinedup.rules.model import SEVERITIES
from joinedup.storage import alerts_repo
from joinedup.web.pages.deadlines import Deadline

STATUSES = ("open", "acknowledged", "decided")
_SEVERITY_RANK = {s: i for i, s in enumerate(reversed(SEVERITIES))}  # urgent first


@dataclass(frozen=True)
class InboxFilter:
    status: str = "undecided"  # undecided (open or acknowledged) | open | acknowledged | decided | all
    severity: str = ""
    rule: str = ""
    team: str = ""

    def query(self) -> dict[str, str]:
        return {"status": self.status, "severity": self.severity, "rule": self.rule, "team": self.team}


@dataclass(frozen=True)
class InboxRow:
    alert: Any
    deadline: Deadline
    evidence_count: int


@dataclass
class Inbox:
    rows: list[InboxRow]
    rules: list[str] = field(default_factory=list)
    teams: list[str] = field(default_factory=list)

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.deadline.overdue)

    @property
    def due_today(self) -> int:
        return sum(1 for r in self.rows if r.deadline.due_today)

    @property
    def unacknowledged(self) -> int:
        return sum(1 for r in self.rows if r.alert.status == "open")


def team_of(actor: Actor) -> str | None:
    """The front door a person works for: their organisation's local authority; the operator
    and anyone without one see every team."""
    return None if actor.kind == "operator" else actor.local_authority


def load_inbox(conn: Connection, actor: Actor, wanted: InboxFilter, *, today: date) -> Inbox:
    team = team_of(actor) or wanted.team or None
    status = wanted.status if wanted.status in STATUSES else None
    every = alerts_repo.list_alerts(conn, local_authority=team, rule_id=wanted.rule or None, status=status)
    if wanted.status == "undecided":
        every = [a for a in every if a.status != "decided"]
    if wanted.severity:
        every = [a for a in every if a.severity == wanted.severity]
    views = {pid: guard_child_read(conn, actor, pid, "alert_triage") for pid in {a.person_id for a in every}}
    every = [a for a in every if views[a.person_id] is not View.NONE]
    evidence = alerts_repo.evidence_for(conn, [a.id for a in every])
    rows = [
        InboxRow(a, Deadline(a.due_at, today, closed=a.status == "decided"), len(evidence.get(a.id, []))) for a in every
    ]
    rows.sort(
        key=lambda r: (
            not r.deadline.overdue,
            r.alert.status == "decided",
            r.alert.due_at,
            _SEVERITY_RANK.get(r.alert.severity, 9),
            r.alert.id,
        )
    )
    everything = alerts_repo.list_alerts(conn, local_authority=team_of(actor))
    return Inbox(
        rows=rows,
        rules=sorted({a.rule_id for a in everything}),
        teams=sorted({a.local_authority for a in everything if a.local_authority}),
    )
