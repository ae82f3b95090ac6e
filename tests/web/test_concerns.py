"""Record a concern and bulk upload: through the real intake, with GOV.UK error messages."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from joinedup.storage.tables_records import Record, RecordSubject


def concern(**changes: str) -> dict[str, str]:
    today = date.today() - timedelta(days=1)
    values = {
        "agency": "school",
        "given_name": "Amira",
        "family_name": "Khan",
        "date_of_birth-day": "2",
        "date_of_birth-month": "5",
        "date_of_birth-year": "2016",
        "upn": "",
        "event_type": "hunger_food_seeking",
        "occurred-day": str(today.day),
        "occurred-month": str(today.month),
        "occurred-year": str(today.year),
        "narrative": "Arrived hungry again and took food from other children's lunch boxes.",
        "reference": "WEB-00000000ABCD",
    }
    values.update(changes)
    return values


def test_the_form_renders_with_todays_date_and_a_fresh_reference(
    client: TestClient, page: Callable[[str], Any]
) -> None:
    response = client.get("/concerns/new")
    assert response.status_code == 200
    shape = page(response.text)
    assert {"govuk-date-input", "govuk-character-count", "govuk-select"} <= shape.classes
    assert f'value="{date.today().year}"' in response.text
    assert 'name="reference" value="WEB-' in response.text


def test_a_concern_is_stored_once_however_often_the_form_is_posted(
    client: TestClient, engine: Engine, page: Callable[[str], Any]
) -> None:
    first = client.post("/concerns", data=concern())
    assert first.status_code == 200
    page(first.text)
    assert "Concern recorded" in first.text and "WEB-00000000ABCD" in first.text
    again = client.post("/concerns", data=concern())
    assert "already been recorded" in again.text
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Record)).scalar_one() == 1
        record = conn.execute(select(Record)).one()
        child = conn.execute(select(RecordSubject).where(RecordSubject.record_id == record.id)).one()
    assert (record.agency, record.event_type, record.source_record_id) == (
        "school",
        "hunger_food_seeking",
        "WEB-00000000ABCD",
    )
    assert record.submitted_by == "user:operator"
    assert (child.given_name, child.family_name, child.date_of_birth, child.role) == (
        "Amira",
        "Khan",
        "2016-05-02",
        "child",
    )


def test_every_mistake_is_listed_in_the_summary_and_beside_its_field(
    client: TestClient, engine: Engine, page: Callable[[str], Any]
) -> None:
    future = date.today() + timedelta(days=3)
    response = client.post(
        "/concerns",
        data=concern(
            given_name="",
            upn="123",
            **{"occurred-day": str(future.day), "occurred-month": str(future.month), "occurred-year": str(future.year)},
            **{"date_of_birth-day": "31", "date_of_birth-month": "2"},
            narrative="",
        ),
    )
    assert response.status_code == 400
    shape = page(response.text)
    assert shape.title.startswith("Error: ")
    for anchor, words in (
        ("#given_name", "Enter the child&#39;s first name"),
        ("#date_of_birth-day", "The child&#39;s date of birth must be a real date"),
        ("#upn", "Unique pupil number must be 13 characters"),
        ("#occurred-day", "The date it happened must be today or in the past"),
        ("#narrative", "Describe what you saw"),
    ):
        assert f'href="{anchor}">{words}' in response.text
    assert response.text.count("govuk-error-message") == 5
    assert 'value="Khan"' in response.text  # what was typed is kept
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Record)).scalar_one() == 0


def test_a_practitioner_records_as_their_own_agency_and_organisation(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], engine: Engine
) -> None:
    dsl = make_user("dsl.concern", "practitioner", organisation="Elm Road Primary", local_authority="Northtown")
    client = app_for(dsl)
    response = client.post("/concerns", data=concern(agency="police", csrf_token=client.csrf))
    assert response.status_code == 200
    with engine.connect() as conn:
        record = conn.execute(select(Record)).one()
    assert record.agency == "school"  # the person's own agency, whatever the form said
    assert record.organisation_id == dsl.organisation_id
    assert record.local_authority == "Northtown"


def test_an_auditor_may_not_record_concerns(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], page: Callable[[str], Any]
) -> None:
    auditor = make_user("dpo.one", "auditor", organisation="Northtown Council", agency="childrens_social_care")
    client = app_for(auditor)
    for response in (client.get("/concerns/new"), client.post("/concerns", data=concern(csrf_token=client.csrf))):
        assert response.status_code == 403
        assert page(response.text).h1s == ["You do not have access"]


def test_a_signed_in_form_without_the_session_csrf_token_is_refused(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], engine: Engine
) -> None:
    dsl = make_user("dsl.csrf", "practitioner")
    response = app_for(dsl).post("/concerns", data=concern(csrf_token="forged"))
    assert response.status_code == 403
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Record)).scalar_one() == 0


GOOD = '{"agency":"school","source_record_id":"S-1","occurred_at":"2024-03-04","event_type":"absence","subjects":[{"role":"child","given_name":"Amy","family_name":"Khan"}]}'
BAD = '{"agency":"school","source_record_id":"S-2","occurred_at":"2024-03-04","event_type":"absense","subjects":[{"role":"child","given_name":"Amy"}]}'


def test_an_upload_stores_the_good_rows_and_lists_each_refused_row_with_its_reason(
    client: TestClient, engine: Engine, page: Callable[[str], Any]
) -> None:
    assert client.get("/uploads/new").status_code == 200
    body = f"{GOOD}\n{BAD}\n".encode()
    response = client.post("/uploads", files={"file": ("school.jsonl", body, "application/x-ndjson")})
    assert response.status_code == 200
    page(response.text)
    assert "1 row was refused" in response.text
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in response.text
    assert "S-2" in response.text and "event_type" in response.text
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Record)).scalar_one() == 1


def test_an_upload_of_the_wrong_kind_of_file_is_refused_with_a_message(
    client: TestClient, page: Callable[[str], Any]
) -> None:
    response = client.post("/uploads", files={"file": ("notes.docx", b"xx", "application/octet-stream")})
    assert response.status_code == 400
    page(response.text)
    assert 'href="#file">The selected file must be a CSV (.csv) or JSON Lines (.jsonl) file' in response.text
    empty = client.post("/uploads", files={"file": ("school.csv", b"", "text/csv")})
    assert "The selected file is empty" in empty.text
