"""Bulk inserts at driver speed, with SQLAlchemy's own type conversions.

An executemany through ``insert(table)`` spends more time building parameter dictionaries
than the database spends storing rows. Here the statement is written once per table, each
column's bind processor is looked up once, and rows go to the driver as tuples, so the
stored values are exactly what SQLAlchemy itself would have written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Connection, Table


def _placeholder(paramstyle: str) -> str:
    return {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": ":1"}.get(paramstyle, "?")


def bulk_insert(conn: Connection, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (tuples in ``columns`` order) into ``table`` with one executemany."""
    if not rows:
        return
    dialect = conn.dialect
    mark = _placeholder(dialect.paramstyle)
    processors: list[Callable[[Any], Any] | None] = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns
    ]
    sql = f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    active = [(i, p) for i, p in enumerate(processors) if p is not None]
    converted: list[Sequence[Any]] = []
    for row in rows:
        if active:
            values = list(row)
            for i, process in active:
                if values[i] is not None:
                    values[i] = process(values[i])
            converted.append(tuple(values))
        else:
            converted.append(row)
    conn.exec_driver_sql(sql, converted)
