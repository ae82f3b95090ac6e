"""Writing the authority to disk: the records (JSON Lines, optionally CSV) in date order, and
the ground truth in ``truth/``, which the pipeline never reads.

Source record ids are given here, in date order within each agency, so they look like the
running numbers agencies' systems issue.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from joinedup.ingest.readers import (
    ADDED_SUBJECT_COLUMNS,
    ADDRESS_COLUMNS,
    OTHER_IDS_SEPARATOR,
    OTHER_NAMES_SEPARATOR,
    RECORD_COLUMNS,
    SCHEME_SEPARATOR,
    SUBJECT_COLUMNS,
)
from joinedup.synth.recorder import Drafted

CSV_HEADER = RECORD_COLUMNS + SUBJECT_COLUMNS + ADDRESS_COLUMNS + ADDED_SUBJECT_COLUMNS
# How each agency's system numbers its records; the year is the record's.
ID_FORMATS = {
    "school": "SCH-{year}-{n:07d}",
    "education_welfare": "EWS/{year}/{n:06d}",
    "police": "PNC{year}{n:08d}",
    "gp": "GP{n:09d}",
    "health_visitor": "HV-{n:08d}",
    "hospital_ed": "ED{year}-{n:07d}",
    "midwifery": "MAT-{n:07d}",
    "ambulance": "AMB{n:09d}",
    "housing": "HSG-{year}-{n:06d}",
    "childrens_social_care": "CSC-{n:08d}",
    "early_help": "EH-{n:07d}",
    "probation": "PRB-{year}-{n:06d}",
    "dwp_benefits": "DWP{n:010d}",
    "public_referral": "PUB-{year}-{n:06d}",
}


def write_records(out: Path, drafted: list[Drafted], *, with_csv: bool) -> tuple[Counter[str], Counter[str]]:
    """Sort, number and write every record with its truth lines; returns counts per agency and event."""
    drafted.sort(key=lambda d: (d.day, d.tod, d.family, d.seq))
    per_agency: Counter[str] = Counter()
    per_event: Counter[str] = Counter()
    truth_dir = out / "truth"
    truth_dir.mkdir(parents=True, exist_ok=True)
    csv_handle = (out / "records.csv").open("w", encoding="utf-8", newline="") if with_csv else None
    writer = csv.writer(csv_handle) if csv_handle else None
    if writer:
        writer.writerow(CSV_HEADER)
    formats = ID_FORMATS
    try:
        with (out / "records.jsonl").open("wb") as records, (truth_dir / "subjects.jsonl").open("wb") as truth:
            lines: list[bytes] = []
            truths: list[str] = []
            for d in drafted:
                n = per_agency[d.agency] = per_agency[d.agency] + 1
                per_event[d.event_type] += 1
                source_id = formats[d.agency].format(year=d.year, n=n)
                line = b"".join((d.head, b',"source_record_id":"', source_id.encode(), b'"', d.tail))
                lines.append(line)
                prefix = f'{{"agency":"{d.agency}","source_record_id":"{source_id}","subject_index":'
                truths.extend(f'{prefix}{i},"person_id":"{pid}"}}\n' for i, pid in enumerate(d.person_ids))
                if writer:
                    writer.writerows(_csv_rows(line))
                if len(lines) >= 20_000:
                    records.write(b"".join(lines))
                    truth.write("".join(truths).encode())
                    lines.clear()
                    truths.clear()
            records.write(b"".join(lines))
            truth.write("".join(truths).encode())
    finally:
        if csv_handle:
            csv_handle.close()
    return per_agency, per_event


def _csv_rows(line: bytes) -> Iterable[list[str]]:
    record = orjson.loads(line)
    head = [str(record.get(c) or "") for c in RECORD_COLUMNS]
    for subject in record["subjects"]:
        address = subject.get("address") or {}
        yield [
            *head,
            *(_subject_cell(subject, c) for c in SUBJECT_COLUMNS),
            *(str(address.get(c.removeprefix("address_")) or "") for c in ADDRESS_COLUMNS),
            *(_subject_cell(subject, c) for c in ADDED_SUBJECT_COLUMNS),
        ]


def _subject_cell(subject: dict[str, Any], column: str) -> str:
    if column == "other_names":
        return OTHER_NAMES_SEPARATOR.join(subject.get(column) or [])
    if column == "other_ids":
        return OTHER_IDS_SEPARATOR.join(
            f"{item['scheme']}{SCHEME_SEPARATOR}{item['value']}" for item in subject.get(column) or []
        )
    return str(subject.get(column) or "")


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("wb") as handle:
        for row in rows:
            handle.write(orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE))
            count += 1
    return count


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_bytes(orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
