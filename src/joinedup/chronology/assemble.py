"""One child's story: every record about the child, their household and the adults linked to
them, in time order, with provenance, and the alerts raised and decisions taken.

Callers (CLI, API, web pages) must pass the access gate first (``guard_child_read``); this
module only reads. Each record appears once, in its latest version, noting earlier versions.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from joinedup.access.actor import Actor
from joinedup.access.policy import restricted_narrative
from joinedup.chronology.errors import ChronologyError, PersonNotFound
from joinedup.chronology.facts import ChildFacts, load_child_facts, resolve_merges
from joinedup.storage.tables_alerts import Alert, AlertAction
from joinedup.storage.tables_identity import Person, SubjectLink
from joinedup.storage.tables_records import Organisation, Record, RecordSubject


@dataclass
class RecordedAs:
    """Who the record says the subject is, exactly as recorded (not as we resolved it)."""

    role: str | None
    given_name: str | None
    family_name: str | None
    date_of_birth: str | None
    postcode: str | None


@dataclass
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
    """The child's chronology, optionally filtered by agency, event type and date range."""
    if conn.execute(select(Person.id).where(Person.id == person_id)).first() is None:
        raise PersonNotFound(person_id)
    facts = load_child_facts(conn, [person_id]).get(person_id)
    if facts is None:
        raise ChronologyError(
            f"person {person_id} appears in no current record as a child; chronologies are kept for children"
        )
    chronology = Chronology(person_id, facts.date_of_birth, _on_plan(facts))
    chronology.household = sorted(
        (HouseholdMember(pid, role, first) for pid, (first, _rid, role) in facts.adults.items()),
        key=lambda m: (m.first_seen, m.person_id),
    )

    def wanted(on: date, agency: str | None, event_type: str) -> bool:
        return (
            (agencies is None or agency in agencies)
            and (event_types is None or event_type in event_types)
            and (since is None or on >= since)
            and (until is None or on <= until)
        )

    events = [e for e in facts.events if wanted(e.occurred_on, e.agency, e.event_type)]
    details = _record_details(conn, [e.record_id for e in events])
    identities = _recorded_identities(conn, {(e.record_id, e.about_person_id) for e in events})
    for e in events:
        rec = details[e.record_id]
        link = identities.get((e.record_id, e.about_person_id))
        chronology.entries.append(
            ChronologyEntry(
                kind="record",
                on=e.occurred_on,
                about=e.about,
                about_person_id=e.about_person_id,
                event_type=e.event_type,
                agency=e.agency,
                narrative=rec.narrative if include_narrative else None,
                record_id=e.record_id,
                provenance=Provenance(
                    agency=e.agency,
                    organisation=rec.organisation,
                    organisation_id=rec.organisation_id,
                    local_authority=rec.local_authority or rec.org_la,
                    source_record_id=rec.source_record_id,
                    version=rec.version,
                    earlier_versions=rec.version - 1,
                    received_at=rec.received_at.isoformat(),
                    recorded_as=link[0] if link else None,
                    link_decision=link[1] if link else None,
                    match_probability=link[2] if link else None,
                ),
            )
        )
    if agencies is None and event_types is None:  # alerts and decisions are not agency records
        alerts = _alert_entries(conn, person_id)
        chronology.entries.extend(
            a for a in alerts if (since is None or a.on >= since) and (until is None or a.on <= until)
        )
    chronology.entries.sort(
        key=lambda x: (x.on, {"record": 0, "alert": 1, "decision": 2}[x.kind], x.record_id or 0, x.alert_id or 0)
    )
    return chronology


def _on_plan(facts: ChildFacts) -> bool:
    active = False
    for e in facts.events:
        if e.about == "child" and e.event_type == "child_protection_plan_started":
            active = True
        elif e.about == "child" and e.event_type == "child_protection_plan_ended":
            active = False
    return active


def _record_details(conn: Connection, record_ids: list[int]) -> dict[int, Any]:
    found: dict[int, Any] = {}
    for i in range(0, len(record_ids), 500):
        rows = conn.execute(
            select(
                Record.id,
                Record.source_record_id,
                Record.version,
                Record.local_authority,
                Record.narrative,
                Record.received_at,
                Record.organisation_id,
                Organisation.name.label("organisation"),
                Organisation.local_authority.label("org_la"),
            )
            .outerjoin(Organisation, Organisation.id == Record.organisation_id)
            .where(Record.id.in_(record_ids[i : i + 500]))
        )
        found.update({r.id: r for r in rows})
    return found


def _recorded_identities(
    conn: Connection, pairs: set[tuple[int, int]]
) -> dict[tuple[int, int], tuple[RecordedAs, str, float | None]]:
    record_ids = sorted({r for r, _ in pairs})
    merges = resolve_merges(conn)  # links may still name a person since merged into another
    found: dict[tuple[int, int], tuple[RecordedAs, str, float | None]] = {}
    for i in range(0, len(record_ids), 500):
        rows = conn.execute(
            select(
                RecordSubject.record_id,
                RecordSubject.role,
                RecordSubject.given_name,
                RecordSubject.family_name,
                RecordSubject.date_of_birth,
                RecordSubject.address_postcode,
                SubjectLink.person_id,
                SubjectLink.decision,
                SubjectLink.match_probability,
            )
            .join(SubjectLink, SubjectLink.record_subject_id == RecordSubject.id)
            .where(RecordSubject.record_id.in_(record_ids[i : i + 500]))
        )
        for record_id, role, given, family, dob, postcode, pid, decision, probability in rows:
            key = (record_id, merges.get(pid, pid))
            if key in pairs and key not in found:
                seen = RecordedAs(role, given, family, dob, postcode)
                found[key] = (seen, decision, probability)
    return found


def _alert_entries(conn: Connection, person_id: int) -> list[ChronologyEntry]:
    entries: list[ChronologyEntry] = []
    alerts = conn.execute(select(Alert.__table__).where(Alert.person_id == person_id)).all()
    for a in alerts:
        entries.append(
            ChronologyEntry(
                kind="alert",
                on=a.first_fired_at,
                about="child",
                about_person_id=person_id,
                event_type="alert_raised",
                alert_id=a.id,
                rule_id=a.rule_id,
            )
        )
    ids = [a.id for a in alerts]
    if ids:
        by_id = {a.id: a for a in alerts}
        for act in conn.execute(
            select(AlertAction.__table__).where(AlertAction.alert_id.in_(ids), AlertAction.action == "decided")
        ):
            a = by_id[act.alert_id]
            entries.append(
                ChronologyEntry(
                    kind="decision",
                    on=act.at.date(),
                    about="child",
                    about_person_id=person_id,
                    event_type="alert_decided",
                    alert_id=a.id,
                    rule_id=a.rule_id,
                    decision=a.decision,
                    rationale=a.rationale,
                    decided_by=a.decided_by,
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
