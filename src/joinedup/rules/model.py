"""What a loaded rule is: plain frozen dataclasses, so evaluation never re-reads YAML.

The condition language (docs/rules.md) is a tree of one-key mappings; each node is parsed into
one of the classes below. Selectors pick events by type, agency, whose record it is (the
child's own or a household adult's) and the child's age at the event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

SEVERITIES = ("information", "advisory", "referral", "urgent")
ABOUT = ("child", "household", "any")
PLAN_STATES = ("active", "not_active", "ended_recently")
ROUTES = ("front_door",)
NOTIFY = ("school", "lead_professional")


@dataclass(frozen=True)
class AgeBand:
    """Age in days, half-open: ``min_days <= age < max_days`` (None = unbounded)."""

    min_days: int | None = None
    max_days: int | None = None

    def contains(self, age_days: int | None) -> bool:
        if age_days is None:
            return False
        if self.min_days is not None and age_days < self.min_days:
            return False
        return not (self.max_days is not None and age_days >= self.max_days)


@dataclass(frozen=True)
class Selector:
    event_types: frozenset[str]
    agencies: frozenset[str] | None = None
    about: str = "any"
    child_age: AgeBand | None = None


@dataclass(frozen=True)
class Count:
    select: Selector
    at_least: int
    within_days: int | None = None


@dataclass(frozen=True)
class DistinctAgencies:
    select: Selector
    at_least: int
    within_days: int | None = None


@dataclass(frozen=True)
class Sequence:
    first: Selector
    then: Selector
    within_days: int
    then_at_least: int = 1


@dataclass(frozen=True)
class HouseholdChange:
    at_least: int = 1
    within_days: int | None = None


@dataclass(frozen=True)
class PlanStatus:
    state: str
    within_days: int | None = None


@dataclass(frozen=True)
class ChildAgeNow:
    band: AgeBand


@dataclass(frozen=True)
class NoneOf:
    select: Selector
    within_days: int | None = None


@dataclass(frozen=True)
class AllOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class AnyOf:
    parts: tuple[Condition, ...]


@dataclass(frozen=True)
class Not:
    part: Condition


Condition = Union[  # noqa: UP007 - a recursive alias reads better spelled out
    Count, DistinctAgencies, Sequence, HouseholdChange, PlanStatus, ChildAgeNow, NoneOf, AllOf, AnyOf, Not
]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    learning: str
    citation: str
    themes: tuple[str, ...]
    severity: str
    lookback_days: int
    condition: Condition
    route_to: str
    notify: tuple[str, ...]
    decision_within_working_days: int
    file: str
    enabled: bool = True
    known_disparity: str | None = None  # text for people; evaluation never reads it
    alert_group: str | None = None  # rules in one group share one open alert per child
    trigger_types: frozenset[str] = field(default=frozenset())
    uses_household_change: bool = False

    @property
    def alert_key(self) -> str:
        """What one open alert per child is kept for: the rule's group, or the rule itself."""
        return self.alert_group or self.id
