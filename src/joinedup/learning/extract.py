"""Reading a review file into pages of raw text, whatever form it arrived in.

Reviews are published as PDFs mostly, sometimes as web pages, and partnerships keep notes as
text or Markdown; a JSON form ``{"title", "year", "area", "text"}`` lets a script load a
summary. Each reader returns pages (a list of strings) so passages keep their page numbers;
forms without pages (HTML, Markdown, JSON) are one page, and plain text is split on form
feeds. Title and year are taken from the document when the loader does not give them.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from joinedup.learning.errors import ReviewFileError

FORMATS = {
    ".pdf": "pdf",
    ".html": "html",
    ".htm": "html",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
}


@dataclass
class ExtractedDocument:
    source_format: str
    pages: list[str]
    title: str | None = None
    year: int | None = None
    area: str | None = None


def read_review_file(path: Path) -> ExtractedDocument:
    """The file's pages and whatever metadata it carries; ``ReviewFileError`` if unreadable."""
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        allowed = ", ".join(sorted(FORMATS))
        raise ReviewFileError(f"{path.name}: cannot read {path.suffix or 'files without an extension'}; use {allowed}")
    if not path.is_file():
        raise ReviewFileError(f"{path}: no such file")
    try:
        if kind == "pdf":
            doc = _read_pdf(path)
        else:
            raw = path.read_text("utf-8-sig", errors="replace")
            doc = {"html": _read_html, "text": _read_text, "markdown": _read_markdown, "json": _read_json}[kind](raw)
    except ReviewFileError as exc:
        raise ReviewFileError(f"{path.name}: {exc}") from None
    except Exception as exc:  # a damaged PDF or file raises many kinds of error
        raise ReviewFileError(f"{path.name}: could not be read as {kind} ({type(exc).__name__})") from None
    if not any(page.strip() for page in doc.pages):
        hint = " (a scanned PDF needs OCR first)" if kind == "pdf" else ""
        raise ReviewFileError(f"{path.name}: no text found{hint}")
    if doc.year is None:
        doc.year = guess_year(doc.pages[0][:3000])
    return doc


def guess_year(text: str) -> int | None:
    """The latest plausible year on the first page: reviews print their publication date there."""
    now = datetime.now(UTC).year
    years = [int(y) for y in re.findall(r"\b(19[89]\d|20\d\d)\b", text) if int(y) <= now]
    return max(years) if years else None


def _read_pdf(path: Path) -> ExtractedDocument:
    from pypdf import PdfReader

    reader = PdfReader(path)
    pages = [page.extract_text() or "" for page in reader.pages]
    title = None
    if reader.metadata is not None and reader.metadata.title:
        title = str(reader.metadata.title).strip() or None
    return ExtractedDocument("pdf", pages, title=title)


class _HtmlText(HTMLParser):
    """Visible text of an HTML page, one block element per line, skipping chrome and scripts."""

    SKIP = frozenset({"script", "style", "nav", "header", "footer", "noscript", "template", "aside"})
    BLOCK = frozenset(
        {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "br", "tr", "section", "article", "blockquote"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title: str | None = None
        self.h1: str | None = None
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
        if tag in ("title", "h1"):
            self._in = tag

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        elif tag in self.BLOCK:
            self.parts.append("\n")
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title" and self.title is None:
            self.title = data.strip() or None
            return
        if self.skipping:
            return
        if self._in == "h1" and self.h1 is None:
            self.h1 = data.strip() or None
        self.parts.append(data)


def _read_html(raw: str) -> ExtractedDocument:
    parser = _HtmlText()
    parser.feed(raw)
    parser.close()
    text = "".join(parser.parts)
    text = "\n\n".join(re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n") if line.strip())
    return ExtractedDocument("html", [text], title=parser.h1 or parser.title)


def _read_text(raw: str) -> ExtractedDocument:
    pages = raw.split("\f")
    first = next((line.strip() for line in raw.splitlines() if line.strip()), None)
    return ExtractedDocument("text", pages, title=first[:300] if first else None)


def _read_markdown(raw: str) -> ExtractedDocument:
    title = None
    heading = re.search(r"^#\s+(.+)$", raw, re.MULTILINE)
    if heading:
        title = heading.group(1).strip()
    text = re.sub(r"```.*?```", "", raw, flags=re.DOTALL)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their words
    text = re.sub(r"^\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+", "", text, flags=re.MULTILINE)
    text = re.sub(r"(\*\*|__|\*|_|`)(\S.*?\S|\S)\1", r"\2", text)
    return ExtractedDocument("markdown", [text], title=title)


def _read_json(raw: str) -> ExtractedDocument:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ReviewFileError(f"not valid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        raise ReviewFileError('expected an object {"title", "year", "area", "text"} with "text" a string')
    year = data.get("year")
    if year is not None and not (isinstance(year, int) and 1900 < year < 2200):
        raise ReviewFileError(f'"year" must be a four-digit number such as 2013, not {year!r}')
    title, area = data.get("title"), data.get("area")
    return ExtractedDocument(
        "json",
        data["text"].split("\f"),
        title=str(title) if title else None,
        year=year,
        area=str(area) if area else None,
    )
