"""Files are read row by row: one unreadable row never costs the rows around it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from joinedup.ingest import UnreadableFile, ingest_file
from joinedup.ingest.readers import CSV_COLUMNS, read_file
from support.records import record, write_jsonl

HEADER = ",".join(c for c in CSV_COLUMNS if c not in ("subject_index", "other_ids"))


def _csv(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "rows.csv"
    path.write_bytes((header + "\n" + body).encode("utf-8"))
    return path


def test_csv_rows_sharing_an_id_make_one_record(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        (
            'school,Mill Lane Primary,S-1,Northtown,2024-01-15,attendance_concern,"Late, hungry",child,Tilly,'
            "Ashdown,Tils;T,2016-04-09,F,,A123,12 Mill Lane,,Northtown,NT1 4AB\n"
            "school,Mill Lane Primary,S-2,Northtown,2024-01-16,absence,,child,Ben,Ashdown,,2015-01-01,M,,,,,,\n"
            'school,Mill Lane Primary,S-1,Northtown,2024-01-15,attendance_concern,"Late, hungry",parent,Joanne,'
            "Ashdown,,,,,,,,,\n"
        ),
    )
    rows = list(read_file(path))
    assert [r.line for r in rows] == [2, 3]
    first = rows[0].data
    assert first is not None
    assert first["narrative"] == "Late, hungry"
    assert [s["role"] for s in first["subjects"]] == ["child", "parent"]
    assert first["subjects"][0]["other_names"] == ["Tils", "T"]
    assert first["subjects"][0]["address"]["postcode"] == "NT1 4AB"


def test_csv_record_fields_must_agree_across_its_rows(tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        (
            "school,,S-1,,2024-01-15,absence,,child,Tilly,Ashdown,,,,,,,,,\n"
            "school,,S-1,,2024-01-16,absence,,parent,Jo,Ashdown,,,,,,,,,\n"
        ),
    )
    [row] = list(read_file(path))
    assert row.errors and row.errors[0].field == "occurred_at" and "line 2" in row.errors[0].reason


def test_csv_quoting_error_is_reported_for_its_line(engine: Engine, tmp_path: Path) -> None:
    path = _csv(
        tmp_path,
        (
            "school,,S-1,,2024-01-15,absence,,child,Tilly,Ashdown,,,,,,,,,\n"
            'school,,S-2,,2024-01-15,absence,"bad "quote" here,child,Ben,Ashdown,,,,,,,,,\n'
            "school,,S-3,,2024-01-15,absence,,child,Cara,Ashdown,,,,,,,,,\n"
        ),
    )
    report = ingest_file(engine, path, submitted_by="t")
    assert report.accepted == 2
    [[error]] = report.rejected
    assert error.line == 3 and "quote" in error.reason


def test_csv_unknown_column_refuses_the_file_with_the_allowed_list(tmp_path: Path) -> None:
    path = _csv(tmp_path, "", header=HEADER + ",ethnicity")
    with pytest.raises(UnreadableFile, match=r"unknown column.*'ethnicity'.*allowed columns"):
        list(read_file(path))


def test_malformed_utf8_rejects_only_that_line(engine: Engine, tmp_path: Path) -> None:
    bad = b'{"agency": "school", "source_record_id": "S-2", "narrative": "caf\xe9"}'
    path = write_jsonl(tmp_path / "enc.jsonl", [record("S-1"), bad, record("S-3")])
    report = ingest_file(engine, path, submitted_by="t")
    assert report.accepted == 2
    [[error]] = report.rejected
    assert error.line == 2 and "UTF-8" in error.reason


def test_malformed_utf8_in_csv_rejects_only_that_row(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "enc.csv"
    path.write_bytes(
        (HEADER + "\n").encode()
        + b"school,,S-1,,2024-01-15,absence,caf\xe9,child,Tilly,A,,,,,,,,,\n"
        + b"school,,S-2,,2024-01-15,absence,,child,Ben,A,,,,,,,,,\n"
    )
    report = ingest_file(engine, path, submitted_by="t")
    assert report.accepted == 1 and report.rejected[0][0].line == 2


def test_oversized_field_and_nameless_subjects_are_clear_errors(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "big.jsonl",
        [
            record("S-1", narrative="x" * 25_000),
            record("S-2", subjects=[{"role": "child", "date_of_birth": "2016-01-01"}]),
        ],
    )
    report = ingest_file(engine, path, submitted_by="t")
    reasons = {e[0].field: e[0].reason for e in report.rejected}
    assert "at most 20000" in reasons["narrative"]
    assert "no subject has a name" in reasons[None]


def test_wrong_file_type_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rows.xlsx"
    path.write_bytes(b"PK")
    with pytest.raises(UnreadableFile, match=r"send \.jsonl"):
        read_file(path)
