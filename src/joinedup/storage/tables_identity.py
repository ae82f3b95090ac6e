"""Tables of the identity stage: persons and the link from each stored subject to one.

Derived state: every row here can be rebuilt from the raw records and the recorded linkage
decisions. ``subject_links`` holds exactly one current row per ``record_subjects`` row; the
history of merges and unmerges is kept beside it (``identity_merge_events``), with the review
queue (``identity_review_items``), the matching index (``identity_profiles``) and trained
models (``identity_models``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.storage.base import Base


class Person(Base):
    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | merged
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id"))


class SubjectLink(Base):
    """Which person one subject of one record is (contract: ``joinedup link export``)."""

    __tablename__ = "subject_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_subject_id: Mapped[int] = mapped_column(ForeignKey("record_subjects.id"), unique=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("records.id"), index=True)
    subject_index: Mapped[int] = mapped_column(Integer)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    # trusted_id | auto_link | review | new_person | manual
    decision: Mapped[str] = mapped_column(String(20))
    match_probability: Mapped[float | None] = mapped_column(Float)
    model_version: Mapped[str | None] = mapped_column(String(40))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IdentityProfile(Base):
    """One distinct standardised variant of a person (the index matching reads).

    A child seen at school every day has thousands of subjects but a handful of variants, so
    matching a new record costs what the person's *variants* cost, not their records. Rebuilt
    for a person from their subjects whenever a merge or unmerge changes who they are.
    """

    __tablename__ = "identity_profiles"
    __table_args__ = (
        UniqueConstraint("person_id", "signature", name="uq_identity_profiles_person_signature"),
        Index("ix_identity_profiles_dob", "dob"),
        Index("ix_identity_profiles_nhs", "nhs"),
        Index("ix_identity_profiles_upn", "upn"),
        Index("ix_identity_profiles_postcode", "postcode"),
        Index("ix_identity_profiles_names", "given_canon", "family_block"),
        Index("ix_identity_profiles_given", "given"),
        Index("ix_identity_profiles_family", "family"),
        Index("ix_identity_profiles_local_id", "local_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"), index=True)
    signature: Mapped[str] = mapped_column(String(64))
    given: Mapped[str | None] = mapped_column(String(100))
    given_canon: Mapped[str | None] = mapped_column(String(100))
    given_all: Mapped[list[str] | None] = mapped_column(JSON)
    family: Mapped[str | None] = mapped_column(String(100))
    family_block: Mapped[str | None] = mapped_column(String(20))
    family_all: Mapped[list[str] | None] = mapped_column(JSON)
    dob: Mapped[str | None] = mapped_column(String(10))
    dob_year: Mapped[int | None] = mapped_column(Integer)
    sex: Mapped[str | None] = mapped_column(String(1))
    postcode: Mapped[str | None] = mapped_column(String(8))
    postcode_sector: Mapped[str | None] = mapped_column(String(8))
    postcode_district: Mapped[str | None] = mapped_column(String(5))
    address: Mapped[str | None] = mapped_column(String(200))
    nhs: Mapped[str | None] = mapped_column(String(10))
    upn: Mapped[str | None] = mapped_column(String(13))
    # Agency-local person ids, standardised ("scheme:VALUE"): the one the model compares and
    # blocks on (the first the record gave), and all of them, for the decision guards.
    local_id: Mapped[str | None] = mapped_column(String(100))
    local_scheme: Mapped[str | None] = mapped_column(String(40))
    local_ids: Mapped[list[str] | None] = mapped_column(JSON)
    # The roles this variant was recorded in (child, parent...), for the decision guards.
    roles: Mapped[list[str] | None] = mapped_column(JSON)


class ReviewItem(Base):
    """A subject the model could not settle: a clerk decides whether it is the candidate."""

    __tablename__ = "identity_review_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    record_subject_id: Mapped[int] = mapped_column(ForeignKey("record_subjects.id"), index=True)
    provisional_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    candidate_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    match_probability: Mapped[float] = mapped_column(Float)
    match_weight: Mapped[float] = mapped_column(Float)
    # Per comparison: level label and the match weight it contributed (the "why").
    comparison: Mapped[dict[str, object] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), index=True)  # open | not_sure | decided
    outcome: Mapped[str | None] = mapped_column(String(20))  # accept | reject
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MergeEvent(Base):
    """A merge or unmerge, with every link it moved and what that link was before: the undo log."""

    __tablename__ = "identity_merge_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(20))  # merge | unmerge
    from_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    into_person_id: Mapped[int] = mapped_column(ForeignKey("persons.id"))
    # [{"record_subject_id", "person_id", "decision", "match_probability"}] before the change.
    moved: Mapped[list[dict[str, object]]] = mapped_column(JSON)
    actor: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(Text)
    review_item_id: Mapped[int | None] = mapped_column(ForeignKey("identity_review_items.id"))
    undoes_event_id: Mapped[int | None] = mapped_column(ForeignKey("identity_merge_events.id"))
    undone_by_event_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LinkageModel(Base):
    """A linkage model trained on this deployment's data (``joinedup link train``), versioned."""

    __tablename__ = "identity_models"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[str] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    trained_on: Mapped[int] = mapped_column(Integer)  # how many subjects it was trained on
    settings: Mapped[dict[str, object]] = mapped_column(JSON)  # Splink's saved-model JSON
    active: Mapped[bool] = mapped_column(Boolean, default=False)
