"""Cleaning extracted pages: running headers and footers, page numbers, broken lines.

PDF text carries the document's furniture on every page ("Serious Case Review: Child T",
"Page 12 of 150", "OFFICIAL") and hyphenates words across lines. A line is furniture when,
with its digits masked, it recurs at the top or bottom of at least a third of the pages (and
on three or more); page-number lines are dropped wherever they sit. Lines are then rejoined
into paragraphs: a paragraph ends at a blank line, or where a line ends a sentence and is
clearly shorter than the page's lines.
"""

from __future__ import annotations

import re
from collections import Counter

EDGE_LINES = 3
PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+)?[-–—(]?\s*\d{1,4}\s*[-–—)]?(?:\s*(?:of|/)\s*\d{1,4})?\s*$"
    r"|^\s*[ivxlc]{1,6}\s*$",
    re.IGNORECASE,
)


def _mask(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def furniture(pages: list[list[str]]) -> set[str]:
    """Masked lines that repeat at page edges often enough to be headers or footers."""
    if len(pages) < 3:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages:
        content = [line for line in lines if line.strip()]
        edges = {_mask(line) for line in content[:EDGE_LINES] + content[-EDGE_LINES:]}
        counts.update(edges)
    needed = max(3, len(pages) // 3)
    return {masked for masked, n in counts.items() if n >= needed and masked}


def clean_pages(pages: list[str]) -> list[list[str]]:
    """Each page as a list of paragraphs, furniture and page numbers removed."""
    split = [page.replace("\r\n", "\n").replace("\r", "\n").split("\n") for page in pages]
    repeated = furniture(split)
    cleaned: list[list[str]] = []
    for lines in split:
        kept = [
            line for line in lines if not PAGE_NUMBER.match(line) and (not line.strip() or _mask(line) not in repeated)
        ]
        cleaned.append(paragraphs(kept))
    return cleaned


def paragraphs(lines: list[str]) -> list[str]:
    """Rejoin wrapped lines into paragraphs, mending words hyphenated across a line break."""
    widths = sorted(len(line.strip()) for line in lines if line.strip())
    typical = widths[len(widths) * 3 // 4] if widths else 0
    result: list[str] = []
    current = ""
    for raw in lines:
        line = re.sub(r"\s+", " ", raw).strip()
        if not line:
            if current:
                result.append(current)
            current = ""
            continue
        if current.endswith("-") and line[:1].islower():
            current = current[:-1] + line
        else:
            current = f"{current} {line}" if current else line
        if typical >= 40 and len(line) < typical * 0.7 and re.search(r"[.!?:]['\")]?$", line):
            result.append(current)
            current = ""
    if current:
        result.append(current)
    return result
