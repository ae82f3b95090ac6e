"""Questions asked across the whole review library: search, theme counts, reviews by theme.

Keyword search uses a case-insensitive LIKE (portable between SQLite and PostgreSQL; the
library holds thousands of passages, not millions). Semantic search reads the stored
passage vectors for the reviews that pass the filters and ranks them in the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection, Select, and_, func, select

from joinedup.storage.learning_reviews import REMOVED
from joinedup.storage.tables_learning import Review, ReviewPassage, ReviewTheme

Q = TypeVar("Q", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True)
class Filters:
    theme: str | None = None
    year: int | None = None
    area: str | None = None


@dataclass(frozen=True)
class PassageHit:
    passage_id: int
    review_id: int
    title: str
    year: int | None
    area: str | None
    page: int | None
    text: str


def _filtered(query: Q, filters: Filters) -> Q:
    if filters.year is not None:
        query = query.where(Review.year == filters.year)
    if filters.area:
        query = query.where(func.lower(Review.area) == filters.area.lower())
    if filters.theme:
        tagged = select(ReviewTheme.review_id).where(
            ReviewTheme.theme_id == filters.theme, ReviewTheme.status != REMOVED
        )
        query = query.where(Review.id.in_(tagged))
    return query


def _base() -> Select[*tuple[Any, ...]]:
    return select(
        ReviewPassage.id,
        ReviewPassage.review_id,
        Review.title,
        Review.year,
        Review.area,
        ReviewPassage.page,
        ReviewPassage.text,
    ).join(Review, Review.id == ReviewPassage.review_id)


def keyword_passages(conn: Connection, terms: Sequence[str], filters: Filters, limit: int) -> list[PassageHit]:
    """Passages containing every term (case-insensitive), in library order."""
    query = _filtered(_base(), filters)
    conditions = [ReviewPassage.text.ilike(f"%{_escape(term)}%", escape="\\") for term in terms if term]
    if conditions:
        query = query.where(and_(*conditions))
    query = query.order_by(Review.year.desc(), ReviewPassage.review_id, ReviewPassage.seq).limit(limit)
    return [PassageHit(*row) for row in conn.execute(query)]


def _escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def passage_vectors(conn: Connection, filters: Filters, model: str) -> list[tuple[int, bytes]]:
    """The stored vectors made by ``model``: a vector from another encoder lies in another space,
    and comparing a query with it would rank passages by noise."""
    query = _filtered(
        select(ReviewPassage.id, ReviewPassage.embedding).join(Review, Review.id == ReviewPassage.review_id), filters
    ).where(ReviewPassage.embedding.is_not(None), Review.model_version == model)
    return [(row.id, row.embedding) for row in conn.execute(query)]


def hits_by_id(conn: Connection, ids: Sequence[int]) -> dict[int, PassageHit]:
    if not ids:
        return {}
    return {row.id: PassageHit(*row) for row in conn.execute(_base().where(ReviewPassage.id.in_(list(ids))))}


def theme_counts_by_year(conn: Connection) -> list[tuple[str, int | None, int]]:
    """(theme id, year, number of reviews) for every theme held on at least one review."""
    query = (
        select(ReviewTheme.theme_id, Review.year, func.count(func.distinct(Review.id)))
        .join(Review, Review.id == ReviewTheme.review_id)
        .where(ReviewTheme.status != REMOVED, Review.duplicate_of.is_(None))
        .group_by(ReviewTheme.theme_id, Review.year)
    )
    return [(row[0], row[1], int(row[2])) for row in conn.execute(query)]


def reviews_with_themes(
    conn: Connection, theme_ids: Sequence[str]
) -> list[tuple[str, int, str, int | None, float | None, str]]:
    """(theme id, review id, title, year, confidence, status) for reviews holding the themes."""
    if not theme_ids:
        return []
    query = (
        select(ReviewTheme.theme_id, Review.id, Review.title, Review.year, ReviewTheme.confidence, ReviewTheme.status)
        .join(Review, Review.id == ReviewTheme.review_id)
        .where(ReviewTheme.theme_id.in_(list(theme_ids)), ReviewTheme.status != REMOVED)
        .order_by(Review.year.desc(), Review.id)
    )
    return [tuple(row) for row in conn.execute(query)]  # type: ignore[misc]


@dataclass(frozen=True)
class LibraryRow:
    id: int
    title: str
    year: int | None
    area: str | None
    duplicate_of: int | None
    tagged: bool
    themes: tuple[tuple[str, str], ...]  # (theme id, status), confirmed first


def library_rows(conn: Connection, filters: Filters) -> list[LibraryRow]:
    """Reviews passing the filters, newest first, each with its themes (removed ones left out)."""
    query = _filtered(
        select(Review.id, Review.title, Review.year, Review.area, Review.duplicate_of, Review.tagged_at), filters
    ).order_by(Review.year.desc(), Review.id)
    reviews = conn.execute(query).all()
    ids = [r.id for r in reviews]
    themes: dict[int, list[tuple[str, str, float]]] = {}
    if ids:
        rows = conn.execute(
            select(ReviewTheme.review_id, ReviewTheme.theme_id, ReviewTheme.status, ReviewTheme.confidence).where(
                ReviewTheme.review_id.in_(ids), ReviewTheme.status != REMOVED
            )
        )
        for review_id, theme_id, status, confidence in rows:
            themes.setdefault(review_id, []).append((theme_id, status, confidence or 0.0))
    found = []
    for r in reviews:
        held = sorted(themes.get(r.id, []), key=lambda t: (t[1] != "confirmed", -t[2], t[0]))
        found.append(
            LibraryRow(
                r.id,
                r.title,
                r.year,
                r.area,
                r.duplicate_of,
                r.tagged_at is not None,
                tuple((t, s) for t, s, _ in held),
            )
        )
    return found


def library_facets(conn: Connection) -> tuple[list[int], list[str]]:
    """The years and areas present in the library, for the filter lists."""
    years = [y for (y,) in conn.execute(select(Review.year).distinct().where(Review.year.is_not(None)))]
    areas = [a for (a,) in conn.execute(select(Review.area).distinct().where(Review.area.is_not(None)))]
    return sorted((int(y) for y in years if y is not None), reverse=True), sorted(
        (str(a) for a in areas if a is not None), key=str.lower
    )
