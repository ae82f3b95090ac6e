"""Alerts: rules, alerts, decisions, outbox (issue 5).

Revision ID: 0003_alerts
Revises: 0002_identity
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_alerts"
down_revision = "0002_identity"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "rule_evaluated_records",
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("records.id"), primary_key=True),
        sa.Column("evaluated_at", TZ, nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", sa.Integer(), sa.ForeignKey("persons.id"), nullable=False),
        sa.Column("rule_id", sa.String(80), nullable=False),
        sa.Column("severity", sa.String(20), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("open_key", sa.String(120)),
        sa.Column("first_fired_at", sa.Date(), nullable=False),
        sa.Column("trigger_record_id", sa.Integer(), sa.ForeignKey("records.id")),
        sa.Column("raised_at", TZ, nullable=False),
        sa.Column("due_at", sa.Date(), nullable=False),
        sa.Column("local_authority", sa.String(100)),
        sa.Column("local_authority_source", sa.String(40), nullable=False),
        sa.Column("previous_local_authority", sa.String(100)),
        sa.Column("escalated_at", TZ),
        sa.Column("acknowledged_by", sa.String(200)),
        sa.Column("acknowledged_at", TZ),
        sa.Column("decision", sa.String(40)),
        sa.Column("rationale", sa.Text()),
        sa.Column("decided_by", sa.String(200)),
        sa.Column("decided_at", TZ),
        sa.Column("updated_at", TZ, nullable=False),
        sa.UniqueConstraint("open_key", name="uq_alerts_open_key"),
    )
    op.create_index("ix_alerts_person_id", "alerts", ["person_id"])
    op.create_index("ix_alerts_status", "alerts", ["status"])
    op.create_table(
        "alert_evidence",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alert_id", sa.Integer(), sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("records.id"), nullable=False),
        sa.Column("agency", sa.String(40), nullable=False),
        sa.Column("source_record_id", sa.String(100), nullable=False),
        sa.Column("occurred_at", sa.String(40), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("event_type", sa.String(60), nullable=False),
        sa.Column("about_person_id", sa.Integer()),
        sa.Column("added_at", TZ, nullable=False),
        sa.UniqueConstraint("alert_id", "record_id", name="uq_alert_evidence_record"),
    )
    op.create_index("ix_alert_evidence_alert_id", "alert_evidence", ["alert_id"])
    op.create_table(
        "alert_actions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("alert_id", sa.Integer(), sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("action", sa.String(30), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("at", TZ, nullable=False),
        sa.Column("detail", sa.JSON()),
    )
    op.create_index("ix_alert_actions_alert_id", "alert_actions", ["alert_id"])
    op.create_table(
        "notification_outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("scheme", sa.String(40), nullable=False),
        sa.Column("recipient_kind", sa.String(40), nullable=False),
        sa.Column("recipient", sa.String(200), nullable=False),
        sa.Column("person_id", sa.Integer()),
        sa.Column("alert_id", sa.Integer()),
        sa.Column("record_id", sa.Integer()),
        sa.Column("dedupe_key", sa.String(200), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("due_by", TZ),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("delivered_at", TZ),
        sa.Column("last_error", sa.Text()),
        sa.UniqueConstraint("dedupe_key", name="uq_notification_outbox_dedupe_key"),
    )
    op.create_index("ix_notification_outbox_status", "notification_outbox", ["status"])


def downgrade() -> None:
    op.drop_table("notification_outbox")
    op.drop_table("alert_actions")
    op.drop_table("alert_evidence")
    op.drop_table("alerts")
    op.drop_table("rule_evaluated_records")
