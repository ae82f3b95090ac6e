"""Real databases for every test: SQLite always, PostgreSQL whenever the server is reachable.

Tests that take the ``db_url`` or ``engine`` fixture run once per backend. Each test session
(and each xdist worker) gets its own PostgreSQL database, migrated once and emptied between
tests, so parallel runs never see each other's rows. With ``JOINEDUP_REQUIRE_PG=1`` (CI) an
unreachable server fails the run loudly instead of skipping.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from joinedup.storage.db import make_engine, migrate
from joinedup.storage.tables import Base

PG_ADMIN_URL = os.environ.get("JOINEDUP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("JOINEDUP_REQUIRE_PG") == "1"


def _pg_reachable() -> str | None:
    """None when PostgreSQL answers; otherwise why not."""
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"PostgreSQL not reachable at {PG_ADMIN_URL.split('@')[-1]}: {type(exc).__name__}"


_PG_PROBLEM = _pg_reachable()
if _PG_PROBLEM and REQUIRE_PG:
    raise pytest.UsageError(f"JOINEDUP_REQUIRE_PG=1 but {_PG_PROBLEM}")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    if _PG_PROBLEM:
        pytest.skip(_PG_PROBLEM)
    name = f"joinedup_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _empty_pg(url: str) -> None:
    engine = make_engine(url)
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database on each backend in turn."""
    if request.param == "sqlite":
        path = tmp_path / "joinedup.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("pg_database_url")
    _empty_pg(url)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()
