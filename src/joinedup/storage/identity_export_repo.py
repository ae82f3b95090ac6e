"""Reading links for the export contract and for other stages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Connection, select

from joinedup.storage.tables_identity import SubjectLink
from joinedup.storage.tables_records import Record, RecordHead, RecordSubject


def latest_links(conn: Connection) -> Iterator[dict[str, Any]]:
    """Every subject of the latest version of every stored record, with its link (if any)."""
    query = (
        select(
            Record.agency,
            Record.source_record_id,
            RecordSubject.subject_index,
            RecordSubject.role,
            SubjectLink.person_id,
            SubjectLink.decision,
            SubjectLink.match_probability,
        )
        .select_from(RecordHead)
        .join(Record, Record.id == RecordHead.record_id)
        .join(RecordSubject, RecordSubject.record_id == Record.id)
        .outerjoin(SubjectLink, SubjectLink.record_subject_id == RecordSubject.id)
        .order_by(Record.agency, Record.source_record_id, RecordSubject.subject_index)
    )
    for row in conn.execution_options(yield_per=5_000).execute(query):
        yield dict(row._mapping)
