"""Opening a database: the embedded SQLite default or PostgreSQL by URL, always migrated.

SQLite is opened in WAL mode with foreign keys on and ``synchronous=FULL``: a record is
acknowledged only after its transaction is on disk, so a power cut cannot lose something we
told an agency we had. PostgreSQL URLs are given the psycopg 3 driver.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_URL = "sqlite:///joinedup.sqlite"
MIGRATIONS = Path(__file__).parent / "migrations"


def resolve_url(url: str | None = None) -> str:
    """The URL to use: the one given, else ``JOINEDUP_DB``, else a SQLite file here."""
    chosen = url or os.environ.get("JOINEDUP_DB") or DEFAULT_URL
    parsed = make_url(chosen)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _json_dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(url: str | None = None) -> Engine:
    resolved = resolve_url(url)
    json_codec: dict[str, Any] = {"json_serializer": _json_dumps, "json_deserializer": orjson.loads}
    if resolved.startswith("sqlite"):
        engine = create_engine(resolved, connect_args={"timeout": 30}, **json_codec)
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        engine = create_engine(resolved, pool_pre_ping=True, **json_codec)
    return engine


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    return config


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is already there)."""
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    config = alembic_config(engine)
    head = ScriptDirectory.from_config(config).get_current_head()
    with engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    if current != head:
        command.upgrade(config, "head")


def open_database(url: str | None = None) -> Engine:
    """An engine on a database whose schema is current: what every command and the app use."""
    engine = make_engine(url)
    migrate(engine)
    return engine
