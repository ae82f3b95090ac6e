"""Tables of the intake: organisations, raw records (immutable, versioned) and their subjects.

A raw record is never updated: a changed record under the same ``(agency, source_record_id)``
is a new row with the next ``version``; content already held under that key (in any version)
is a duplicate, so rerunning a file after a crash stores nothing twice. ``record_heads`` points
at the latest version for the stages downstream. Everything downstream (persons,
chronologies, alerts) is derived from these rows and can be rebuilt from them.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.storage.base import Base


class Organisation(Base):
    """An agency's organisation (a school, a GP practice, a police force) and its area."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("agency", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    local_authority: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IngestBatch(Base):
    """One submission (a file, an API call, a web form) and what became of it."""

    __tablename__ = "ingest_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(300))
    submitted_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    accepted: Mapped[int] = mapped_column(Integer, default=0)
    duplicate: Mapped[int] = mapped_column(Integer, default=0)
    new_version: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)


class IngestRejection(Base):
    """Why a row was refused. Holds the reason and where, never the row's content."""

    __tablename__ = "ingest_rejections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("ingest_batches.id"), index=True)
    line: Mapped[int] = mapped_column(Integer)
    source_record_id: Mapped[str | None] = mapped_column(String(100))
    field: Mapped[str | None] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)


class Record(Base):
    """A raw agency record, exactly as accepted, with its provenance. Immutable."""

    __tablename__ = "records"
    __table_args__ = (
        UniqueConstraint("agency", "source_record_id", "version"),
        # One row per distinct content of a record: how a rerun of a file is recognised.
        UniqueConstraint("source_record_id", "agency", "content_hash", name="uq_records_content"),
        Index("ix_records_occurred_on", "occurred_on"),
        # Alert routing reads the distinct areas records name through this index.
        Index("ix_records_local_authority", "local_authority"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    source_record_id: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(Integer)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    local_authority: Mapped[str | None] = mapped_column(String(100))
    occurred_at: Mapped[str] = mapped_column(String(40))
    occurred_on: Mapped[date] = mapped_column(Date)
    event_type: Mapped[str] = mapped_column(String(60), index=True)
    narrative: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_by: Mapped[str] = mapped_column(String(200))
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_batches.id"))


class RecordSubject(Base):
    """One subject of a raw record, flattened for matching. Immutable like its record."""

    __tablename__ = "record_subjects"
    __table_args__ = (UniqueConstraint("record_id", "subject_index"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    subject_index: Mapped[int] = mapped_column(Integer)
    role: Mapped[str | None] = mapped_column(String(40))
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    other_names: Mapped[list[str] | None] = mapped_column(JSON)
    date_of_birth: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(1))
    nhs_number: Mapped[str | None] = mapped_column(String(20))
    upn: Mapped[str | None] = mapped_column(String(20))
    address_line1: Mapped[str | None] = mapped_column(String(200))
    address_line2: Mapped[str | None] = mapped_column(String(200))
    address_town: Mapped[str | None] = mapped_column(String(100))
    address_postcode: Mapped[str | None] = mapped_column(String(12))
    # Agency-local person ids exactly as sent: [{"scheme", "value"}] (record format v1, added).
    other_ids: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)


class RecordHead(Base):
    """The latest version of each ``(agency, source_record_id)``: how resubmissions are spotted."""

    __tablename__ = "record_heads"
    __table_args__ = (
        UniqueConstraint("source_record_id", "agency"),
        # Later stages join heads on record_id ("is this the current version?").
        Index("ix_record_heads_record_id", "record_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agency: Mapped[str] = mapped_column(String(40))
    source_record_id: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"))
    version: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))


class PipelineQueue(Base):
    """Records stored and not yet through the later stages (linking, then the rules).

    A record enters in the transaction that stores it and leaves in the transaction in which
    the rules judge it, so a crash anywhere in between leaves it queued and the next run of
    ``joinedup.pipeline.process_pending`` finishes its work; the stages read this short list
    instead of scanning every record held.
    """

    __tablename__ = "pipeline_queue"

    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), primary_key=True)
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
