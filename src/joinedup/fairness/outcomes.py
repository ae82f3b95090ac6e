"""Per true child: were they harmed, and when (and on what evidence) did each rule first fire?

Alerts belong to predicted persons; the truth knows true persons. A predicted person is mapped
to the true person most of its linked subjects really are (as ``eval alerts`` does), and when
two predicted persons map to one true child the earliest firing counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

ANY_RULE = "ANY RULE"
Evidence = tuple[str, str]  # (agency, event_type)


@dataclass(frozen=True, slots=True)
class RuleHit:
    first_on: date
    evidence: tuple[Evidence, ...]


@dataclass(slots=True)
class ChildOutcome:
    """One true child, as the fairness table counts them."""

    incident: date | None  # None: no harm trajectory
    hits: dict[str, RuleHit] = field(default_factory=dict)

    @property
    def harmed(self) -> bool:
        return self.incident is not None

    def alerted(self, rule: str) -> bool:
        return (rule in self.hits) if rule != ANY_RULE else bool(self.hits)

    def first_on(self, rule: str) -> date | None:
        if rule != ANY_RULE:
            hit = self.hits.get(rule)
            return hit.first_on if hit else None
        return min((h.first_on for h in self.hits.values()), default=None)

    def in_time(self, rule: str) -> bool:
        """Alerted strictly before the incident (the same test ``eval alerts`` applies)."""
        first = self.first_on(rule)
        return self.incident is not None and first is not None and first < self.incident


class FiringLike(Protocol):
    """What a replayed firing offers (``joinedup.rules.engine.ReplayFiring``)."""

    @property
    def person_id(self) -> int: ...
    @property
    def rule_id(self) -> str: ...
    @property
    def first_fired_at(self) -> date: ...
    @property
    def evidence_record_ids(self) -> tuple[int, ...]: ...


def build_outcomes(
    children: Iterable[str],
    incidents: Mapping[str, date],
    firings: Iterable[FiringLike],
    to_true: Mapping[int, str],
    record_kinds: Mapping[int, Evidence],
) -> dict[str, ChildOutcome]:
    """Every true child's outcome; firings on persons that map to no true child are dropped."""
    outcomes = {c: ChildOutcome(incidents.get(c)) for c in children}
    for f in firings:
        true = to_true.get(f.person_id)
        child = outcomes.get(true) if true is not None else None
        if child is None:
            continue
        held = child.hits.get(f.rule_id)
        if held is None or f.first_fired_at < held.first_on:
            evidence = tuple(record_kinds[r] for r in f.evidence_record_ids if r in record_kinds)
            child.hits[f.rule_id] = RuleHit(f.first_fired_at, evidence)
    return outcomes
