"""Reading agency files into raw rows, one per record, each with the line it started on.

A row that cannot even be read (broken JSON, bytes that are not UTF-8, a CSV quoting fault)
becomes a RowError for that line alone; the rows around it are still read.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joinedup.ingest.errors import RowError, UnreadableFile

RECORD_COLUMNS = (
    "agency",
    "organisation",
    "source_record_id",
    "local_authority",
    "occurred_at",
    "event_type",
    "narrative",
)
SUBJECT_COLUMNS = (
    "role",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "nhs_number",
    "upn",
)
ADDRESS_COLUMNS = ("address_line1", "address_line2", "address_town", "address_postcode")
OPTIONAL_COLUMNS = ("subject_index",)
# Added to format v1 after the columns above (headers name columns, so any order is read).
ADDED_SUBJECT_COLUMNS = ("other_ids",)
CSV_COLUMNS = RECORD_COLUMNS + SUBJECT_COLUMNS + ADDRESS_COLUMNS + OPTIONAL_COLUMNS + ADDED_SUBJECT_COLUMNS
OTHER_NAMES_SEPARATOR = ";"
# ``other_ids`` in a CSV cell: ``scheme:value`` pairs separated by ";" (``mosaic:123;pnc:19/1234A``).
OTHER_IDS_SEPARATOR = ";"
SCHEME_SEPARATOR = ":"
MAX_LINE_BYTES = 1_000_000


@dataclass
class RawRow:
    """One record as read: parsed ``data`` (CSV, API), or the ``raw`` bytes of a JSON line that
    validation will parse itself (faster than parsing twice), or the errors that stopped it."""

    line: int
    data: dict[str, Any] | None
    errors: list[RowError]
    raw: bytes | None = None

    @property
    def source_record_id(self) -> str | None:
        value = (self.data or {}).get("source_record_id")
        return value if isinstance(value, str) else None


def read_file(path: Path) -> Iterator[RawRow]:
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableFile(f"{path}: no such file")
    if suffix in (".jsonl", ".ndjson"):
        return read_jsonl(path)
    if suffix == ".csv":
        return read_csv(path)
    raise UnreadableFile(f"{path.name}: unknown file type {suffix!r}; send .jsonl (JSON Lines) or .csv")


def read_jsonl(path: Path) -> Iterator[RawRow]:
    with path.open("rb") as handle:
        yield from parse_jsonl_lines(handle)


def parse_jsonl_lines(lines: Iterator[bytes] | io.BufferedIOBase) -> Iterator[RawRow]:
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE_BYTES:
            yield RawRow(
                number,
                None,
                [
                    RowError(
                        number,
                        None,
                        None,
                        f"the line is {len(raw):,} bytes long; a record may be at most {MAX_LINE_BYTES:,} bytes",
                    )
                ],
            )
            continue
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield RawRow(
                number,
                None,
                [
                    RowError(
                        number,
                        None,
                        None,
                        f"byte {exc.start + 1} of the line is not valid UTF-8; save the file as UTF-8 and send it again",
                    )
                ],
            )
            continue
        yield RawRow(number, None, [], raw=raw)


def read_csv(path: Path) -> Iterator[RawRow]:
    """CSV with one subject per row; consecutive or scattered rows sharing ``(agency,
    source_record_id)`` make one record, reported at the line of its first row."""
    text = path.read_bytes().decode("utf-8", errors="surrogateescape").lstrip("\ufeff")
    return parse_csv_text(text)


def _bad_utf8(values: list[str]) -> bool:
    return any("\udc80" <= ch <= "\udcff" for value in values for ch in value)


def parse_csv_text(text: str) -> Iterator[RawRow]:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return
    except csv.Error as exc:
        raise UnreadableFile(f"line 1: the header cannot be read as CSV ({exc})") from exc
    unknown = [h for h in header if h not in CSV_COLUMNS]
    if unknown:
        raise UnreadableFile(
            f"line 1: unknown column(s) {', '.join(repr(u) for u in unknown)}; "
            f"allowed columns are: {', '.join(CSV_COLUMNS)}"
        )
    missing = [c for c in ("source_record_id", "occurred_at", "event_type") if c not in header]
    if missing:
        raise UnreadableFile(f"line 1: the header has no {', '.join(missing)} column; every record needs it")

    groups: dict[tuple[str, str], RawRow] = {}
    order: list[RawRow] = []
    while True:
        line = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            order.append(
                RawRow(
                    line,
                    None,
                    [
                        RowError(
                            line,
                            None,
                            None,
                            f"the row cannot be read as CSV ({exc}); check its quotes: a field with a comma or a "
                            "line break must be wrapped in double quotes, and a quote inside it doubled",
                        )
                    ],
                )
            )
            continue
        if not any(v.strip() for v in values):
            continue
        if _bad_utf8(values):
            order.append(
                RawRow(
                    line,
                    None,
                    [
                        RowError(
                            line,
                            None,
                            None,
                            "the row holds bytes that are not valid UTF-8; save the file as UTF-8 and send it again",
                        )
                    ],
                )
            )
            continue
        if len(values) != len(header):
            order.append(
                RawRow(
                    line,
                    None,
                    [
                        RowError(
                            line,
                            None,
                            None,
                            f"the row has {len(values)} fields but the header has {len(header)}; check for a stray comma",
                        )
                    ],
                )
            )
            continue
        cells = {k: v.strip() for k, v in zip(header, values, strict=True) if v.strip() != ""}
        key = (cells.get("agency", ""), cells.get("source_record_id", ""))
        subject = _subject_from_cells(cells)
        if key[1] and key in groups:
            row = groups[key]
            if row.data is not None:
                clash = [c for c in RECORD_COLUMNS if c in cells and cells[c] != row.data.get(c)]
                if clash:
                    row.errors.append(
                        RowError(
                            line,
                            key[1],
                            clash[0],
                            f"{clash[0]} differs from line {row.line} of the same record; "
                            "rows of one record must agree on every record field",
                        )
                    )
                row.data["subjects"].append(subject)
            continue
        record: dict[str, Any] = {c: cells[c] for c in RECORD_COLUMNS if c in cells}
        record["subjects"] = [subject]
        row = RawRow(line, record, [])
        order.append(row)
        if key[1]:
            groups[key] = row
    for row in order:
        if row.data is not None:
            row.data["subjects"] = _ordered_subjects(row.data["subjects"])
    yield from order


def _subject_from_cells(cells: dict[str, str]) -> dict[str, Any]:
    subject: dict[str, Any] = {c: cells[c] for c in SUBJECT_COLUMNS + ADDED_SUBJECT_COLUMNS if c in cells}
    if "other_names" in subject:
        subject["other_names"] = [n.strip() for n in subject["other_names"].split(OTHER_NAMES_SEPARATOR) if n.strip()]
    if "other_ids" in subject:
        subject["other_ids"] = [
            _other_id(item) for item in subject["other_ids"].split(OTHER_IDS_SEPARATOR) if item.strip()
        ]
    address = {c.removeprefix("address_"): cells[c] for c in ADDRESS_COLUMNS if c in cells}
    if address:
        subject["address"] = address
    if "subject_index" in cells:
        subject["_index"] = cells["subject_index"]
    return subject


def _other_id(item: str) -> dict[str, str]:
    """``"mosaic:123"`` -> ``{"scheme": "mosaic", "value": "123"}``; an item with no scheme is
    passed on without one, so validation names the missing field at its position."""
    scheme, separator, value = item.partition(SCHEME_SEPARATOR)
    if not separator:
        return {"value": item.strip()}
    return {"scheme": scheme.strip(), "value": value.strip()}


def _ordered_subjects(subjects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Honour an explicit ``subject_index`` column when given; otherwise row order is the order."""

    def position(item: tuple[int, dict[str, Any]]) -> tuple[int, int]:
        index, subject = item
        raw = subject.get("_index")
        return (int(raw), index) if isinstance(raw, str) and raw.isdigit() else (index, index)

    ordered = [s for _, s in sorted(enumerate(subjects), key=position)]
    for subject in ordered:
        subject.pop("_index", None)
    return ordered
