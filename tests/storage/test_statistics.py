"""Planner statistics follow a bulk load: a grown table is analysed once, then left alone."""

from __future__ import annotations

from sqlalchemy import Engine, text

from joinedup.storage.identity_links_repo import create_persons
from joinedup.storage.statistics import grown_tables, refresh_statistics


def _planned_rows(engine: Engine) -> float:
    with engine.connect() as conn:
        return float(conn.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'persons'")).scalar_one())


def test_a_bulk_loaded_table_is_analysed_once(engine: Engine) -> None:
    with engine.begin() as conn:
        create_persons(conn, 30_000)  # a few hundred pages: well past MIN_PAGES
    if engine.dialect.name != "postgresql":
        assert refresh_statistics(engine) == []  # SQLite plans from its indexes; nothing to do
        return
    assert _planned_rows(engine) < 1  # emptied between tests: PostgreSQL plans for no rows
    assert "persons" in grown_tables(engine)
    assert "persons" in refresh_statistics(engine)
    assert abs(_planned_rows(engine) - 30_000) < 3_000  # a sample, exact at this size
    assert "persons" not in grown_tables(engine)
    assert refresh_statistics(engine, ["persons"]) == []  # no growth since: nothing analysed


def test_small_tables_are_not_analysed(engine: Engine) -> None:
    with engine.begin() as conn:
        create_persons(conn, 50)
    assert refresh_statistics(engine, ["persons"]) == []
