"""Reading a child's chronology for a page (call the access guard first).

The pages read the chronology stage's ``assemble_chronology`` directly; this name is kept for
the page modules that import it. (An earlier fallback here retried any ``ValueError`` through
an ORM ``Session``, for a bug in the chronology's identity query that no longer exists: the
query selects plain columns. It was dead code that could only hide real errors.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection

from joinedup.chronology import assemble_chronology
from joinedup.chronology.assemble import Chronology


def read_chronology(conn: Connection, person_id: int, **filters: Any) -> Chronology:
    return assemble_chronology(conn, person_id, **filters)
