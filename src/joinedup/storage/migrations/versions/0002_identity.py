"""Identity: persons and subject links (the identity stage adds its further tables here).

Revision ID: 0002_identity
Revises: 0001_intake
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_identity"
down_revision = "0001_intake"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persons",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("merged_into_id", sa.Integer(), sa.ForeignKey("persons.id")),
    )
    op.create_table(
        "subject_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_subject_id", sa.Integer(), sa.ForeignKey("record_subjects.id"), nullable=False),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("subject_index", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("decision", sa.String(20), nullable=False),
        sa.Column("match_probability", sa.Float()),
        sa.Column("model_version", sa.String(40)),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("record_subject_id", name="uq_subject_links_record_subject_id"),
    )
    op.create_index("ix_subject_links_record_id", "subject_links", ["record_id"])
    op.create_index("ix_subject_links_person_id", "subject_links", ["person_id"])
    op.create_table(
        "identity_profiles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("signature", sa.String(64), nullable=False),
        sa.Column("given", sa.String(100)),
        sa.Column("given_canon", sa.String(100)),
        sa.Column("given_all", sa.JSON()),
        sa.Column("family", sa.String(100)),
        sa.Column("family_block", sa.String(20)),
        sa.Column("family_all", sa.JSON()),
        sa.Column("dob", sa.String(10)),
        sa.Column("dob_year", sa.Integer()),
        sa.Column("sex", sa.String(1)),
        sa.Column("postcode", sa.String(8)),
        sa.Column("postcode_sector", sa.String(8)),
        sa.Column("postcode_district", sa.String(5)),
        sa.Column("address", sa.String(200)),
        sa.Column("nhs", sa.String(10)),
        sa.Column("upn", sa.String(13)),
        sa.Column("roles", sa.JSON()),
        sa.UniqueConstraint("person_id", "signature", name="uq_identity_profiles_person_signature"),
    )
    op.create_index("ix_identity_profiles_person_id", "identity_profiles", ["person_id"])
    op.create_index("ix_identity_profiles_dob", "identity_profiles", ["dob"])
    op.create_index("ix_identity_profiles_nhs", "identity_profiles", ["nhs"])
    op.create_index("ix_identity_profiles_upn", "identity_profiles", ["upn"])
    op.create_index("ix_identity_profiles_postcode", "identity_profiles", ["postcode"])
    op.create_index("ix_identity_profiles_names", "identity_profiles", ["given_canon", "family_block"])
    op.create_index("ix_identity_profiles_given", "identity_profiles", ["given"])
    op.create_index("ix_identity_profiles_family", "identity_profiles", ["family"])
    op.create_table(
        "identity_review_items",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("record_subject_id", sa.Integer(), sa.ForeignKey("record_subjects.id"), nullable=False),
        sa.Column("provisional_person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("candidate_person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("match_probability", sa.Float(), nullable=False),
        sa.Column("match_weight", sa.Float(), nullable=False),
        sa.Column("comparison", sa.JSON()),
        sa.Column("reason", sa.String(200)),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20)),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("note", sa.Text()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_identity_review_items_record_subject_id", "identity_review_items", ["record_subject_id"])
    op.create_index("ix_identity_review_items_status", "identity_review_items", ["status"])
    op.create_table(
        "identity_merge_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("from_person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("into_person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("review_item_id", sa.Integer(), sa.ForeignKey("identity_review_items.id")),
        sa.Column("undoes_event_id", sa.Integer(), sa.ForeignKey("identity_merge_events.id")),
        sa.Column("undone_by_event_id", sa.Integer()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "identity_models",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("trained_on", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("version", name="uq_identity_models_version"),
    )


def downgrade() -> None:
    op.drop_table("identity_models")
    op.drop_table("identity_merge_events")
    op.drop_table("identity_review_items")
    op.drop_table("identity_profiles")
    op.drop_table("subject_links")
    op.drop_table("persons")
