"""Planner statistics kept in step with bulk loads (PostgreSQL).

PostgreSQL plans from the row counts and value distributions its last ``ANALYZE`` saw. A bulk
load into fresh tables leaves it planning for empty tables until autovacuum catches up (a
minute or more later, never if autovacuum is off): the rules' reads of a child's records then
hash every record and head held, per chunk, and a 200,000-record file took 26 minutes instead
of under three. The pipeline therefore analyses the tables it reads itself, whenever one has
grown by ``GROWTH`` since its statistics were taken.

The check is one catalog query (pages on disk against the pages the last ``ANALYZE`` counted),
so a one-record submission pays about a millisecond. ``ANALYZE`` samples a fixed number of
rows whatever the table's size, and growth by a factor means a table is analysed a handful of
times on its way to millions of rows, so the cost is bounded. SQLite plans well from its
indexes alone and is left as it is.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Engine, text

# The tables the pipeline's own queries read (intake look-ups, linking, the rules' story reads).
PIPELINE_TABLES = (
    "records",
    "record_heads",
    "record_subjects",
    "pipeline_queue",
    "organisations",
    "persons",
    "subject_links",
    "identity_profiles",
    "alerts",
    "alert_evidence",
    "rule_evaluated_records",
)
# Re-analyse a table once it holds this many times the pages its statistics describe.
GROWTH = 2.0
# Below this many pages (8 kB each) any plan is cheap; analysing would cost more than it saves.
MIN_PAGES = 64

_GROWN = text(
    "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY(:names)"
    " AND pg_relation_size(c.oid) / current_setting('block_size')::int"
    "     >= greatest(:min_pages, :growth * c.relpages)"
    " ORDER BY c.relname"
)


def grown_tables(engine: Engine, tables: Sequence[str] = PIPELINE_TABLES) -> list[str]:
    """The tables among ``tables`` whose statistics no longer describe them (PostgreSQL only)."""
    if engine.dialect.name != "postgresql":
        return []
    with engine.connect() as conn:
        return list(conn.execute(_GROWN, {"names": list(tables), "min_pages": MIN_PAGES, "growth": GROWTH}).scalars())


def refresh_statistics(engine: Engine, tables: Sequence[str] = PIPELINE_TABLES) -> list[str]:
    """Analyse the tables that have outgrown their statistics; returns the ones analysed.

    Each ``ANALYZE`` commits on its own (autocommit), so its lock is held for that table's
    sample only. ``SKIP_LOCKED`` passes over a table another session is analysing right now
    (autovacuum, or a second submission): its statistics are being refreshed anyway."""
    grown = grown_tables(engine, tables)
    if grown:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for name in grown:
                conn.exec_driver_sql(f'ANALYZE (SKIP_LOCKED) "{name}"')
    return grown
