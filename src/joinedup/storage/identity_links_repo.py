"""SQL of the linking path: pending subjects, the candidate index, and writing decisions.

Only this module (and the other ``identity_*`` repositories) writes the identity tables. Reads
of the index go by the blocking keys, each indexed, so a look-up costs the size of the
candidate blocks and not of the index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, literal, null, or_, select, tuple_, update

from joinedup.storage.bulk import bulk_insert_dicts, table_of
from joinedup.storage.membership import one_of
from joinedup.storage.tables_identity import IdentityProfile, Person, ReviewItem, SubjectLink
from joinedup.storage.tables_records import RecordSubject

IN_CHUNK = 2_000
SMALL_KEY_SET = 50
PROFILE_FIELDS = (
    "given",
    "given_canon",
    "given_all",
    "family",
    "family_block",
    "family_all",
    "dob",
    "dob_year",
    "sex",
    "postcode",
    "postcode_sector",
    "postcode_district",
    "address",
    "nhs",
    "upn",
    "local_id",
    "local_scheme",
    "local_ids",
)


def now() -> datetime:
    return datetime.now(UTC)


def pending_subjects(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """Stored subjects with no link yet, oldest first: the durable backlog."""
    query = (
        select(RecordSubject)
        .outerjoin(SubjectLink, SubjectLink.record_subject_id == RecordSubject.id)
        .where(SubjectLink.id.is_(None))
        .order_by(RecordSubject.id)
        .limit(limit)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), IN_CHUNK):
        yield values[start : start + IN_CHUNK]


def candidate_profiles(conn: Connection, keys: dict[str, set[Any]]) -> list[dict[str, Any]]:
    """Profiles sharing any blocking key with the pending subjects.

    ``keys`` maps a column (or a ``"col1+col2"`` pair) to the values the pending subjects hold.
    """
    found: dict[int, dict[str, Any]] = {}
    columns = {c.name: c for c in IdentityProfile.__table__.columns}
    for key, values in keys.items():
        ordered = sorted(v for v in values if v is not None and (not isinstance(v, tuple) or None not in v))
        for chunk in _chunks(ordered):
            if "+" in key:
                cols = [columns[c] for c in key.split("+")]
                if len(chunk) <= SMALL_KEY_SET:
                    # A few keys (one record): OR of equalities, which SQLite answers from the
                    # index; it scans the table for a row-value IN list.
                    condition = or_(*(and_(*(c == v for c, v in zip(cols, value, strict=True))) for value in chunk))
                else:
                    condition = tuple_(*cols).in_(list(chunk))
            else:
                condition = one_of(conn, columns[key], chunk)
            for row in conn.execute(select(IdentityProfile).where(condition)):
                found.setdefault(row.id, dict(row._mapping))
    return list(found.values())


def profiles_in_blocks(conn: Connection, keys: Sequence[tuple[Sequence[str], Sequence[Any]]]) -> list[dict[str, Any]]:
    """Profiles in any of these blocks, each ``(columns, values)``, and every other profile of
    the persons they belong to (the guards weigh a person as a whole: one of her variants may
    hold the sex or date of birth that rules a candidate out).

    The blocks are read by one query, an OR of equalities each answered from an index
    (SQLite's OR-by-union, PostgreSQL's bitmap OR), so the rows read are the blocks' rows and
    not the index's; the persons' other variants by their ``person_id`` index."""
    if not keys:
        return []
    columns = {c.name: c for c in IdentityProfile.__table__.columns}
    condition = or_(*(and_(*(columns[c] == v for c, v in zip(cols, values, strict=True))) for cols, values in keys))
    found = {row.id: dict(row._mapping) for row in conn.execute(select(IdentityProfile).where(condition))}
    persons = sorted({p["person_id"] for p in found.values()})
    for chunk in _chunks(persons):
        query = select(IdentityProfile).where(
            one_of(conn, IdentityProfile.person_id, chunk), IdentityProfile.id.not_in(list(found))
        )
        for row in conn.execute(query):
            found.setdefault(row.id, dict(row._mapping))
    return list(found.values())


def all_profiles(conn: Connection) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in conn.execute(select(IdentityProfile))]


def name_counts(conn: Connection, givens: set[str], families: set[str]) -> tuple[dict[str, int], dict[str, int], int]:
    """How many profiles carry each of these names, and how many profiles there are.

    The number of profiles is read from the span of their ids (two index look-ups), not by
    counting a million rows for every record; profiles removed by a merge leave gaps that make
    it a slight overestimate, which only softens term frequencies a little."""
    highest = select(func.max(IdentityProfile.id)).scalar_subquery()
    lowest = select(func.min(IdentityProfile.id)).scalar_subquery()
    top, bottom = conn.execute(select(highest, lowest)).one()
    total = 0 if top is None else int(top) - int(bottom) + 1
    given_counts: dict[str, int] = {}
    family_counts: dict[str, int] = {}
    for column, values, target in (
        (IdentityProfile.given, givens, given_counts),
        (IdentityProfile.family, families, family_counts),
    ):
        for chunk in _chunks(sorted(values)):
            for value, count in conn.execute(
                select(column, func.count()).where(one_of(conn, column, chunk)).group_by(column)
            ):
                if value is not None:
                    target[value] = count
    return given_counts, family_counts, total


def create_persons(conn: Connection, count: int) -> list[int]:
    """``count`` new active persons, in one statement: the rows are identical, so the ids come
    back from one ``INSERT ... SELECT`` over a counted series rather than from an executemany
    (a row per round trip on SQLite, a bind per row on PostgreSQL)."""
    if count == 0:
        return []
    series = select(literal(1).label("n")).cte("person_series", recursive=True)
    series = series.union_all(select(series.c.n + 1).where(series.c.n < count))
    rows = select(bindparam("stamp", now(), type_=Person.created_at.type), literal("active"), null()).select_from(
        series
    )
    result = conn.execute(
        insert(Person).from_select(["created_at", "status", "merged_into_id"], rows).returning(Person.id)
    )
    return sorted(row[0] for row in result)


def insert_links(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        stamp = now()
        bulk_insert_dicts(conn, table_of(SubjectLink), [{**row, "linked_at": stamp} for row in rows])


def insert_review_items(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        stamp = now()
        conn.execute(insert(ReviewItem), [{**row, "status": "open", "created_at": stamp} for row in rows])


def add_profiles(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Add variants not yet held for their person (``person_id`` + ``signature`` is unique)."""
    if not rows:
        return
    unique: dict[tuple[int, str], dict[str, Any]] = {}
    for row in rows:
        unique.setdefault((row["person_id"], row["signature"]), row)
    held: set[tuple[int, str]] = set()
    persons = sorted({person_id for person_id, _ in unique})
    # Every variant of these persons (a handful each), by the person_id index, kept where the
    # pair is one of ours: PostgreSQL plans a 2,000-pair row-value IN as a 2,000-way OR
    # (0.13 s to plan, 0.5 s to run per chunk at 50,000 profiles).
    for chunk in _chunks(persons):
        held.update(
            key
            for r in conn.execute(
                select(IdentityProfile.person_id, IdentityProfile.signature).where(
                    one_of(conn, IdentityProfile.person_id, chunk)
                )
            )
            if (key := (r.person_id, r.signature)) in unique
        )
    fresh = [row for key, row in unique.items() if key not in held]
    if fresh:
        bulk_insert_dicts(conn, table_of(IdentityProfile), fresh)


def person_of_profile(conn: Connection, profile_id: int) -> int | None:
    return conn.execute(select(IdentityProfile.person_id).where(IdentityProfile.id == profile_id)).scalar_one_or_none()


def all_subjects_with_links(conn: Connection) -> list[dict[str, Any]]:
    """Every stored subject, with its current link (``linked_person_id``, ``linked_decision``,
    both ``None`` when not linked yet), in id order: what ``joinedup link run`` re-links."""
    query = (
        select(
            RecordSubject,
            SubjectLink.person_id.label("linked_person_id"),
            SubjectLink.decision.label("linked_decision"),
            SubjectLink.match_probability.label("linked_probability"),
        )
        .outerjoin(SubjectLink, SubjectLink.record_subject_id == RecordSubject.id)
        .order_by(RecordSubject.id)
    )
    return [dict(row._mapping) for row in conn.execute(query)]


def update_links(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Set ``person_id``, ``decision``, ``match_probability`` and ``model_version`` of existing
    links, keyed by ``record_subject_id``."""
    if not rows:
        return
    stamp = now()
    statement = (
        update(SubjectLink)
        .where(SubjectLink.record_subject_id == bindparam("b_subject"))
        .values(
            person_id=bindparam("b_person"),
            decision=bindparam("b_decision"),
            match_probability=bindparam("b_probability"),
            model_version=bindparam("b_model"),
            linked_at=stamp,
        )
    )
    params = [
        {
            "b_subject": r["record_subject_id"],
            "b_person": r["person_id"],
            "b_decision": r["decision"],
            "b_probability": r["match_probability"],
            "b_model": r["model_version"],
        }
        for r in rows
    ]
    for start in range(0, len(params), 10_000):
        conn.execute(statement, params[start : start + 10_000])


def replace_all_profiles(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Rebuild the whole matching index from these rows."""
    conn.execute(delete(IdentityProfile))
    for start in range(0, len(rows), 10_000):
        add_profiles(conn, rows[start : start + 10_000])


def drop_open_review_items(conn: Connection) -> int:
    """Remove undecided review items (a re-link raises the ones that still apply afresh);
    decided ones stay, with their merges."""
    result = conn.execute(delete(ReviewItem).where(ReviewItem.status == "open"))
    return int(result.rowcount or 0)
