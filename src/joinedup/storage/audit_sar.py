"""Reading everything held about one person, for a subject access request.

Any table with a ``person_id`` column is included, so tables later stages add (alerts,
decisions, contests) are exported without this module changing. Records are reached through
``subject_links``; their full payloads are included, for the data protection officer to
review and redact third parties' data before anything is disclosed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, select

from joinedup.storage.tables import Base
from joinedup.storage.tables_identity import Person, SubjectLink
from joinedup.storage.tables_records import Record, RecordSubject


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _rows(conn: Connection, query: Any) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in row._mapping.items()} for row in conn.execute(query)]


def person_exists(conn: Connection, person_id: int) -> bool:
    return conn.execute(select(Person.id).where(Person.id == person_id)).first() is not None


def everything_about(conn: Connection, person_id: int) -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        if "person_id" in table.c and table.name not in ("subject_links",):
            rows = _rows(conn, select(table).where(table.c.person_id == person_id))
            if rows:
                tables[table.name] = rows
    links = _rows(conn, select(SubjectLink.__table__).where(SubjectLink.person_id == person_id))
    record_ids = sorted({link["record_id"] for link in links})
    records = _rows(conn, select(Record.__table__).where(Record.id.in_(record_ids))) if record_ids else []
    subjects = (
        _rows(conn, select(RecordSubject.__table__).where(RecordSubject.record_id.in_(record_ids)))
        if record_ids
        else []
    )
    return {
        "person": _rows(conn, select(Person.__table__).where(Person.id == person_id)),
        "subject_links": links,
        "records": records,
        "record_subjects": subjects,
        "tables": tables,
    }
