"""Writing and reading raw records: the only place that knows the intake tables' SQL.

``store_records`` is called once per chunk inside one transaction, so a chunk is either wholly
on disk or not there at all; a crash mid-file loses nothing that was acknowledged and a rerun
finds the stored rows as duplicates.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, exists, insert, select, update

from joinedup.storage.bulk import bulk_insert, bulk_insert_dicts, table_of
from joinedup.storage.membership import one_of
from joinedup.storage.tables_records import (
    IngestBatch,
    IngestRejection,
    Organisation,
    PipelineQueue,
    Record,
    RecordHead,
    RecordSubject,
)

QUEUE_CHUNK = 2_000
RECORD_COLUMNS = (
    "agency",
    "source_record_id",
    "version",
    "organisation_id",
    "local_authority",
    "occurred_at",
    "occurred_on",
    "event_type",
    "narrative",
    "payload",
    "content_hash",
    "received_at",
    "submitted_by",
    "batch_id",
)
SUBJECT_COLUMNS = (
    "role",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
    "address_line1",
    "address_line2",
    "address_town",
    "address_postcode",
    "other_ids",
)


@dataclass(frozen=True)
class StorableRecord:
    """A validated record in the form the tables hold, with its canonical payload and hash."""

    line: int
    agency: str
    source_record_id: str
    organisation: str | None
    local_authority: str | None
    occurred_at: str
    occurred_on: date
    event_type: str
    narrative: str | None
    payload: dict[str, Any]
    content_hash: str
    subjects: Sequence[dict[str, Any]]


@dataclass(frozen=True)
class StoreOutcome:
    outcome: str  # "accepted" | "duplicate" | "new_version"
    record_id: int | None


class OrganisationCache:
    """Organisation ids by (agency, name), so a 200,000-row file looks each one up once."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], tuple[int, str | None]] = {}

    def resolve(self, conn: Connection, agency: str, name: str, local_authority: str | None) -> int:
        key = (agency, name)
        cached = self._ids.get(key)
        if cached is None:
            row = conn.execute(
                select(Organisation.id, Organisation.local_authority).where(
                    Organisation.agency == agency, Organisation.name == name
                )
            ).first()
            if row is None:
                org_id = conn.execute(
                    insert(Organisation)
                    .values(agency=agency, name=name, local_authority=local_authority, created_at=_now())
                    .returning(Organisation.id)
                ).scalar_one()
                cached = (org_id, local_authority)
            else:
                cached = (row.id, row.local_authority)
        if cached[1] is None and local_authority:
            # The organisation's area was not known until one of its records said it.
            conn.execute(
                update(Organisation).where(Organisation.id == cached[0]).values(local_authority=local_authority)
            )
            cached = (cached[0], local_authority)
        self._ids[key] = cached
        return cached[0]

    def forget(self) -> None:
        self._ids.clear()


def _now() -> datetime:
    return datetime.now(UTC)


def start_batch(conn: Connection, source: str, submitted_by: str) -> int:
    return conn.execute(
        insert(IngestBatch)
        .values(
            source=source[:300],
            submitted_by=submitted_by[:200],
            started_at=_now(),
            accepted=0,
            duplicate=0,
            new_version=0,
            rejected=0,
        )
        .returning(IngestBatch.id)
    ).scalar_one()


def finish_batch(conn: Connection, batch_id: int, counts: dict[str, int]) -> None:
    conn.execute(update(IngestBatch).where(IngestBatch.id == batch_id).values(finished_at=_now(), **counts))


def add_rejections(conn: Connection, batch_id: int, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(insert(IngestRejection), [{"batch_id": batch_id, **row} for row in rows])


def store_records(
    conn: Connection,
    items: Sequence[StorableRecord],
    *,
    batch_id: int | None,
    submitted_by: str,
    organisations: OrganisationCache,
) -> list[StoreOutcome]:
    """Store one chunk: duplicates skipped, changes kept as new versions, heads moved on."""
    received_at = _now()
    ids = sorted({item.source_record_id for item in items})
    heads: dict[tuple[str, str], tuple[int | None, int, str]] = {}
    known: dict[tuple[str, str], set[str]] = {}
    if ids:
        for row in conn.execute(
            select(
                RecordHead.id,
                RecordHead.agency,
                RecordHead.source_record_id,
                RecordHead.version,
                RecordHead.content_hash,
            ).where(one_of(conn, RecordHead.source_record_id, ids))
        ):
            heads[(row.agency, row.source_record_id)] = (row.id, row.version, row.content_hash)
        for held in conn.execute(
            select(Record.agency, Record.source_record_id, Record.content_hash).where(
                one_of(conn, Record.source_record_id, ids)
            )
        ):
            known.setdefault((held.agency, held.source_record_id), set()).add(held.content_hash)

    plan: list[tuple[StorableRecord, int, str]] = []
    outcomes: list[tuple[str, int | None]] = []  # (outcome, index into plan)
    latest_version: dict[tuple[str, str], int] = {k: v[1] for k, v in heads.items()}
    for item in items:
        key = (item.agency, item.source_record_id)
        seen = known.setdefault(key, set())
        if item.content_hash in seen:
            # Held already (as the latest or an earlier version): a rerun, not a change.
            outcomes.append(("duplicate", None))
            continue
        seen.add(item.content_hash)
        previous = latest_version.get(key)
        version = previous + 1 if previous else 1
        latest_version[key] = version
        outcome = "new_version" if previous else "accepted"
        outcomes.append((outcome, len(plan)))
        plan.append((item, version, outcome))

    record_ids: list[int] = []
    if plan:
        rows = []
        for item, version, _ in plan:
            org_id = (
                organisations.resolve(conn, item.agency, item.organisation, item.local_authority)
                if item.organisation
                else None
            )
            rows.append(
                (
                    item.agency,
                    item.source_record_id,
                    version,
                    org_id,
                    item.local_authority,
                    item.occurred_at,
                    item.occurred_on,
                    item.event_type,
                    item.narrative,
                    item.payload,
                    item.content_hash,
                    received_at,
                    submitted_by,
                    batch_id,
                )
            )
        bulk_insert(conn, table_of(Record), RECORD_COLUMNS, rows)
        record_ids = _ids_of(conn, [(item.agency, item.source_record_id, version) for item, version, _ in plan])
        subject_rows = [
            (record_id, index, *(subject.get(c) for c in SUBJECT_COLUMNS))
            for record_id, (item, _, _) in zip(record_ids, plan, strict=True)
            for index, subject in enumerate(item.subjects)
        ]
        bulk_insert(conn, table_of(RecordSubject), ("record_id", "subject_index", *SUBJECT_COLUMNS), subject_rows)
        _move_heads(conn, plan, record_ids, heads)
        # Queued in the same transaction: a stored record is never left without its later stages.
        bulk_insert(conn, table_of(PipelineQueue), ("record_id", "queued_at"), [(r, received_at) for r in record_ids])

    return [StoreOutcome(outcome, record_ids[index] if index is not None else None) for outcome, index in outcomes]


def _ids_of(conn: Connection, keys: list[tuple[str, str, int]]) -> list[int]:
    """Ids of rows just inserted, read back in one query: a multi-row INSERT ... RETURNING
    that keeps parameter order runs row by row on SQLite, twenty times slower."""
    found: dict[tuple[str, str, int], int] = {}
    for row in conn.execute(
        select(Record.id, Record.agency, Record.source_record_id, Record.version).where(
            one_of(conn, Record.source_record_id, sorted({k[1] for k in keys}))
        )
    ):
        found[(row.agency, row.source_record_id, row.version)] = row.id
    return [found[key] for key in keys]


def _move_heads(
    conn: Connection,
    plan: list[tuple[StorableRecord, int, str]],
    record_ids: list[int],
    heads: dict[tuple[str, str], tuple[int | None, int, str]],
) -> None:
    latest: dict[tuple[str, str], tuple[int, int, str]] = {}
    for (item, version, _), record_id in zip(plan, record_ids, strict=True):
        latest[(item.agency, item.source_record_id)] = (record_id, version, item.content_hash)
    inserts = [
        {"agency": k[0], "source_record_id": k[1], "record_id": v[0], "version": v[1], "content_hash": v[2]}
        for k, v in latest.items()
        if k not in heads
    ]
    updates = [
        {"head_id": heads[k][0], "new_record_id": v[0], "new_version": v[1], "new_hash": v[2]}
        for k, v in latest.items()
        if k in heads
    ]
    if inserts:
        bulk_insert_dicts(conn, table_of(RecordHead), inserts)
    if updates:
        conn.execute(
            update(RecordHead)
            .where(RecordHead.id == bindparam("head_id"))
            .values(
                record_id=bindparam("new_record_id"),
                version=bindparam("new_version"),
                content_hash=bindparam("new_hash"),
            )
            .execution_options(synchronize_session=False),
            updates,
        )


def _queue_page(conn: Connection, after: int, *, claim: bool = False) -> list[int]:
    """The next ``QUEUE_CHUNK`` queued record ids after ``after``, oldest first. ``claim`` locks
    them so that, on PostgreSQL, two submissions draining the queue at once take different
    records (SQLite writes one transaction at a time and ignores the lock)."""
    query = (
        select(PipelineQueue.record_id)
        .where(PipelineQueue.record_id > after)
        .order_by(PipelineQueue.record_id)
        .limit(QUEUE_CHUNK)
    )
    if claim:
        query = query.with_for_update(skip_locked=True)
    return list(conn.execute(query).scalars())


def queued_unlinked_subjects(conn: Connection, limit: int) -> list[dict[str, Any]]:
    """Subjects of queued records that have no link yet, oldest record first (what identity's
    ``pending_subjects`` returns, read from the queue instead of from every subject held).

    The queue is read first and the subjects looked up by record id (an index read): a single
    query ordered by subject id lets SQLite walk every subject held instead."""
    from joinedup.storage.tables_identity import SubjectLink

    unlinked = ~exists().where(SubjectLink.record_subject_id == RecordSubject.id)
    found: list[dict[str, Any]] = []
    after = 0
    while len(found) < limit:
        ids = _queue_page(conn, after)
        if not ids:
            break
        query = (
            select(RecordSubject).where(one_of(conn, RecordSubject.record_id, ids), unlinked).order_by(RecordSubject.id)
        )
        found.extend(dict(row._mapping) for row in conn.execute(query))
        after = ids[-1]
    return found


def queued_linked_records(conn: Connection, limit: int) -> list[tuple[int, bool]]:
    """Queued records with at least one linked subject, oldest first, each with whether it is
    still the current version (a superseded version leaves the queue without being judged).

    The queue is read first and links and heads looked up by record id: a planner working
    from stale statistics (PostgreSQL after a bulk load) otherwise hashes every link held."""
    from joinedup.storage.tables_identity import SubjectLink

    found: list[tuple[int, bool]] = []
    after = 0
    while len(found) < limit:
        ids = _queue_page(conn, after, claim=True)
        if not ids:
            break
        linked = set(
            conn.execute(select(SubjectLink.record_id).where(one_of(conn, SubjectLink.record_id, ids))).scalars()
        )
        current = set(
            conn.execute(
                select(RecordHead.record_id).where(one_of(conn, RecordHead.record_id, sorted(linked)))
            ).scalars()
        )
        found.extend((r, r in current) for r in ids if r in linked)
        after = ids[-1]
    return found[:limit]


def dequeue(conn: Connection, record_ids: Sequence[int]) -> None:
    ids = list(record_ids)
    for start in range(0, len(ids), QUEUE_CHUNK):
        conn.execute(
            delete(PipelineQueue).where(one_of(conn, PipelineQueue.record_id, ids[start : start + QUEUE_CHUNK]))
        )


def count_records(conn: Connection) -> int:
    from sqlalchemy import func

    return int(conn.execute(select(func.count()).select_from(Record)).scalar_one())
