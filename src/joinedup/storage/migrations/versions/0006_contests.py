"""Contests: challenges to a record, a link or an alert, and their decisions (issue 9).

Revision ID: 0006_contests
Revises: 0005_learning
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_contests"
down_revision = "0005_learning"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contests",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("item_kind", sa.String(10), nullable=False),
        sa.Column("item_key", sa.String(200), nullable=False),
        sa.Column("record_id", sa.Integer()),
        sa.Column("subject_index", sa.Integer()),
        sa.Column("alert_id", sa.Integer()),
        sa.Column("person_id", sa.Integer()),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("raised_by", sa.String(200), nullable=False),
        sa.Column("on_behalf_of", sa.String(20), nullable=False),
        sa.Column("raised_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_role", sa.String(40)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("decision_reason", sa.Text()),
        sa.Column("correction", sa.JSON()),
    )
    op.create_index("ix_contests_item", "contests", ["item_kind", "item_key"])
    op.create_index("ix_contests_status", "contests", ["status"])
    op.create_index("ix_contests_person_id", "contests", ["person_id"])


def downgrade() -> None:
    op.drop_table("contests")
