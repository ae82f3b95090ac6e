"""The intake keeps every good row, refuses bad ones precisely, and never stores a thing twice."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, text
from sqlalchemy.exc import DBAPIError

from joinedup.ingest import ingest_file, ingest_payloads
from joinedup.storage.tables_records import IngestRejection, Organisation, Record, RecordHead, RecordSubject
from support.records import record, write_jsonl


def _count(engine: Engine, table: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_good_rows_are_kept_beside_bad_ones(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            record("S-1"),
            record("S-2", event_type="bruise"),
            b"{not json",
            record("S-3", occurred_at="2999-01-01"),
            record("S-4"),
        ],
    )
    report = ingest_file(engine, path, submitted_by="test")
    assert (report.accepted, report.duplicate, report.new_version, report.rejected_count) == (2, 0, 0, 3)
    assert [(e[0].line, e[0].field) for e in report.rejected] == [(2, "event_type"), (3, None), (4, "occurred_at")]
    assert _count(engine, Record) == 2
    assert _count(engine, RecordSubject) == 4
    assert _count(engine, IngestRejection) == 3


def test_identical_resubmission_is_a_no_op(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", [record("S-1"), record("S-2")])
    ingest_file(engine, path, submitted_by="test")
    again = ingest_file(engine, path, submitted_by="test")
    assert (again.accepted, again.duplicate, again.new_version) == (0, 2, 0)
    assert _count(engine, Record) == 2


def test_null_and_absent_fields_are_the_same_record(engine: Engine) -> None:
    ingest_payloads(engine, [record("S-1")], source="t", submitted_by="t")
    with_nulls = record("S-1", organisation="Mill Lane Primary")
    with_nulls["subjects"][1]["nhs_number"] = None
    again = ingest_payloads(engine, [with_nulls], source="t", submitted_by="t")
    assert again.duplicate == 1


def test_changed_record_is_a_new_version_and_the_old_is_kept(engine: Engine) -> None:
    ingest_payloads(engine, [record("S-1")], source="t", submitted_by="t")
    changed = ingest_payloads(engine, [record("S-1", narrative="Corrected note.")], source="t", submitted_by="t")
    assert changed.new_version == 1
    with engine.connect() as conn:
        versions = conn.execute(
            select(Record.version, Record.narrative).where(Record.source_record_id == "S-1").order_by(Record.version)
        ).all()
        head = conn.execute(select(RecordHead.version)).scalar_one()
    assert versions == [(1, "Arrived late and hungry."), (2, "Corrected note.")]
    assert head == 2


def test_same_source_id_from_another_agency_is_another_record(engine: Engine) -> None:
    report = ingest_payloads(
        engine, [record("X-1"), record("X-1", agency="gp", organisation="Elm Surgery")], source="t", submitted_by="t"
    )
    assert report.accepted == 2


def test_organisation_registered_once_and_area_filled_in(engine: Engine) -> None:
    first = record("S-1", local_authority=None)
    ingest_payloads(engine, [first], source="t", submitted_by="t")
    ingest_payloads(engine, [record("S-2"), record("S-3")], source="t", submitted_by="t")
    with engine.connect() as conn:
        orgs = conn.execute(select(Organisation.agency, Organisation.name, Organisation.local_authority)).all()
    assert orgs == [("school", "Mill Lane Primary", "Northtown")]


def test_provenance_is_kept(engine: Engine) -> None:
    ingest_payloads(engine, [record("S-1")], source="api", submitted_by="client:school-mis")
    with engine.connect() as conn:
        row = conn.execute(select(Record)).one()
    assert row.submitted_by == "client:school-mis"
    assert row.received_at is not None and row.batch_id is not None and row.organisation_id is not None
    assert row.payload["subjects"][0]["given_name"] == "Tilly"


def test_records_cannot_be_changed_in_place(engine: Engine) -> None:
    ingest_payloads(engine, [record("S-1")], source="t", submitted_by="t")
    with pytest.raises(DBAPIError, match="immutable"), engine.begin() as conn:
        conn.execute(text("UPDATE records SET narrative = 'edited'"))
    with pytest.raises(DBAPIError, match="immutable"), engine.begin() as conn:
        conn.execute(text("UPDATE record_subjects SET given_name = 'edited'"))


def test_a_batch_with_the_same_record_twice_stores_it_once(engine: Engine) -> None:
    report = ingest_payloads(engine, [record("S-1"), record("S-1")], source="t", submitted_by="t")
    assert (report.accepted, report.duplicate) == (1, 1)


def test_rerunning_a_file_holding_two_versions_stores_nothing_new(engine: Engine, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "v.jsonl", [record("S-1"), record("S-1", narrative="Second version.")])
    first = ingest_file(engine, path, submitted_by="t")
    again = ingest_file(engine, path, submitted_by="t")
    assert (first.accepted, first.new_version) == (1, 1)
    assert (again.accepted, again.new_version, again.duplicate) == (0, 0, 2)


def test_chunks_commit_independently(engine: Engine, tmp_path: Path) -> None:
    rows = [record(f"S-{i}") for i in range(25)]
    path = write_jsonl(tmp_path / "many.jsonl", rows)
    report = ingest_file(engine, path, submitted_by="t", chunk_size=7)
    assert report.accepted == 25 and len(report.stored_record_ids) == 25
