"""Reading a child's chronology for a page (call the access guard first).

``assemble_chronology`` is the chronology stage's; this wrapper only works around a bug in its
``_recorded_identities`` (an ORM entity selected on a Core ``Connection`` comes back as flat
columns, so unpacking fails): the same query through an ORM ``Session`` bound to the same
connection returns the entity. Remove the fallback once the chronology stage fixes it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from joinedup.chronology import assemble_chronology
from joinedup.chronology.assemble import Chronology


def read_chronology(conn: Connection, person_id: int, **filters: Any) -> Chronology:
    try:
        return assemble_chronology(conn, person_id, **filters)
    except ValueError:
        with Session(bind=conn) as session:
            return assemble_chronology(session, person_id, **filters)  # type: ignore[arg-type]
