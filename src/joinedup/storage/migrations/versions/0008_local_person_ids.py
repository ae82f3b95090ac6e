"""Agency-local person ids (issue 4): ``record_subjects.other_ids`` keeps a subject's
``other_ids`` exactly as sent (record format v1, added field); ``identity_profiles`` gains the
standardised forms identity reads: ``local_id`` and ``local_scheme`` (the id the model compares
and blocks on, indexed for the one-record look-up) and ``local_ids`` (every id, for the guards).

Existing rows get nulls: nothing stored before this migration carried such ids.

Revision ID: 0008_local_person_ids
Revises: 0007_pipeline_queue
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_local_person_ids"
down_revision = "0007_pipeline_queue"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("record_subjects", sa.Column("other_ids", sa.JSON(), nullable=True))
    op.add_column("identity_profiles", sa.Column("local_id", sa.String(100), nullable=True))
    op.add_column("identity_profiles", sa.Column("local_scheme", sa.String(40), nullable=True))
    op.add_column("identity_profiles", sa.Column("local_ids", sa.JSON(), nullable=True))
    op.create_index("ix_identity_profiles_local_id", "identity_profiles", ["local_id"])


def downgrade() -> None:
    op.drop_index("ix_identity_profiles_local_id", table_name="identity_profiles")
    with op.batch_alter_table("identity_profiles") as batch:
        batch.drop_column("local_ids")
        batch.drop_column("local_scheme")
        batch.drop_column("local_id")
    with op.batch_alter_table("record_subjects") as batch:
        batch.drop_column("other_ids")
