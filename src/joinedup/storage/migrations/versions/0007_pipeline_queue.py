"""Pipeline queue: records stored and not yet through linking and the rules (issue 5); an
index on ``record_heads.record_id`` (every "is this the current version" join goes through it)
and one on ``records.local_authority`` (alert routing reads the distinct areas through it).

The queue replaces scans of every ``record_heads`` row for "linked and not yet judged": a
record enters it in the transaction that stores it and leaves it in the transaction that
judges it, so the later stages read a handful of rows however many records are held.
Existing databases are backfilled with every current record the rules have not yet seen.

Revision ID: 0007_pipeline_queue
Revises: 0006_contests
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0007_pipeline_queue"
down_revision = "0006_contests"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_record_heads_record_id", "record_heads", ["record_id"])
    op.create_index("ix_records_local_authority", "records", ["local_authority"])
    op.create_table(
        "pipeline_queue",
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("records.id"), primary_key=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute(
        sa.text(
            "INSERT INTO pipeline_queue (record_id, queued_at) SELECT h.record_id, :now FROM record_heads h"
            " WHERE NOT EXISTS (SELECT 1 FROM rule_evaluated_records e WHERE e.record_id = h.record_id)"
        ).bindparams(now=datetime.now(UTC))
    )


def downgrade() -> None:
    op.drop_table("pipeline_queue")
    op.drop_index("ix_records_local_authority", table_name="records")
    op.drop_index("ix_record_heads_record_id", table_name="record_heads")
