"""Evaluating one rule over one child's facts: when did it first fire, and on which records.

A rule is judged at each date on which an event it could react to happened ("as of" that
date), over the events of its look-back window. Judging only at those dates, over only the
events the rule mentions, is what lets a 50,000-child history replay in seconds. Absences
(``none_of``) are judged when some other event arrives, never by the passing of time alone.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

from joinedup.chronology.facts import NEW_ADULT_ROLES, ChildFacts, Event
from joinedup.rules.model import (
    AllOf,
    AnyOf,
    ChildAgeNow,
    Condition,
    Count,
    DistinctAgencies,
    HouseholdChange,
    NoneOf,
    Not,
    PlanStatus,
    Rule,
    Selector,
    Sequence,
)

PLAN_TYPES = frozenset({"child_protection_plan_started", "child_protection_plan_ended"})


@dataclass
class Firing:
    """A rule fired for a child: first on ``first_on`` (the date of ``trigger``), with evidence."""

    rule_id: str
    person_id: int
    first_on: date
    trigger: Event
    evidence: dict[int, Event] = field(default_factory=dict)

    def sorted_evidence(self) -> list[Event]:
        return sorted(self.evidence.values(), key=lambda e: (e.occurred_on, e.record_id))


def referenced_types(node: Condition) -> frozenset[str]:
    """Every event type the condition looks at (so other events can be skipped up front)."""
    match node:
        case Count(select=s) | DistinctAgencies(select=s) | NoneOf(select=s):
            return s.event_types
        case Sequence(first=a, then=b):
            return a.event_types | b.event_types
        case HouseholdChange():
            return frozenset({"new_adult_in_household"})
        case PlanStatus():
            return PLAN_TYPES
        case AllOf(parts=parts) | AnyOf(parts=parts):
            return frozenset().union(*(referenced_types(p) for p in parts))
        case Not(part=part):
            return referenced_types(part)
    return frozenset()


_TYPES: dict[int, tuple[Rule, frozenset[str]]] = {}


def _types_of(rule: Rule) -> frozenset[str]:
    """The event types a rule mentions, remembered per rule object (hashing a rule walks its
    whole condition tree, which cost more than judging it in batch replay)."""
    held = _TYPES.get(id(rule))
    if held is None or held[0] is not rule:
        held = _TYPES[id(rule)] = (rule, referenced_types(rule.condition))
    return held[1]


class _Context:
    """One child's relevant events, with sorted dates for fast windows."""

    def __init__(self, facts: ChildFacts, events: list[Event]) -> None:
        self.facts = facts
        self.events = events
        self.dates = [e.occurred_on for e in events]
        self.first_seen = facts.events[0].occurred_on if facts.events else None
        self._by_record: dict[int, Event] | None = None

    @property
    def by_record(self) -> dict[int, Event]:
        """Record id -> event, built only for the rules that look up a new adult's record."""
        if self._by_record is None:
            self._by_record = {e.record_id: e for e in self.facts.events}
        return self._by_record

    def window(self, start: date, end: date) -> list[Event]:
        return self.events[bisect_left(self.dates, start) : bisect_right(self.dates, end)]


def _matches(s: Selector, e: Event, facts: ChildFacts) -> bool:
    if e.event_type not in s.event_types:
        return False
    if s.agencies is not None and e.agency not in s.agencies:
        return False
    if s.about != "any" and e.about != s.about:
        return False
    return s.child_age is None or s.child_age.contains(facts.age_in_days(e.occurred_on))


def _judge(node: Condition, ctx: _Context, start: date, as_of: date) -> list[Event] | None:
    """Evidence (possibly empty) when the condition holds as of ``as_of``; None when not."""
    facts = ctx.facts
    match node:
        case Count(select=s, at_least=n, within_days=w):
            hits = [e for e in ctx.window(_start(start, as_of, w), as_of) if _matches(s, e, facts)]
            return hits if len(hits) >= n else None
        case DistinctAgencies(select=s, at_least=n, within_days=w):
            hits = [e for e in ctx.window(_start(start, as_of, w), as_of) if _matches(s, e, facts)]
            return hits if len({e.agency for e in hits}) >= n else None
        case Sequence(first=a, then=b, within_days=w, then_at_least=n):
            events = ctx.window(start, as_of)
            for i in range(len(events) - 1, -1, -1):
                first = events[i]
                if not _matches(a, first, facts):
                    continue
                limit = first.occurred_on + timedelta(days=w)
                thens = [e for e in events[i + 1 :] if e.occurred_on <= limit and _matches(b, e, facts)]
                if len(thens) >= n:
                    return [first, *thens]
            return None
        case HouseholdChange(at_least=n, within_days=w):
            since = _start(start, as_of, w)
            hits = [e for e in ctx.window(since, as_of) if e.event_type == "new_adult_in_household"]
            for first_on, record_id, role in facts.adults.values():
                if (
                    role in NEW_ADULT_ROLES
                    and since <= first_on <= as_of
                    and ctx.first_seen
                    and first_on > ctx.first_seen
                ):
                    event = ctx.by_record.get(record_id)
                    if event is not None:
                        hits.append(event)
            return hits if len({e.record_id for e in hits}) >= n else None
        case PlanStatus(state=state, within_days=w):
            started = ended = None
            for e in ctx.window(date.min, as_of):
                if e.about == "child" and e.event_type == "child_protection_plan_started":
                    started = e
                elif e.about == "child" and e.event_type == "child_protection_plan_ended":
                    ended = e
            active = started is not None and (ended is None or ended.occurred_on < started.occurred_on)
            if state == "active":
                return [started] if active and started else None
            if state == "not_active":
                return [] if not active else None
            recent = ended is not None and not active and (as_of - ended.occurred_on).days <= (w or 0)
            return [ended] if recent and ended else None
        case ChildAgeNow(band=band):
            return [] if band.contains(facts.age_in_days(as_of)) else None
        case NoneOf(select=s, within_days=w):
            hits = [e for e in ctx.window(_start(start, as_of, w), as_of) if _matches(s, e, facts)]
            return [] if not hits else None
        case AllOf(parts=parts):
            evidence: list[Event] = []
            for part in parts:
                got = _judge(part, ctx, start, as_of)
                if got is None:
                    return None
                evidence.extend(got)
            return evidence
        case AnyOf(parts=parts):
            results = [r for r in (_judge(p, ctx, start, as_of) for p in parts) if r is not None]
            return [e for r in results for e in r] if results else None
        case Not(part=part):
            return [] if _judge(part, ctx, start, as_of) is None else None
    raise TypeError(f"unknown condition node {type(node).__name__}")


def _start(window_start: date, as_of: date, within_days: int | None) -> date:
    if within_days is None:
        return window_start
    return max(window_start, as_of - timedelta(days=within_days))


def evaluate(
    rule: Rule,
    facts: ChildFacts,
    *,
    after: date | None = None,
    until: date | None = None,
    first_only: bool = False,
) -> Firing | None:
    """Judge ``rule`` at each relevant date in (after, until]; gather evidence from every date
    on which it holds, from the first onwards (``first_only`` stops at the first)."""
    types = _types_of(rule)
    events = [e for e in facts.events if e.event_type in types]
    ctx = _Context(facts, events)
    points = {e.occurred_on: e for e in events if e.event_type in rule.trigger_types}
    if rule.uses_household_change:
        for first_on, record_id, role in facts.adults.values():
            event = ctx.by_record.get(record_id)
            if role in NEW_ADULT_ROLES and event is not None:
                points.setdefault(first_on, event)
    firing: Firing | None = None
    lookback = timedelta(days=rule.lookback_days)
    for as_of in sorted(points):
        if (after is not None and as_of <= after) or (until is not None and as_of > until):
            continue
        evidence = _judge(rule.condition, ctx, as_of - lookback, as_of)
        if evidence is None:
            continue
        if firing is None:
            trigger = max(
                (e for e in evidence if e.occurred_on == as_of), default=points[as_of], key=lambda e: e.record_id
            )
            firing = Firing(rule.id, facts.person_id, as_of, trigger)
        for e in evidence:
            firing.evidence.setdefault(e.record_id, e)
        if first_only:
            break
    if firing is not None and not firing.evidence:
        firing.evidence[firing.trigger.record_id] = firing.trigger
    return firing
