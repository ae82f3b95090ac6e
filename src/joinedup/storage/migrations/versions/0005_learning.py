"""Learning: case-review library (issue 8).

Revision ID: 0005_learning
Revises: 0004_access
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_learning"
down_revision = "0004_access"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("year", sa.Integer()),
        sa.Column("area", sa.String(120)),
        sa.Column("source_file", sa.String(500), nullable=False),
        sa.Column("source_format", sa.String(10), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("sketch", sa.JSON(), nullable=False),
        sa.Column("duplicate_of", sa.Integer(), sa.ForeignKey("reviews.id")),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tagged_at", sa.DateTime(timezone=True)),
        sa.Column("model_version", sa.String(80)),
    )
    op.create_index("ix_reviews_year", "reviews", ["year"])
    op.create_index("ix_reviews_area", "reviews", ["area"])
    op.create_index("ix_reviews_content_hash", "reviews", ["content_hash"])
    op.create_table(
        "review_passages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("page", sa.Integer()),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("embedding", sa.LargeBinary()),
        sa.UniqueConstraint("review_id", "seq", name="uq_review_passages_review_id"),
    )
    op.create_index("ix_review_passages_review_id", "review_passages", ["review_id"])
    op.create_table(
        "review_themes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("review_id", sa.Integer(), sa.ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False),
        sa.Column("theme_id", sa.String(60), nullable=False),
        sa.Column("confidence", sa.Float()),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
        sa.Column("tagged_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("review_id", "theme_id", name="uq_review_themes_review_id"),
    )
    op.create_index("ix_review_themes_review_id", "review_themes", ["review_id"])
    op.create_index("ix_review_themes_theme_id", "review_themes", ["theme_id"])


def downgrade() -> None:
    op.drop_table("review_themes")
    op.drop_table("review_passages")
    op.drop_table("reviews")
