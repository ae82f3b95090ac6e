"""The facts rules reason over: for each child, the dated events about them and their household.

Why derived here and not stored: persons, links and households change as identity learns
(merges, unmerges, a new model), so the story is always read from the current links over the
latest version of each record (``record_heads``). One loader serves one child (the chronology,
incremental rules) and every child at once (batch replay) with the same meaning.

Household: the adults who appear with the child in any record in an adult role (parent, carer,
partner of parent, adult in household). Their records belong in the child's story, marked
``about="household"``: the mother's domestic abuse incident is part of her children's story.
When the identity stage offers ``joinedup.identity.persons.household_of`` this is the one
place to switch over.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, select

from joinedup.storage.membership import one_of
from joinedup.storage.tables_identity import Person, SubjectLink
from joinedup.storage.tables_records import Organisation, Record, RecordHead, RecordSubject

CHILD_ROLES = frozenset({"child", "sibling"})
ADULT_ROLES = frozenset({"parent", "carer", "partner_of_parent", "adult_in_household"})
# Roles that suggest a man or partner new to the home ("invisible men"), as recorded.
NEW_ADULT_ROLES = frozenset({"partner_of_parent", "adult_in_household"})
CHUNK = 500


@dataclass(frozen=True, slots=True)
class Event:
    """One record as the rules see it: what, when, who recorded it, and whose record it is."""

    record_id: int
    occurred_on: date
    event_type: str
    agency: str
    local_authority: str | None
    about: str  # "child" | "household"
    about_person_id: int
    role: str | None  # the subject's role in that record


@dataclass
class ChildFacts:
    person_id: int
    date_of_birth: date | None = None
    events: list[Event] = field(default_factory=list)
    # adult person id -> (first date seen with the child, record id, role then)
    adults: dict[int, tuple[date, int, str | None]] = field(default_factory=dict)

    def age_in_days(self, on: date) -> int | None:
        return (on - self.date_of_birth).days if self.date_of_birth else None


def _parse_dob(value: str | None) -> date | None:
    if not value or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def resolve_merges(conn: Connection) -> dict[int, int]:
    """Merged person -> the person it now is (followed to the end of the chain)."""
    merged: dict[int, int] = {
        pid: into
        for pid, into in conn.execute(
            select(Person.id, Person.merged_into_id).where(Person.merged_into_id.is_not(None))
        ).all()
        if into is not None
    }
    final: dict[int, int] = {}
    for start in merged:
        seen, current = {start}, merged[start]
        while current in merged and current not in seen:
            seen.add(current)
            current = merged[current]
        final[start] = current
    return final


_LINK_COLUMNS = (
    SubjectLink.person_id,
    RecordSubject.role,
    RecordSubject.date_of_birth,
    Record.id,
    Record.occurred_on,
    Record.event_type,
    Record.agency,
    Record.local_authority,
    Organisation.local_authority,
)


def is_current() -> Any:
    """Join condition: ``Record`` is the latest version (its ``record_heads`` row). Joined
    through the heads' unique (source_record_id, agency) index, because ``record_heads.record_id``
    has none: joined on it alone, SQLite builds a throw-away index over every head per query."""
    return and_(
        RecordHead.source_record_id == Record.source_record_id,
        RecordHead.agency == Record.agency,
        RecordHead.record_id == Record.id,
    )


# What a chronology shows of each record beyond the facts (after ``_LINK_COLUMNS``, from index 9):
# the subject as recorded, the link, and the record's provenance.
_STORY_COLUMNS = (
    RecordSubject.given_name,
    RecordSubject.family_name,
    RecordSubject.address_postcode,
    SubjectLink.decision,
    SubjectLink.match_probability,
    Record.source_record_id,
    Record.version,
    Record.narrative,
    Record.received_at,
    Record.organisation_id,
    Organisation.name,
)


def _link_query(story: bool = False) -> Any:  # a Select over _LINK_COLUMNS (+ _STORY_COLUMNS)
    return (
        select(*_LINK_COLUMNS, *(_STORY_COLUMNS if story else ()))
        .select_from(SubjectLink)
        .join(RecordSubject, RecordSubject.id == SubjectLink.record_subject_id)
        .join(Record, Record.id == SubjectLink.record_id)
        .join(RecordHead, is_current())
        .outerjoin(Organisation, Organisation.id == Record.organisation_id)
    )


# (person_id, role, date_of_birth, record_id, occurred_on, event_type, agency, record LA, organisation LA)
Row = Any


def _rows_for_persons(conn: Connection, person_ids: Iterable[int], story: bool = False) -> list[Row]:
    ids = sorted(set(person_ids))
    rows: list[Row] = []
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        rows.extend(conn.execute(_link_query(story).where(one_of(conn, SubjectLink.person_id, part))).all())
    return rows


def _rows_sharing_records(conn: Connection, person_ids: Iterable[int], story: bool = False) -> list[Row]:
    """Every subject of every current record that names one of ``person_ids``: their own rows
    and their co-subjects', in one query per chunk (not the persons' rows, then their records')."""
    ids = sorted(set(person_ids))
    named = SubjectLink.__table__.alias("named")
    rows: list[Row] = []
    for i in range(0, len(ids), CHUNK):
        theirs = select(named.c.record_id).where(one_of(conn, named.c.person_id, ids[i : i + CHUNK]))
        rows.extend(conn.execute(_link_query(story).where(SubjectLink.record_id.in_(theirs))).all())
    return rows


def _records_of(rows: list[Row]) -> dict[int, list[Row]]:
    by_record: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        by_record[row[3]].append(row)
    return by_record


def load_child_facts(conn: Connection, person_ids: Iterable[int] | None = None) -> dict[int, ChildFacts]:
    """Facts for the given children (or for every child when ``person_ids`` is None).

    A person counts as a child when they appear in a child's role in any current record.
    """
    merges = resolve_merges(conn)
    if person_ids is None:
        rows: list[Row] = list(conn.execute(_link_query()).all())
        if merges:
            rows = [(merges.get(r[0], r[0]), *r[1:]) for r in rows]
        return build_facts(rows, None)
    wanted = {merges.get(p, p) for p in person_ids}
    return build_facts(rows_around(conn, wanted, merges), wanted)


def rows_around(conn: Connection, children: set[int], merges: dict[int, int], story: bool = False) -> list[Row]:
    """The link rows of these children's stories (``children`` already resolved through
    ``merges``): their own rows and every row of the adults who appear with them, each person
    id resolved through ``merges``. With ``story``, each row also carries ``_STORY_COLUMNS``."""
    aliases = children | {old for old, new in merges.items() if new in children}
    around = _rows_sharing_records(conn, aliases, story)
    rows = [r for r in around if r[0] in aliases]
    # The adults around these children: co-subjects of their records, then all their records.
    adult_ids = {r[0] for r in around if r[1] in ADULT_ROLES}
    adult_aliases = {merges.get(a, a) for a in adult_ids}
    adult_aliases |= {old for old, new in merges.items() if new in adult_aliases}
    rows.extend(_rows_for_persons(conn, adult_aliases - aliases, story))
    rows = list({(r[0], r[3], r[1]): r for r in rows}.values())
    if merges:
        rows = [(merges.get(r[0], r[0]), *r[1:]) for r in rows]
    return rows


def _rows_for_records(conn: Connection, record_ids: set[int]) -> list[Row]:
    ids = sorted(record_ids)
    rows: list[Row] = []
    for i in range(0, len(ids), CHUNK):
        part = ids[i : i + CHUNK]
        rows.extend(conn.execute(_link_query().where(one_of(conn, SubjectLink.record_id, part))).all())
    return rows


def build_facts(rows: list[Row], only: set[int] | None) -> dict[int, ChildFacts]:
    """Each child's facts from link rows (``rows_around``'s, or every row for a batch)."""
    by_record = _records_of(rows)
    facts: dict[int, ChildFacts] = {}
    dobs: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    adult_records: dict[int, list[Row]] = defaultdict(list)
    for row in rows:
        person, role = row[0], row[1]
        if role in ADULT_ROLES:
            adult_records[person].append(row)
        if role not in CHILD_ROLES or (only is not None and person not in only):
            continue
        child = facts.get(person)
        if child is None:
            child = facts[person] = ChildFacts(person)
        dob = _parse_dob(row[2])
        if dob:
            dobs[person][dob] += 1
    seen: dict[int, set[int]] = defaultdict(set)
    for record_id, subjects in by_record.items():
        children = [s for s in subjects if s[0] in facts and s[1] in CHILD_ROLES]
        if not children:
            continue
        adults = [s for s in subjects if s[1] in ADULT_ROLES and s[0] not in facts]
        for c in children:
            child = facts[c[0]]
            if record_id not in seen[c[0]]:
                seen[c[0]].add(record_id)
                child.events.append(_event(c, "child"))
            for a in adults:
                first = child.adults.get(a[0])
                if first is None or (a[4], a[3]) < first[:2]:
                    child.adults[a[0]] = (a[4], a[3], a[1])
    for child in facts.values():
        for adult in child.adults:
            for row in adult_records.get(adult, ()):
                if row[3] not in seen[child.person_id]:
                    seen[child.person_id].add(row[3])
                    child.events.append(_event(row, "household"))
        child.events.sort(key=lambda e: (e.occurred_on, e.record_id))
        if dobs.get(child.person_id):
            child.date_of_birth = max(dobs[child.person_id].items(), key=lambda kv: (kv[1], kv[0]))[0]
    return facts


def _event(row: Row, about: str) -> Event:
    return Event(
        record_id=row[3],
        occurred_on=row[4],
        event_type=row[5],
        agency=row[6],
        local_authority=row[7] or row[8],
        about=about,
        about_person_id=row[0],
        role=row[1],
    )


def children_touched(conn: Connection, record_ids: Iterable[int]) -> set[int]:
    """The children whose story these records change: child subjects of the records, and the
    children of any adult subject (a record about an adult touches the children in the adult's
    household)."""
    merges = resolve_merges(conn)
    rows = _rows_for_records(conn, set(record_ids))
    children = {merges.get(r[0], r[0]) for r in rows if r[1] in CHILD_ROLES}
    adults = {r[0] for r in rows if r[1] in ADULT_ROLES}
    adults |= {old for old, new in merges.items() if new in adults}
    if adults:
        shared = {r[3] for r in _rows_for_persons(conn, adults) if r[1] in ADULT_ROLES}
        children |= {merges.get(r[0], r[0]) for r in _rows_for_records(conn, shared) if r[1] in CHILD_ROLES}
    return children


def aliases_of(conn: Connection, person_id: int) -> list[int]:
    """The person and every person merged into them (their links may still name the old ids)."""
    merges = resolve_merges(conn)
    return [person_id, *(old for old, new in merges.items() if new == person_id)]
