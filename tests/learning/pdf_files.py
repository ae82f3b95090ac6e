"""Writing small text PDFs for tests and benchmarks, with no PDF library beyond the standard one.

reportlab is not a dependency, and pypdf reads but does not lay out text, so this writes the
few objects a text PDF needs (catalogue, pages, Helvetica, one content stream per page) and
the cross-reference table by hand. pypdf reads the result as any reviewer's PDF would be read.
"""

from __future__ import annotations

from pathlib import Path


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def write_pdf(path: Path, pages: list[list[str]], title: str | None = None) -> Path:
    """A PDF with one page per list of lines (Latin-1 text, 11pt Helvetica, top to bottom)."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree's number is known
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids: list[int] = []
    tree_id = len(objects) + 1 + 2 * len(pages)
    for lines in pages:
        ops = ["BT", "/F1 11 Tf", "13 TL", "56 800 Td"]
        for line in lines:
            ops.append(f"({_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1", errors="replace")
        content = add(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream))
        page_ids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (tree_id, content, font)
            )
        )
    kids = b" ".join(b"%d 0 R" % p for p in page_ids)
    assert add(b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_ids))) == tree_id
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree_id
    info = None
    if title:
        info = add(b"<< /Title (%s) >>" % _escape(title).encode("latin-1", errors="replace"))
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, catalog)
    if info:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n%s >>\nstartxref\n%d\n%%%%EOF\n" % (trailer, xref)
    path.write_bytes(bytes(out))
    return path


def wrap(text: str, width: int = 90) -> list[str]:
    """Lines of at most ``width`` characters, broken at spaces (as a PDF's text layer is)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    if current:
        lines.append(current)
    return lines
