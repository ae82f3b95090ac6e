"""Tables of the learning stage: published case reviews, their passages and learning themes.

A review is the document as loaded (never edited once stored); its passages are the cleaned
text cut into pieces that carry their page number and, once tagged, their sentence embedding
(float32 little-endian bytes) for semantic search. ``review_themes`` holds one row per
(review, theme): the tagger's suggestion with its confidence and evidencing passages, and the
reviewer's decision (``confirmed`` or ``removed``), which re-tagging never overwrites.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from joinedup.storage.base import Base


class Review(Base):
    """One published review (a serious case review or practice review) in the library."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int | None] = mapped_column(Integer, index=True)
    area: Mapped[str | None] = mapped_column(String(120), index=True)
    source_file: Mapped[str] = mapped_column(String(500))
    source_format: Mapped[str] = mapped_column(String(10))  # pdf | html | text | markdown | json
    page_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # Bottom-k MinHash sketch of word shingles: estimates resemblance to other reviews.
    sketch: Mapped[list[int]] = mapped_column(JSON)
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("reviews.id"))
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    tagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    model_version: Mapped[str | None] = mapped_column(String(80))


class ReviewPassage(Base):
    """A passage of a review's cleaned text, with the page it came from."""

    __tablename__ = "review_passages"
    __table_args__ = (UniqueConstraint("review_id", "seq"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    page: Mapped[int | None] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    embedding: Mapped[bytes | None] = mapped_column(LargeBinary)


class ReviewTheme(Base):
    """A learning theme on a review: suggested by the tagger and/or decided by a reviewer."""

    __tablename__ = "review_themes"
    __table_args__ = (UniqueConstraint("review_id", "theme_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    theme_id: Mapped[str] = mapped_column(String(60), index=True)
    confidence: Mapped[float | None] = mapped_column(Float)
    # [{"passage_id": int, "score": float}, ...] best first
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12))  # suggested | confirmed | removed
    decided_by: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    tagged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
