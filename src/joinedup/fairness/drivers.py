"""What in a rule makes it fall unevenly: the kinds of record (agency, event type) behind its
false alarms, and how much more often they appear per child in the higher group.

Why evidence and not the rule text: every rule is blind to who a family is, so a disparity can
only come from the records it counts. Naming the agency and event type ("police
domestic_abuse_incident, 2.4 times as often per child") tells a safeguarding lead which part
of a rule to look at, and usually that it is background contact, not harm, that differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from joinedup.fairness.outcomes import ANY_RULE, ChildOutcome
from joinedup.fairness.table import Disparity

TOP = 3


def _evidence_per_child(
    outcomes: Mapping[str, ChildOutcome], groups: Mapping[str, Mapping[str, str]], rule: str, dimension: str, group: str
) -> tuple[Counter[tuple[str, str]], int]:
    counts: Counter[tuple[str, str]] = Counter()
    unharmed = 0
    for child, outcome in outcomes.items():
        if outcome.harmed or groups.get(child, {}).get(dimension) != group:
            continue
        unharmed += 1
        hits = list(outcome.hits.values()) if rule == ANY_RULE else [outcome.hits[rule]] if rule in outcome.hits else []
        counts.update({kind for hit in hits for kind in hit.evidence})
    return counts, unharmed


def explain(
    disparity: Disparity, outcomes: Mapping[str, ChildOutcome], groups: Mapping[str, Mapping[str, str]]
) -> list[dict[str, Any]]:
    """The record kinds that most widen the gap, largest excess first."""
    high, n_high = _evidence_per_child(outcomes, groups, disparity.rule, disparity.dimension, disparity.higher_group)
    low, n_low = _evidence_per_child(outcomes, groups, disparity.rule, disparity.dimension, disparity.lower_group)
    if not n_high or not n_low:
        return []
    scored: list[tuple[float, dict[str, Any]]] = []
    for kind, count in high.items():
        per_high = count / n_high
        per_low = low.get(kind, 0) / n_low
        scored.append(
            (
                per_high - per_low,
                {
                    "agency": kind[0],
                    "event_type": kind[1],
                    "per_1000_higher": round(per_high * 1000, 2),
                    "per_1000_lower": round(per_low * 1000, 2),
                    "ratio": round(per_high / per_low, 2) if per_low else None,
                },
            )
        )
    scored.sort(key=lambda pair: -pair[0])
    return [row for _excess, row in scored[:TOP]]


def describe(drivers: list[dict[str, Any]]) -> str:
    """One line for the console: 'police domestic_abuse_incident (x2.4), …'."""
    parts = []
    for d in drivers:
        ratio = f"x{d['ratio']:.1f}" if d["ratio"] else "only in the higher group"
        parts.append(f"{d['agency']} {d['event_type']} ({ratio})")
    return ", ".join(parts) if parts else "no evidence recorded"
