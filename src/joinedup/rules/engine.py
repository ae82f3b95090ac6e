"""Running the rules: incrementally after every ingest, and in batch over all of history.

Incremental (``evaluate_pending``): the pending work is every record in the pipeline queue
(``pipeline_queue``, written in the transaction that stored the record) that has been linked
to persons. For each chunk, in one transaction: the children those records touch are found
(their own records, and the children of any adult in them), every rule is judged over each
child's whole story, alerts are raised or updated, notifications queued, and the records
marked (``rule_evaluated_records``) and taken off the queue. A crash before the commit leaves
the records queued; the next run heals it. Reading the queue costs the handful of records
waiting, not the millions held.

Batch (``replay``): every rule over every child, judged only on records dated up to the
as-of date, reporting when each alert would first have fired. Nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection, Engine, select

from joinedup.alerts import notify, service
from joinedup.alerts.routing import Area, current_area, known_areas
from joinedup.chronology.facts import ChildFacts, aliases_of, children_touched, load_child_facts
from joinedup.rules.evaluate import Firing, evaluate
from joinedup.rules.loader import load_library
from joinedup.rules.model import Rule
from joinedup.storage import alerts_repo, records_repo
from joinedup.storage.bulk import bulk_insert, table_of
from joinedup.storage.statistics import refresh_statistics
from joinedup.storage.tables_alerts import RuleEvaluatedRecord
from joinedup.storage.tables_records import Record

CHUNK = 2_000


def pending_records(conn: Connection, limit: int = CHUNK) -> list[int]:
    """Queued, linked records that are still the current version (what the rules judge)."""
    return [r for r, current in records_repo.queued_linked_records(conn, limit) if current]


def evaluate_pending(engine: Engine) -> int:
    """Evaluate the rules for every record not yet evaluated; returns how many were."""
    rules = load_library()
    total = 0
    while True:
        # A bulk load grows the tables the story reads below; PostgreSQL must know (issue 4).
        refresh_statistics(engine)
        with engine.begin() as conn:
            queued = records_repo.queued_linked_records(conn, CHUNK)
            if not queued:
                break
            record_ids = [r for r, current in queued if current]
            now = datetime.now(UTC)
            if record_ids:
                facts = load_child_facts(conn, children_touched(conn, record_ids))
                evaluate_children(conn, rules, facts, now)
                notify_for_records(conn, set(record_ids), facts, now)
                bulk_insert(
                    conn, table_of(RuleEvaluatedRecord), ("record_id", "evaluated_at"), [(r, now) for r in record_ids]
                )
            # Superseded versions leave the queue unjudged: their current version is judged instead.
            records_repo.dequeue(conn, [r for r, _ in queued])
        total += len(record_ids)
        if len(queued) < CHUNK:
            break
    with engine.begin() as conn:
        service.escalate_overdue(conn)
    return total


def evaluate_children(conn: Connection, rules: list[Rule], facts: dict[int, ChildFacts], now: datetime) -> int:
    """Judge every rule for each child and bring their alerts up to date; returns alerts touched."""
    children = sorted(facts)
    opened = alerts_repo.open_alerts_for(conn, children)
    closed = alerts_repo.closed_until(conn, children)
    members: dict[str, list[str]] = {}
    for rule in rules:
        members.setdefault(rule.alert_key, []).append(rule.id)
    areas: dict[str, str] | None = None  # read only when an alert needs routing
    touched = 0
    for person_id in children:
        area: Area | None = None
        child = facts[person_id]
        for rule in rules:
            # One open alert per child and rule, or per child and group for grouped rules: a
            # decided alert of any rule in the group closes the group up to its newest evidence.
            key = (person_id, rule.alert_key)
            ends = [d for r in members[rule.alert_key] if (d := closed.get((person_id, r))) is not None]
            firing = evaluate(rule, child, after=max(ends) if ends else None)
            if firing is None:
                continue
            if area is None:
                areas = areas if areas is not None else known_areas(conn)
                area = current_area(conn, aliases_of(conn, person_id), areas)
            opened[key] = alerts_repo.get_alert(
                conn, service.raise_or_update(conn, rule, firing, area, opened.get(key), now)
            )
            touched += 1
        for (pid, _rule_id), alert in opened.items():
            if pid == person_id:
                if area is None:
                    areas = areas if areas is not None else known_areas(conn)
                    area = current_area(conn, aliases_of(conn, person_id), areas)
                service.reroute(conn, alert, area, now)
    return touched


def _plan_active(child: ChildFacts, on: date) -> bool:
    state = False
    for e in child.events:
        if e.occurred_on > on:
            break
        if e.about == "child" and e.event_type == "child_protection_plan_started":
            state = True
        elif e.about == "child" and e.event_type == "child_protection_plan_ended":
            state = False
    return state


def notify_for_records(conn: Connection, record_ids: set[int], facts: dict[int, ChildFacts], now: datetime) -> None:
    """Operation Encompass and CP-IS promises for the records just evaluated."""
    for child in facts.values():
        for event in child.events:
            if event.record_id not in record_ids:
                continue
            if event.event_type == "domestic_abuse_incident":
                school = notify.school_of(conn, aliases_of(conn, child.person_id))
                notify.operation_encompass(conn, event.record_id, child.person_id, school, now)
            elif (
                event.event_type == "ed_attendance"
                and event.about == "child"
                and _plan_active(child, event.occurred_on)
            ):
                area = current_area(conn, aliases_of(conn, child.person_id))
                notify.cp_is(conn, event.record_id, child.person_id, area.local_authority, now)


@dataclass(frozen=True)
class ReplayFiring:
    person_id: int
    rule_id: str
    first_fired_at: date
    trigger_record_id: int
    evidence_record_ids: tuple[int, ...]


def replay(
    engine: Engine,
    as_of: date | None = None,
    *,
    rules: list[Rule] | None = None,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[list[ReplayFiring], int]:
    """When each (child, rule) alert would first have fired on the records dated up to
    ``as_of``; returns the firings and the number of children judged."""
    rules = rules if rules is not None else load_library()
    with engine.connect() as conn:
        facts = load_child_facts(conn)
    results: list[ReplayFiring] = []
    for n, child in enumerate(facts.values(), start=1):
        for rule in rules:
            firing = evaluate(rule, child, until=as_of, first_only=True)
            if firing is not None:
                results.append(_replayed(firing))
        if on_progress is not None and n % 1000 == 0:
            on_progress(n, len(facts))
    return results, len(facts)


def _replayed(firing: Firing) -> ReplayFiring:
    return ReplayFiring(
        person_id=firing.person_id,
        rule_id=firing.rule_id,
        first_fired_at=firing.first_on,
        trigger_record_id=firing.trigger.record_id,
        evidence_record_ids=tuple(e.record_id for e in firing.sorted_evidence()),
    )


def record_dates(conn: Connection) -> tuple[date | None, date | None]:
    from sqlalchemy import func

    return tuple(conn.execute(select(func.min(Record.occurred_on), func.max(Record.occurred_on))).one())  # type: ignore[return-value]
