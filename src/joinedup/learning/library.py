"""The review library's operations: add a review, tag it, show it, and record decisions.

CLI, web and demo all call these functions; none of them writes SQL. Adding a review stores
it (and its passages) in one transaction before anything is tagged, so a failure while
tagging leaves an untagged review that ``tag_untagged`` finishes later. An exact duplicate
(same words) is not stored again: the answer names the review already held. A near
duplicate (another edition, another format) is stored, marked ``duplicate_of`` the review it
resembles, and left out of the theme counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from joinedup.learning import fingerprint, taxonomy
from joinedup.learning.clean import clean_pages
from joinedup.learning.errors import ReviewFileError, ReviewNotFound
from joinedup.learning.extract import ExtractedDocument, read_review_file
from joinedup.learning.passages import split_passages
from joinedup.storage import learning_reviews as repo

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AddedReview:
    """What became of one file: the contract of ``joinedup reviews add --format json``."""

    id: int
    title: str
    file: str
    duplicate_of: int | None
    stored: bool

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "file": self.file, "duplicate_of": self.duplicate_of}


def add_review_file(
    engine: Engine,
    path: Path,
    *,
    added_by: str,
    title: str | None = None,
    year: int | None = None,
    area: str | None = None,
) -> AddedReview:
    """Read, clean, split and store one review file (untagged)."""
    doc = read_review_file(path)
    return add_document(engine, doc, source_file=str(path), added_by=added_by, title=title, year=year, area=area)


def add_document(
    engine: Engine,
    doc: ExtractedDocument,
    *,
    source_file: str,
    added_by: str,
    title: str | None = None,
    year: int | None = None,
    area: str | None = None,
) -> AddedReview:
    paged = doc.source_format in ("pdf", "text") and len(doc.pages) > 1
    found = split_passages(clean_pages(doc.pages), paged=paged)
    if not found:
        raise ReviewFileError(f"{Path(source_file).name}: no readable passages after cleaning")
    full_text = "\n".join(p.text for p in found)
    digest = fingerprint.content_hash(full_text)
    chosen_title = (title or doc.title or Path(source_file).stem)[:300]
    with engine.begin() as conn:
        existing = repo.find_by_hash(conn, digest)
        if existing is not None:
            held = repo.get_review(conn, existing)
            assert held is not None
            log.info("review file is an exact duplicate of review %s", existing)
            return AddedReview(existing, held.title, source_file, existing, stored=False)
        sketch = fingerprint.sketch(full_text)
        near = None
        for other_id, other_sketch in repo.sketches(conn):
            if fingerprint.resemblance(sketch, other_sketch) >= fingerprint.NEAR_DUPLICATE:
                near = other_id
                break
        review_id = repo.insert_review(
            conn,
            repo.NewReview(
                title=chosen_title,
                year=year if year is not None else doc.year,
                area=(area or doc.area),
                source_file=source_file[-500:],
                source_format=doc.source_format,
                page_count=len(doc.pages),
                content_hash=digest,
                sketch=sketch,
                duplicate_of=near,
                added_by=added_by,
            ),
            [(p.page, p.text) for p in found],
        )
    log.info("stored review %s with %d passages", review_id, len(found))
    return AddedReview(review_id, chosen_title, source_file, near, stored=True)


def tag_review(engine: Engine, review_id: int) -> int:
    """Tag (or re-tag) one review; returns the number of themes suggested."""
    from joinedup.learning import embedding, tagger

    with engine.connect() as conn:
        if repo.get_review(conn, review_id) is None:
            raise ReviewNotFound(review_id)
        rows = repo.passages(conn, review_id)
    result = tagger.tag_passages([r.text for r in rows])
    suggestions = [
        (
            s.theme_id,
            s.confidence,
            [{"passage_id": rows[index].id, "score": score} for index, score in s.evidence],
        )
        for s in result.suggestions
    ]
    with engine.begin() as conn:
        repo.save_embeddings(
            conn,
            [(row.id, embedding.to_bytes(vector)) for row, vector in zip(rows, result.passage_vectors, strict=True)],
        )
        repo.save_suggestions(conn, review_id, suggestions, embedding.MODEL_NAME)
    log.info("tagged review %s: %d themes", review_id, len(suggestions))
    return len(suggestions)


def tag_untagged(engine: Engine) -> list[int]:
    """Tag every review not yet tagged (after a crash, or loads made with ``--no-tag``), and
    re-tag every review tagged with another encoder than this one (after an upgrade that
    changed it): their passage vectors are in the old encoder's space, so semantic search
    leaves them out until they are embedded again. Decisions are kept, as on any re-tag."""
    from joinedup.learning import embedding

    with engine.connect() as conn:
        pending = repo.untagged_review_ids(conn) + repo.stale_review_ids(conn, embedding.MODEL_NAME)
    for review_id in pending:
        tag_review(engine, review_id)
    return pending


def review_detail(engine: Engine, review_id: int, include_removed: bool = False) -> dict[str, Any]:
    """The review, its themes and each theme's evidencing passages: the ``reviews show`` contract."""
    with engine.connect() as conn:
        review = repo.get_review(conn, review_id)
        if review is None:
            raise ReviewNotFound(review_id)
        themes = repo.themes_of(conn, review_id, include_removed=include_removed)
        wanted = [e["passage_id"] for t in themes for e in t.evidence]
        texts = repo.passages_by_id(conn, wanted)
    labels = {t.id: t.label for t in taxonomy.themes()}
    return {
        "id": review.id,
        "title": review.title,
        "year": review.year,
        "area": review.area,
        "file": review.source_file,
        "pages": review.page_count,
        "passages": review.passages,
        "duplicate_of": review.duplicate_of,
        "tagged_at": review.tagged_at.isoformat() if review.tagged_at else None,
        "themes": [
            {
                "id": t.theme_id,
                "label": labels.get(t.theme_id, t.theme_id),
                "confidence": t.confidence,
                "status": t.status,
                "evidence": [
                    {
                        "passage_id": e["passage_id"],
                        "page": texts[e["passage_id"]].page,
                        "score": e.get("score"),
                        "text": texts[e["passage_id"]].text,
                    }
                    for e in t.evidence
                    if e["passage_id"] in texts
                ],
            }
            for t in themes
        ],
    }


def decide(engine: Engine, review_id: int, theme_id: str, *, confirm: bool, decided_by: str) -> None:
    """A reviewer confirms (or removes) a theme; the decision survives re-tagging."""
    taxonomy.theme(theme_id)  # UnknownTheme names the bad id
    with engine.begin() as conn:
        if repo.get_review(conn, review_id) is None:
            raise ReviewNotFound(review_id)
        repo.decide_theme(conn, review_id, theme_id, repo.CONFIRMED if confirm else repo.REMOVED, decided_by)
    log.info("theme %s %s on review %s", theme_id, "confirmed" if confirm else "removed", review_id)
