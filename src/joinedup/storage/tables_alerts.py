"""Tables of the rules and alerts stage: what the rules have seen, alerts, evidence, outbox.

Derived state like everything after intake: alerts can be rebuilt by replaying the rules over
the records, except the human parts (acknowledgement, decision, rationale), which live in
``alerts`` and ``alert_actions`` and are never deleted.

``alerts.open_key`` is ``"<person_id>:<rule_id>"`` while an alert is open and NULL once it is
decided: a plain unique constraint (NULLs never collide on SQLite or PostgreSQL) then keeps
"one open alert per child and rule" true even when two ingests race.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.storage.base import Base


class RuleEvaluatedRecord(Base):
    """The durable "rules have seen this record" marker: pending work is every head without one."""

    __tablename__ = "rule_evaluated_records"

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    evaluated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Alert(Base):
    __tablename__ = "alerts"
    __table_args__ = (
        UniqueConstraint("open_key", name="uq_alerts_open_key"),
        Index("ix_alerts_person_id", "person_id"),
        Index("ix_alerts_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    rule_id: Mapped[str] = mapped_column(String(80))
    severity: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # open | acknowledged | decided
    open_key: Mapped[str | None] = mapped_column(String(120))
    first_fired_at: Mapped[date] = mapped_column(Date)
    trigger_record_id: Mapped[int | None] = mapped_column(ForeignKey("records.id"))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    due_at: Mapped[date] = mapped_column(Date)
    local_authority: Mapped[str | None] = mapped_column(String(100))
    local_authority_source: Mapped[str] = mapped_column(String(40))
    previous_local_authority: Mapped[str | None] = mapped_column(String(100))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision: Mapped[str | None] = mapped_column(String(40))
    rationale: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertEvidence(Base):
    """One record that made (or kept) an alert fire: the reason is always visible."""

    __tablename__ = "alert_evidence"
    __table_args__ = (UniqueConstraint("alert_id", "record_id", name="uq_alert_evidence_record"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    agency: Mapped[str] = mapped_column(String(40))
    source_record_id: Mapped[str] = mapped_column(String(100))
    occurred_at: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(Date)
    event_type: Mapped[str] = mapped_column(String(60))
    about_person_id: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AlertAction(Base):
    """What happened to an alert and who did it: raised, evidence added, rerouted, escalated,
    acknowledged, decided. Append-only; the chronology shows the decisions from here."""

    __tablename__ = "alert_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    actor: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class OutboxMessage(Base):
    """A notification promised to someone (a school, a front door, a manager) and whether it
    has gone. Carries ids and references only; an adapter renders and delivers it."""

    __tablename__ = "notification_outbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key", name="uq_notification_outbox_dedupe_key"),
        Index("ix_notification_outbox_status", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme: Mapped[str] = mapped_column(String(40))
    recipient_kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(200))
    person_id: Mapped[int | None] = mapped_column(Integer)
    alert_id: Mapped[int | None] = mapped_column(Integer)
    record_id: Mapped[int | None] = mapped_column(Integer)
    dedupe_key: Mapped[str] = mapped_column(String(200))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    due_by: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))  # pending | delivered | failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_error: Mapped[str | None] = mapped_column(Text)
