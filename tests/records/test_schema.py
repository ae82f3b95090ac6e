"""The committed JSON Schema is what agencies validate against: it must match the models."""

from pathlib import Path

import orjson
import pytest
from pydantic import ValidationError

from joinedup.records import AgencyRecord, EventType
from joinedup.records.schema import render_schema

SCHEMA = Path(__file__).parents[2] / "schemas" / "agency-record.v1.json"

EXAMPLE = {
    "agency": "school",
    "organisation": "Springfield Primary",
    "source_record_id": "SPS-2024-0193",
    "local_authority": "Birmingham",
    "occurred_at": "2024-03-04",
    "event_type": "attendance_concern",
    "narrative": "Free text written by the practitioner.",
    "subjects": [
        {
            "role": "child",
            "given_name": "Amira",
            "family_name": "Khan",
            "other_names": ["Amy"],
            "date_of_birth": "2016-05-02",
            "sex": "F",
            "nhs_number": None,
            "upn": "A123456789012",
            "address": {"line1": "4 Elm Road", "town": "Birmingham", "postcode": "B11 4AA"},
        },
        {"role": "parent", "given_name": "Sara", "family_name": "Khan"},
    ],
}


def test_committed_schema_matches_the_models() -> None:
    assert SCHEMA.read_text() == render_schema(), (
        "schemas/agency-record.v1.json is out of date: regenerate it with "
        "`python -c 'from joinedup.records.schema import render_schema; print(render_schema(), end=\"\")' "
        "> schemas/agency-record.v1.json`"
    )


def test_design_example_is_valid() -> None:
    record = AgencyRecord.model_validate(EXAMPLE)
    assert record.subjects[0].other_names == ["Amy"]


def test_schema_lists_every_event_type_of_v1() -> None:
    schema = orjson.loads(SCHEMA.read_bytes())
    assert set(schema["$defs"]["EventType"]["enum"]) == {e.value for e in EventType}
    assert len(EventType) == 30


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"occurred_at": "2999-01-01"}, "occurred_at"),
        ({"event_type": "bruise"}, "event_type"),
        ({"subjects": [{"role": "child"}]}, None),
        ({"narrative": "x" * 20_001}, "narrative"),
        ({"source_record_id": ""}, "source_record_id"),
    ],
)
def test_unusable_records_are_refused(change: dict[str, object], field: str | None) -> None:
    with pytest.raises(ValidationError) as caught:
        AgencyRecord.model_validate({**EXAMPLE, **change})
    locs = [e["loc"][0] if e["loc"] else None for e in caught.value.errors()]
    assert field in locs or (field is None and locs == [None])


def test_partial_and_impossible_dates_of_birth_are_kept_not_refused() -> None:
    for dob in ("2016", "2016-05", "2016-02-30"):
        subject = {**EXAMPLE["subjects"][0], "date_of_birth": dob}  # type: ignore[dict-item]
        record = AgencyRecord.model_validate({**EXAMPLE, "subjects": [subject]})
        assert record.subjects[0].date_of_birth == dob
