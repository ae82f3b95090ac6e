"""Record format v1 ``other_ids`` (agency-local person ids): what is accepted, what is refused
and why, and that what was sent is what is stored, on both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from joinedup.ingest import ingest_payloads
from joinedup.ingest.readers import parse_csv_text
from joinedup.records.models import AgencyRecord


def _record(source_id: str, **subject: Any) -> dict[str, Any]:
    return {
        "agency": "childrens_social_care",
        "source_record_id": source_id,
        "occurred_at": "2024-01-15",
        "event_type": "referral_to_social_care",
        "subjects": [{"role": "child", "given_name": "Kai", "family_name": "Brook", **subject}],
    }


def _errors(engine: Engine, *records: dict[str, Any]) -> list[tuple[str | None, str]]:
    report = ingest_payloads(engine, list(records), source="test", submitted_by="test")
    return [(e.field, e.reason) for row in report.rejected for e in row]


def test_other_ids_are_accepted_and_stored_exactly_as_sent(engine: Engine) -> None:
    sent = [{"scheme": "Mosaic", "value": " 12-3456a "}, {"scheme": "pnc", "value": "19/123456X"}]
    report = ingest_payloads(engine, [_record("C-1", other_ids=sent)], source="test", submitted_by="test")
    assert report.accepted == 1 and not report.rejected
    with engine.connect() as conn:
        stored = conn.execute(text("select other_ids from record_subjects")).scalar_one()
        payload = conn.execute(text("select payload from records")).scalar_one()
        profile = conn.execute(text("select local_id, local_scheme, local_ids from identity_profiles")).one()
    if isinstance(stored, str):  # SQLite hands JSON back as text through a raw query
        import json

        stored, payload, local_ids = json.loads(stored), json.loads(payload), json.loads(profile[2])
    else:
        local_ids = profile[2]
    # Whitespace around a value is trimmed (as for every field); the value is otherwise as sent.
    assert stored == [{"scheme": "Mosaic", "value": "12-3456a"}, {"scheme": "pnc", "value": "19/123456X"}]
    assert payload["subjects"][0]["other_ids"] == stored
    # Identity holds the standardised forms: scheme lower case, value without punctuation, upper.
    assert profile[0] == "mosaic:123456A" and profile[1] == "mosaic"
    assert local_ids == ["mosaic:123456A", "pnc:19123456X"]


def test_a_subject_without_other_ids_stores_none(engine: Engine) -> None:
    ingest_payloads(engine, [_record("C-1")], source="test", submitted_by="test")
    with engine.connect() as conn:
        assert conn.execute(text("select other_ids from record_subjects")).scalar_one() is None
        assert conn.execute(text("select local_id from identity_profiles")).scalar_one() is None


def test_bad_other_ids_are_refused_with_the_field_and_the_reason(engine: Engine) -> None:
    assert _errors(engine, _record("C-1", other_ids=[{"value": "123"}])) == [
        ("subjects[0].other_ids[0].scheme", "scheme is missing; it is required")
    ]
    assert _errors(engine, _record("C-2", other_ids=[{"scheme": "mosaic", "value": ""}])) == [
        ("subjects[0].other_ids[0].value", "is empty; it is required")
    ]
    [(field, reason)] = _errors(engine, _record("C-3", other_ids=[{"scheme": "mosaic", "value": "--"}]))
    assert field == "subjects[0].other_ids[0].value" and "no letters or digits" in reason
    [(field, reason)] = _errors(engine, _record("C-4", other_ids=[{"scheme": "mosaic id", "value": "1"}]))
    assert field == "subjects[0].other_ids[0].scheme" and "short code" in reason
    [(field, reason)] = _errors(
        engine, _record("C-5", other_ids=[{"scheme": "mosaic", "value": "1"}, {"scheme": "MOSAIC", "value": "2"}])
    )
    assert field == "subjects[0].other_ids" and "given twice" in reason
    [(field, reason)] = _errors(engine, _record("C-6", other_ids=[{"scheme": "mosaic", "value": "1", "x": 1}]))
    assert field == "subjects[0].other_ids[0].x" and "not a field of record format v1" in reason
    [(field, reason)] = _errors(engine, _record("C-7", other_ids=[{"scheme": "s", "value": "1" * 51}]))
    assert field == "subjects[0].other_ids[0].value" and "at most 50" in reason
    [(field, reason)] = _errors(engine, _record("C-8", other_ids="mosaic:1"))
    assert field == "subjects[0].other_ids" and reason == "should be a list"
    with engine.connect() as conn:
        assert conn.execute(text("select count(*) from records")).scalar_one() == 0


def test_csv_other_ids_column_reads_scheme_value_pairs(tmp_path: Path) -> None:
    text_ = (
        "agency,source_record_id,occurred_at,event_type,given_name,other_ids\n"
        "police,P-1,2024-01-15,police_welfare_check,Kai,niche:NI123;lcs_330: 98 76\n"
        "police,P-2,2024-01-15,police_welfare_check,Kai,NI999\n"
    )
    rows = list(parse_csv_text(text_))
    first = AgencyRecord.model_validate(rows[0].data)
    assert [(i.scheme, i.value) for i in first.subjects[0].other_ids] == [("niche", "NI123"), ("lcs_330", "98 76")]
    assert rows[1].data is not None
    assert rows[1].data["subjects"][0]["other_ids"] == [{"value": "NI999"}]  # refused by validation: no scheme
