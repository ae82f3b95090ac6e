"""Alembic environment: runs on the engine JoinedUp hands it, so one code path migrates
SQLite and PostgreSQL alike (``storage.db.migrate``)."""

from alembic import context

from joinedup.storage.tables import Base

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    context.run_migrations()
