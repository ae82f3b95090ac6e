"""Intake: organisations, ingest batches and rejections, immutable versioned records.

Revision ID: 0001_intake
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_intake"
down_revision = None
branch_labels = None
depends_on = None

_TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency", sa.String(40), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("local_authority", sa.String(100)),
        sa.Column("created_at", _TZ, nullable=False),
        sa.UniqueConstraint("agency", "name", name="uq_organisations_agency"),
    )
    op.create_table(
        "ingest_batches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("started_at", _TZ, nullable=False),
        sa.Column("finished_at", _TZ),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("duplicate", sa.Integer(), nullable=False),
        sa.Column("new_version", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
    )
    op.create_table(
        "ingest_rejections",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("ingest_batches.id"), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("source_record_id", sa.String(100)),
        sa.Column("field", sa.String(200)),
        sa.Column("reason", sa.Text(), nullable=False),
    )
    op.create_index("ix_ingest_rejections_batch_id", "ingest_rejections", ["batch_id"])
    op.create_table(
        "records",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency", sa.String(40), nullable=False),
        sa.Column("source_record_id", sa.String(100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), sa.ForeignKey("organisations.id")),
        sa.Column("local_authority", sa.String(100)),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("event_type", sa.String(60), nullable=False),
        sa.Column("narrative", sa.Text()),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("received_at", _TZ, nullable=False),
        sa.Column("submitted_by", sa.String(200), nullable=False),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("ingest_batches.id")),
        sa.UniqueConstraint("agency", "source_record_id", "version", name="uq_records_agency"),
        sa.UniqueConstraint("source_record_id", "agency", "content_hash", name="uq_records_content"),
    )
    op.create_index("ix_records_occurred_on", "records", ["occurred_on"])
    op.create_index("ix_records_event_type", "records", ["event_type"])
    op.create_table(
        "record_subjects",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("subject_index", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(40)),
        sa.Column("given_name", sa.String(100)),
        sa.Column("family_name", sa.String(100)),
        sa.Column("other_names", sa.JSON()),
        sa.Column("date_of_birth", sa.String(10)),
        sa.Column("sex", sa.String(1)),
        sa.Column("nhs_number", sa.String(20)),
        sa.Column("upn", sa.String(20)),
        sa.Column("address_line1", sa.String(200)),
        sa.Column("address_line2", sa.String(200)),
        sa.Column("address_town", sa.String(100)),
        sa.Column("address_postcode", sa.String(12)),
        sa.UniqueConstraint("record_id", "subject_index", name="uq_record_subjects_record_id"),
    )
    op.create_table(
        "record_heads",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("agency", sa.String(40), nullable=False),
        sa.Column("source_record_id", sa.String(100), nullable=False),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.UniqueConstraint("source_record_id", "agency", name="uq_record_heads_source_record_id"),
    )
    _forbid_updates(("records", "record_subjects"))


def _forbid_updates(tables: tuple[str, ...]) -> None:
    """Raw records are evidence: the database itself refuses to change one in place."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for table in tables:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} are immutable: send a new version instead'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION joinedup_refuse_update() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION '% are immutable: send a new version instead', TG_TABLE_NAME; END $$"
        )
        for table in tables:
            op.execute(
                f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION joinedup_refuse_update()"
            )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in ("records", "record_subjects"):
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table}")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS joinedup_refuse_update()")
    for table in ("record_heads", "record_subjects", "records", "ingest_rejections", "ingest_batches", "organisations"):
        op.drop_table(table)
