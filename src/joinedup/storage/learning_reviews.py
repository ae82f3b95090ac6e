"""Reading and writing the review library: the only place that knows its tables' SQL.

The learning stage hands plain dataclasses in and gets plain dataclasses out. Re-tagging a
review replaces the tagger's suggestions but keeps every reviewer decision: a confirmed or
removed theme keeps its status (its confidence and evidence are refreshed).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, or_, select, update

from joinedup.storage.tables_learning import Review, ReviewPassage, ReviewTheme

SUGGESTED, CONFIRMED, REMOVED = "suggested", "confirmed", "removed"


@dataclass(frozen=True)
class NewReview:
    title: str
    year: int | None
    area: str | None
    source_file: str
    source_format: str
    page_count: int
    content_hash: str
    sketch: list[int]
    duplicate_of: int | None
    added_by: str


@dataclass(frozen=True)
class ReviewSummary:
    id: int
    title: str
    year: int | None
    area: str | None
    source_file: str
    source_format: str
    page_count: int
    duplicate_of: int | None
    added_at: datetime
    tagged_at: datetime | None
    model_version: str | None
    passages: int = 0


@dataclass(frozen=True)
class PassageRow:
    id: int
    review_id: int
    seq: int
    page: int | None
    text: str


@dataclass(frozen=True)
class ThemeRow:
    theme_id: str
    confidence: float | None
    status: str
    evidence: list[dict[str, Any]] = field(default_factory=list)
    decided_by: str | None = None
    decided_at: datetime | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def find_by_hash(conn: Connection, content_hash: str) -> int | None:
    return conn.execute(
        select(Review.id).where(Review.content_hash == content_hash).order_by(Review.id).limit(1)
    ).scalar()


def sketches(conn: Connection) -> list[tuple[int, list[int]]]:
    """Every review's shingle sketch, for the near-duplicate check."""
    return [(row.id, list(row.sketch)) for row in conn.execute(select(Review.id, Review.sketch).order_by(Review.id))]


def insert_review(conn: Connection, review: NewReview, passages: Sequence[tuple[int | None, str]]) -> int:
    """Store a review and its passages ``(page, text)`` in reading order; returns its id."""
    review_id: int = conn.execute(
        insert(Review).values(**review.__dict__, added_at=_now()).returning(Review.id)
    ).scalar_one()
    if passages:
        conn.execute(
            insert(ReviewPassage),
            [{"review_id": review_id, "seq": i, "page": page, "text": text} for i, (page, text) in enumerate(passages)],
        )
    return review_id


def get_review(conn: Connection, review_id: int) -> ReviewSummary | None:
    row = conn.execute(select(Review.__table__).where(Review.id == review_id)).first()
    if row is None:
        return None
    count = conn.execute(select(func.count()).where(ReviewPassage.review_id == review_id)).scalar_one()
    return _summary(row, count)


def _summary(row: Any, passages: int = 0) -> ReviewSummary:
    return ReviewSummary(
        id=row.id,
        title=row.title,
        year=row.year,
        area=row.area,
        source_file=row.source_file,
        source_format=row.source_format,
        page_count=row.page_count,
        duplicate_of=row.duplicate_of,
        added_at=row.added_at,
        tagged_at=row.tagged_at,
        model_version=row.model_version,
        passages=passages,
    )


def list_reviews(conn: Connection) -> list[ReviewSummary]:
    counted = conn.execute(select(ReviewPassage.review_id, func.count()).group_by(ReviewPassage.review_id))
    counts = {int(review_id): int(n) for review_id, n in counted}
    rows = conn.execute(select(Review.__table__).order_by(Review.year.desc(), Review.id)).all()
    return [_summary(row, counts.get(row.id, 0)) for row in rows]


def untagged_review_ids(conn: Connection) -> list[int]:
    return list(conn.execute(select(Review.id).where(Review.tagged_at.is_(None)).order_by(Review.id)).scalars())


def stale_review_ids(conn: Connection, model: str) -> list[int]:
    """Reviews tagged, and their passages embedded, by another encoder than ``model``."""
    query = select(Review.id).where(
        Review.tagged_at.is_not(None), or_(Review.model_version.is_(None), Review.model_version != model)
    )
    return list(conn.execute(query.order_by(Review.id)).scalars())


def passages(conn: Connection, review_id: int) -> list[PassageRow]:
    rows = conn.execute(
        select(ReviewPassage.id, ReviewPassage.review_id, ReviewPassage.seq, ReviewPassage.page, ReviewPassage.text)
        .where(ReviewPassage.review_id == review_id)
        .order_by(ReviewPassage.seq)
    )
    return [PassageRow(*row) for row in rows]


def passages_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, PassageRow]:
    if not ids:
        return {}
    rows = conn.execute(
        select(
            ReviewPassage.id, ReviewPassage.review_id, ReviewPassage.seq, ReviewPassage.page, ReviewPassage.text
        ).where(ReviewPassage.id.in_(list(ids)))
    )
    return {row.id: PassageRow(*row) for row in rows}


def save_embeddings(conn: Connection, vectors: Sequence[tuple[int, bytes]]) -> None:
    for passage_id, blob in vectors:
        conn.execute(update(ReviewPassage).where(ReviewPassage.id == passage_id).values(embedding=blob))


def save_suggestions(
    conn: Connection, review_id: int, suggestions: Sequence[tuple[str, float, list[dict[str, Any]]]], model: str
) -> None:
    """Replace the tagger's suggestions for a review, keeping reviewers' decisions."""
    now = _now()
    decided = {
        row.theme_id: row.id
        for row in conn.execute(
            select(ReviewTheme.id, ReviewTheme.theme_id).where(
                ReviewTheme.review_id == review_id, ReviewTheme.status != SUGGESTED
            )
        )
    }
    # A decided theme the tagger no longer suggests keeps its decision but loses a stale score.
    conn.execute(
        update(ReviewTheme)
        .where(ReviewTheme.review_id == review_id, ReviewTheme.status != SUGGESTED)
        .values(confidence=None, evidence=[], tagged_at=now)
    )
    conn.execute(delete(ReviewTheme).where(ReviewTheme.review_id == review_id, ReviewTheme.status == SUGGESTED))
    for theme_id, confidence, evidence in suggestions:
        if theme_id in decided:
            conn.execute(
                update(ReviewTheme)
                .where(ReviewTheme.id == decided[theme_id])
                .values(confidence=confidence, evidence=evidence, tagged_at=now)
            )
        else:
            conn.execute(
                insert(ReviewTheme).values(
                    review_id=review_id,
                    theme_id=theme_id,
                    confidence=confidence,
                    evidence=evidence,
                    status=SUGGESTED,
                    tagged_at=now,
                )
            )
    conn.execute(update(Review).where(Review.id == review_id).values(tagged_at=now, model_version=model))


def decide_theme(conn: Connection, review_id: int, theme_id: str, status: str, decided_by: str) -> None:
    """Record a reviewer's confirmation or removal of a theme on a review."""
    now = _now()
    existing = conn.execute(
        select(ReviewTheme.id).where(ReviewTheme.review_id == review_id, ReviewTheme.theme_id == theme_id)
    ).scalar()
    if existing is None:
        conn.execute(
            insert(ReviewTheme).values(
                review_id=review_id,
                theme_id=theme_id,
                confidence=None,
                evidence=[],
                status=status,
                decided_by=decided_by,
                decided_at=now,
            )
        )
    else:
        conn.execute(
            update(ReviewTheme)
            .where(ReviewTheme.id == existing)
            .values(status=status, decided_by=decided_by, decided_at=now)
        )


def themes_of(conn: Connection, review_id: int, include_removed: bool = False) -> list[ThemeRow]:
    query = select(ReviewTheme.__table__).where(ReviewTheme.review_id == review_id)
    if not include_removed:
        query = query.where(ReviewTheme.status != REMOVED)
    rows = conn.execute(query).all()
    found = [
        ThemeRow(r.theme_id, r.confidence, r.status, list(r.evidence or []), r.decided_by, r.decided_at) for r in rows
    ]
    # Confirmed first, then by confidence: what a reader should trust most comes first.
    return sorted(found, key=lambda t: (t.status != CONFIRMED, -(t.confidence or 0.0), t.theme_id))
