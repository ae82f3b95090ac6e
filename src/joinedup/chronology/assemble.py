"""One child's story: every record about the child, their household and the adults linked to
them, in time order, with provenance, and the alerts raised and decisions taken.

Callers (CLI, API, web pages) must pass the access gate first (``guard_child_read``); this
module only reads. Each record appears once, in its latest version, noting earlier versions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, and_, select

from joinedup.access.actor import Actor
from joinedup.access.policy import restricted_narrative
from joinedup.chronology.errors import ChronologyError, PersonNotFound
from joinedup.chronology.facts import ChildFacts, build_facts, resolve_merges, rows_around
from joinedup.storage.tables_alerts import Alert, AlertAction
from joinedup.storage.tables_identity import Person


@dataclass(slots=True)
class RecordedAs:
    """Who the record says the subject is, exactly as recorded (not as we resolved it)."""

    role: str | None
    given_name: str | None
    family_name: str | None
    date_of_birth: str | None
    postcode: str | None


@dataclass(slots=True)
class Provenance:
    agency: str
    organisation: str | None
    organisation_id: int | None
    local_authority: str | None
    source_record_id: str
    version: int
    earlier_versions: int
    received_at: str
    recorded_as: RecordedAs | None
    link_decision: str | None
    match_probability: float | None


@dataclass
class ChronologyEntry:
    kind: str  # record | alert | decision
    on: date
    about: str  # child | household
    about_person_id: int
    event_type: str
    agency: str | None = None
    narrative: str | None = None
    narrative_withheld: bool = False
    record_id: int | None = None
    provenance: Provenance | None = None
    alert_id: int | None = None
    rule_id: str | None = None
    decision: str | None = None
    rationale: str | None = None
    decided_by: str | None = None


@dataclass
class HouseholdMember:
    person_id: int
    role: str | None
    first_seen: date


@dataclass
class Chronology:
    person_id: int
    date_of_birth: date | None
    on_child_protection_plan: bool
    household: list[HouseholdMember] = field(default_factory=list)
    entries: list[ChronologyEntry] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        jsonable: dict[str, Any] = _jsonable(asdict(self))
        return jsonable


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def assemble_chronology(
    conn: Connection,
    person_id: int,
    *,
    agencies: set[str] | None = None,
    event_types: set[str] | None = None,
    since: date | None = None,
    until: date | None = None,
    include_narrative: bool = True,
) -> Chronology:
    """The child's chronology, optionally filtered by agency, event type and date range.

    Four queries whatever the length of the story: merges, the rows of the child's records
    (with every co-subject), the rows of the adults around them (both carrying what the
    entries show), and the alerts with their decisions.
    """
    merges = resolve_merges(conn)
    child = merges.get(person_id, person_id)
    rows = rows_around(conn, {child}, merges, story=True)
    facts = build_facts(rows, {child}).get(person_id)
    if facts is None:
        if conn.execute(select(Person.id).where(Person.id == person_id)).first() is None:
            raise PersonNotFound(person_id)
        raise ChronologyError(
            f"person {person_id} appears in no current record as a child; chronologies are kept for children"
        )
    chronology = Chronology(person_id, facts.date_of_birth, _on_plan(facts))
    chronology.household = sorted(
        (HouseholdMember(pid, role, first) for pid, (first, _rid, role) in facts.adults.items()),
        key=lambda m: (m.first_seen, m.person_id),
    )
    story: dict[tuple[int, int], Any] = {}  # (record id, person id) -> the row that person has in it
    for row in rows:
        story.setdefault((row[3], row[0]), row)
    entries = chronology.entries
    for e in facts.events:
        row = story[(e.record_id, e.about_person_id)]
        given, family, postcode, decision, probability = row[9:14]
        source_record_id, version, narrative, received_at, organisation_id, organisation = row[14:20]
        entries.append(
            ChronologyEntry(
                kind="record",
                on=e.occurred_on,
                about=e.about,
                about_person_id=e.about_person_id,
                event_type=e.event_type,
                agency=e.agency,
                narrative=narrative if include_narrative else None,
                record_id=e.record_id,
                provenance=Provenance(
                    agency=e.agency,
                    organisation=organisation,
                    organisation_id=organisation_id,
                    local_authority=e.local_authority,
                    source_record_id=source_record_id,
                    version=version,
                    earlier_versions=version - 1,
                    received_at=received_at.isoformat(),
                    recorded_as=RecordedAs(row[1], given, family, row[2], postcode),
                    link_decision=decision,
                    match_probability=probability,
                ),
            )
        )
    entries.extend(_alert_entries(conn, person_id))
    entries.sort(key=_in_order)
    return filter_chronology(chronology, agencies=agencies, event_types=event_types, since=since, until=until)


def filter_chronology(
    chronology: Chronology,
    *,
    agencies: set[str] | None = None,
    event_types: set[str] | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Chronology:
    """The same chronology keeping only the entries the filters want (the same entry objects,
    in the same order). Alerts and decisions are not agency records: an agency or event type
    filter leaves them out; a date range applies to every entry."""
    if agencies is None and event_types is None and since is None and until is None:
        return chronology

    def wanted(e: ChronologyEntry) -> bool:
        if e.kind != "record" and (agencies is not None or event_types is not None):
            return False
        return (
            (agencies is None or e.kind != "record" or e.agency in agencies)
            and (event_types is None or e.kind != "record" or e.event_type in event_types)
            and (since is None or e.on >= since)
            and (until is None or e.on <= until)
        )

    return replace(chronology, entries=[e for e in chronology.entries if wanted(e)])


_KIND_ORDER = {"record": 0, "alert": 1, "decision": 2}


def _in_order(entry: ChronologyEntry) -> tuple[date, int, int, int]:
    return (entry.on, _KIND_ORDER[entry.kind], entry.record_id or 0, entry.alert_id or 0)


def _on_plan(facts: ChildFacts) -> bool:
    active = False
    for e in facts.events:
        if e.about == "child" and e.event_type == "child_protection_plan_started":
            active = True
        elif e.about == "child" and e.event_type == "child_protection_plan_ended":
            active = False
    return active


def _alert_entries(conn: Connection, person_id: int) -> list[ChronologyEntry]:
    """Each alert raised about the child, and each decision taken on one (a single query)."""
    entries: list[ChronologyEntry] = []
    raised: set[int] = set()
    rows = conn.execute(
        select(
            Alert.id,
            Alert.rule_id,
            Alert.first_fired_at,
            Alert.decision,
            Alert.rationale,
            Alert.decided_by,
            AlertAction.at,
        )
        .outerjoin(AlertAction, and_(AlertAction.alert_id == Alert.id, AlertAction.action == "decided"))
        .where(Alert.person_id == person_id)
        .order_by(Alert.id, AlertAction.id)
    )
    for alert_id, rule_id, fired_on, decision, rationale, decided_by, decided_at in rows:
        if alert_id not in raised:
            raised.add(alert_id)
            entries.append(
                ChronologyEntry(
                    kind="alert",
                    on=fired_on,
                    about="child",
                    about_person_id=person_id,
                    event_type="alert_raised",
                    alert_id=alert_id,
                    rule_id=rule_id,
                )
            )
        if decided_at is not None:
            entries.append(
                ChronologyEntry(
                    kind="decision",
                    on=decided_at.date(),
                    about="child",
                    about_person_id=person_id,
                    event_type="alert_decided",
                    alert_id=alert_id,
                    rule_id=rule_id,
                    decision=decision,
                    rationale=rationale,
                    decided_by=decided_by,
                )
            )
    return entries


def withhold_restricted(story: Chronology, actor: Actor) -> Chronology:
    """Blank the narratives this actor's roles do not need (police intelligence, sensitive
    health detail), keeping the event, date and provenance visible: the policy's
    ``restricted_narrative`` decides, so the CLI, the API and the pages withhold the same text."""
    for entry in story.entries:
        if entry.kind != "record" or entry.narrative is None:
            continue
        record = {
            "agency": entry.agency,
            "event_type": entry.event_type,
            "organisation_id": entry.provenance.organisation_id if entry.provenance else None,
        }
        if restricted_narrative(actor, record):
            entry.narrative = None
            entry.narrative_withheld = True
    return story
