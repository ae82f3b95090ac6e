"""``column IN (values)`` for long lists of values, written the way each backend reads fastest.

The pipeline reads by lists of up to 2,000 ids. Written as ``IN (...)``, each id is its own
placeholder: psycopg parses such a statement in Python (about 27 ms for 2,000 placeholders,
and too long for its statement cache) and SQLAlchemy expands it on every call, which together
cost about a minute of a 200,000-record file on PostgreSQL. There the list goes as one array
parameter, ``column = ANY(:values)``, which PostgreSQL plans exactly as it plans an ``IN``
list (it turns one into the other). SQLite has no arrays and keeps ``IN``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Connection, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY


def one_of(conn: Connection, column: Any, values: Iterable[Any]) -> ColumnElement[bool]:
    """``column IN values`` for ``conn``'s backend (``column = ANY(array)`` on PostgreSQL)."""
    listed = list(values)
    if conn.dialect.name == "postgresql":
        return column == any_(bindparam(None, listed, type_=ARRAY(column.type)))  # type: ignore[no-any-return]
    return column.in_(listed)  # type: ignore[no-any-return]
