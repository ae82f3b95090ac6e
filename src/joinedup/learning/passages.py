"""Cutting a review's cleaned text into passages: the unit of evidence and of search.

A passage is a few sentences (about 40 to 120 words) from one page, so evidence points at a
page and a passage is long enough to carry a finding but short enough to be about one thing.
Paragraphs shorter than the minimum are joined to their neighbour on the same page; longer
ones are cut at sentence ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MIN_WORDS = 40
MAX_WORDS = 120
SENTENCE_END = re.compile(r"(?<=[.!?])['\")\]]?\s+(?=[A-Z0-9\"'(])")


@dataclass(frozen=True)
class Passage:
    seq: int
    page: int | None
    text: str


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(text) if s.strip()]


def _chunks(paragraph: str) -> list[str]:
    words = len(paragraph.split())
    if words <= MAX_WORDS:
        return [paragraph]
    chunks: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in sentences(paragraph):
        n = len(sentence.split())
        if current and count + n > MAX_WORDS:
            chunks.append(" ".join(current))
            current, count = [], 0
        if n > MAX_WORDS * 2:  # a run-on "sentence" (a table, a list): cut by words
            tokens = sentence.split()
            for start in range(0, len(tokens), MAX_WORDS):
                chunks.append(" ".join(tokens[start : start + MAX_WORDS]))
            continue
        current.append(sentence)
        count += n
    if current:
        chunks.append(" ".join(current))
    return chunks


def split_passages(pages: list[list[str]], paged: bool = True) -> list[Passage]:
    """Passages in reading order; ``page`` is 1-based, or None for a document without pages."""
    found: list[Passage] = []
    for number, paras in enumerate(pages, start=1):
        buffer = ""
        for para in paras:
            for chunk in _chunks(para):
                buffer = f"{buffer} {chunk}".strip() if buffer else chunk
                if len(buffer.split()) >= MIN_WORDS:
                    found.append(Passage(len(found), number if paged else None, buffer))
                    buffer = ""
        if buffer:
            if found and found[-1].page == (number if paged else None) and len(found[-1].text.split()) < MAX_WORDS:
                last = found.pop()
                found.append(Passage(last.seq, last.page, f"{last.text} {buffer}"))
            else:
                found.append(Passage(len(found), number if paged else None, buffer))
    return found
