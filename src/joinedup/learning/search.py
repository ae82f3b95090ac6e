"""Finding passages in the library: by the words used, or by meaning.

Keyword search finds passages holding every term of the query (a phrase in double quotes is
one term), case-insensitively, and marks where each term occurs so the page can highlight
it. Semantic search embeds the query with the same model as the passages and ranks every
stored passage (after the filters) by cosine similarity, so "child not seen by a nurse"
finds "missed health visitor contacts". Both take the same filters: theme, year, area.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine

from joinedup.learning import taxonomy
from joinedup.storage import learning_queries as queries
from joinedup.storage.learning_queries import Filters
from joinedup.storage.learning_reviews import stale_review_ids

SNIPPET_CHARS = 320


@dataclass(frozen=True)
class SearchHit:
    review_id: int
    title: str
    year: int | None
    area: str | None
    passage_id: int
    page: int | None
    snippet: str
    highlights: list[tuple[int, int]]  # character spans within the snippet
    score: float

    def as_json(self) -> dict[str, Any]:
        return {
            "review_id": self.review_id,
            "title": self.title,
            "year": self.year,
            "area": self.area,
            "passage_id": self.passage_id,
            "page": self.page,
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
            "score": round(self.score, 4),
        }


def query_terms(query: str) -> list[str]:
    try:
        terms = shlex.split(query)
    except ValueError:  # an unmatched quote: take the words as they are
        terms = query.split()
    return [t.strip() for t in terms if t.strip()]


def _snippet(text: str, terms: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """A window of the passage around the first match, and every term's spans within it."""
    pattern = (
        re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
        if terms
        else None
    )
    first = pattern.search(text) if pattern else None
    start = 0
    if first and len(text) > SNIPPET_CHARS:
        start = max(0, first.start() - SNIPPET_CHARS // 3)
        space = text.rfind(" ", 0, start)
        start = space + 1 if start and space >= 0 else start
    end = min(len(text), start + SNIPPET_CHARS)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    snippet = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    offset = 1 if start else 0
    spans = [(m.start() + offset, m.end() + offset) for m in pattern.finditer(text[start:end])] if pattern else []
    return snippet, spans


def _check(filters: Filters) -> None:
    if filters.theme:
        taxonomy.theme(filters.theme)


def keyword_search(engine: Engine, query: str, filters: Filters | None = None, limit: int = 50) -> list[SearchHit]:
    filters = filters or Filters()
    _check(filters)
    terms = query_terms(query)
    with engine.connect() as conn:
        rows = queries.keyword_passages(conn, terms, filters, limit)
    hits = []
    for row in rows:
        snippet, spans = _snippet(row.text, terms)
        count = sum(len(re.findall(re.escape(t), row.text, re.IGNORECASE)) for t in terms)
        hits.append(
            SearchHit(
                row.review_id, row.title, row.year, row.area, row.passage_id, row.page, snippet, spans, float(count)
            )
        )
    hits.sort(key=lambda h: -h.score)
    return hits


def reviews_left_out_of_semantic_search(engine: Engine) -> int:
    """How many tagged reviews semantic search cannot see, because another encoder embedded them
    (``joinedup reviews tag`` embeds them again). Cheap: it does not load the model."""
    from joinedup.learning import embedding

    with engine.connect() as conn:
        return len(stale_review_ids(conn, embedding.MODEL_NAME))


def semantic_search(engine: Engine, query: str, filters: Filters | None = None, limit: int = 20) -> list[SearchHit]:
    import numpy as np

    from joinedup.learning import embedding

    filters = filters or Filters()
    _check(filters)
    with engine.connect() as conn:
        stored = queries.passage_vectors(conn, filters, embedding.MODEL_NAME)
    if not stored or not query.strip():
        return []
    ids = [passage_id for passage_id, _ in stored]
    matrix = np.stack([embedding.from_bytes(blob) for _, blob in stored])
    similarity = matrix @ embedding.encode([query])[0]
    best = np.argsort(-similarity)[:limit]
    with engine.connect() as conn:
        rows = queries.hits_by_id(conn, [ids[i] for i in best])
    terms = [w for w in re.findall(r"\w{4,}", query)]
    hits = []
    for i in best:
        row = rows[ids[i]]
        snippet, spans = _snippet(row.text, terms)
        hits.append(
            SearchHit(
                row.review_id,
                row.title,
                row.year,
                row.area,
                row.passage_id,
                row.page,
                snippet,
                spans,
                float(similarity[i]),
            )
        )
    return hits
