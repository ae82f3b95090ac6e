"""The intake's one procedure: read, validate, store a chunk per transaction, then hand the
stored records to the later stages (identity, rules) through ``joinedup.pipeline``.

Acknowledgement follows storage: a row's outcome enters the report only after the transaction
holding it has committed. If the process dies between chunks, everything acknowledged is on
disk, and a rerun of the same file stores the rest and reports the stored rows as duplicates.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from joinedup.ingest.errors import RowError
from joinedup.ingest.minimisation import minimise
from joinedup.ingest.readers import RawRow, read_file
from joinedup.ingest.report import IngestReport
from joinedup.ingest.validate import parse_json_object, validate_json_line, validate_row
from joinedup.storage import records_repo
from joinedup.storage.records_repo import OrganisationCache, StorableRecord

CHUNK = 2_000
Progress = Callable[[int], None]


def ingest_file(
    engine: Engine,
    path: Path,
    *,
    submitted_by: str,
    agency: str | None = None,
    chunk_size: int = CHUNK,
    on_progress: Progress | None = None,
    run_pipeline: bool = True,
) -> IngestReport:
    rows = read_file(path)
    return ingest_rows(
        engine,
        rows,
        source=f"file:{path.name}",
        submitted_by=submitted_by,
        agency=agency,
        chunk_size=chunk_size,
        on_progress=on_progress,
        run_pipeline=run_pipeline,
    )


def ingest_payloads(
    engine: Engine,
    payloads: list[Any],
    *,
    source: str,
    submitted_by: str,
    run_pipeline: bool = True,
) -> IngestReport:
    """Records that arrived as JSON objects (the API); ``line`` is the 1-based position."""
    rows = (
        RawRow(i, p, [])
        if isinstance(p, dict)
        else RawRow(
            i,
            None,
            [
                RowError(
                    i, None, None, 'the item is not a JSON object; each record must be an object like {"agency": ...}'
                )
            ],
        )
        for i, p in enumerate(payloads, start=1)
    )
    return ingest_rows(engine, rows, source=source, submitted_by=submitted_by, run_pipeline=run_pipeline)


def _chunks(rows: Iterable[RawRow], size: int) -> Iterator[list[RawRow]]:
    iterator = iter(rows)
    while chunk := list(islice(iterator, size)):
        yield chunk


def ingest_rows(
    engine: Engine,
    rows: Iterable[RawRow],
    *,
    source: str,
    submitted_by: str,
    agency: str | None = None,
    chunk_size: int = CHUNK,
    on_progress: Progress | None = None,
    run_pipeline: bool = True,
) -> IngestReport:
    report = IngestReport()
    notices = report.notices
    organisations = OrganisationCache()
    with engine.begin() as conn:
        report.batch_id = records_repo.start_batch(conn, source, submitted_by)
    for chunk in _chunks(rows, chunk_size):
        valid: list[StorableRecord] = []
        refused: list[list[RowError]] = []
        for row in chunk:
            if row.errors:
                refused.append(row.errors)
                continue
            outcome = _validate(row, agency)
            if isinstance(outcome, list):
                refused.append(outcome)
            else:
                outcome, dropped = minimise(outcome)  # the data register: fields not held are never stored
                notices.note(outcome.event_type, dropped, outcome.line)
                valid.append(outcome)
        outcomes = _store_chunk(engine, valid, refused, report.batch_id, submitted_by, organisations)
        for result in outcomes:
            if result.outcome == "accepted":
                report.accepted += 1
            elif result.outcome == "new_version":
                report.new_version += 1
            else:
                report.duplicate += 1
            if result.record_id is not None:
                report.stored_record_ids.append(result.record_id)
        report.rejected.extend(refused)
        if on_progress is not None:
            on_progress(len(chunk))
    with engine.begin() as conn:
        records_repo.finish_batch(
            conn,
            report.batch_id,
            {
                "accepted": report.accepted,
                "duplicate": report.duplicate,
                "new_version": report.new_version,
                "rejected": report.rejected_count,
            },
        )
    if run_pipeline and report.stored_record_ids:
        from joinedup.pipeline import process_pending

        process_pending(engine)
    return report


def _validate(row: RawRow, agency: str | None) -> StorableRecord | list[RowError]:
    if row.raw is not None and agency is None:
        return validate_json_line(row.line, row.raw)
    data = row.data
    if data is None and row.raw is not None:
        parsed = parse_json_object(row.line, row.raw)
        if isinstance(parsed, RowError):
            return [parsed]
        data = parsed
    if data is None:
        return [RowError(row.line, None, None, "the row is empty")]
    return validate_row(row.line, data, agency=agency)


def _store_chunk(
    engine: Engine,
    valid: list[StorableRecord],
    refused: list[list[RowError]],
    batch_id: int,
    submitted_by: str,
    organisations: OrganisationCache,
) -> list[records_repo.StoreOutcome]:
    rejection_rows = [
        {
            "line": e[0].line,
            "source_record_id": e[0].source_record_id,
            "field": e[0].field,
            "reason": "; ".join(f"{x.field}: {x.reason}" if x.field else x.reason for x in e)[:4000],
        }
        for e in refused
        if e
    ]
    for attempt in range(3):
        try:
            with engine.begin() as conn:
                outcomes = records_repo.store_records(
                    conn, valid, batch_id=batch_id, submitted_by=submitted_by, organisations=organisations
                )
                records_repo.add_rejections(conn, batch_id, rejection_rows)
            return outcomes
        except IntegrityError:
            # Another submission stored the same (agency, source_record_id) between our look-up
            # and our insert; look again and the race resolves into duplicate or new version.
            organisations.forget()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
