"""The child page: identity panel, household, flags, alerts, chronology table and swimlanes,
filters; the flag view for involved practitioners; the 403 page for everyone else."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from joinedup.identity.persons import person_of_subject
from joinedup.ingest import ingest_payloads
from joinedup.storage.tables_records import RecordHead


@pytest.fixture
def child_id(engine: Engine, record_about: Callable[..., dict[str, object]]) -> int:
    """A child known to a school, a GP (spelling the name differently) and the police (an
    incident about the mother)."""
    day = date.today() - timedelta(days=200)
    records = [
        record_about("SPS-10", "attendance_concern", day.isoformat(), narrative="Missed 6 days this half term."),
        record_about(
            "GP-10", "missed_appointment_was_not_brought", (day + timedelta(days=30)).isoformat(),
            agency="gp", organisation="Elm Surgery", given_name="Amirah", narrative="Not brought to immunisation.",
            adults=(("parent", "Sara", "Khan"),),
        ),
        record_about(
            "POL-10", "domestic_abuse_incident", (day + timedelta(days=60)).isoformat(),
            agency="police", organisation="Northshire Police", narrative="Police called by a neighbour.",
            adults=(("parent", "Sara", "Khan"), ("partner_of_parent", "Dean", "Fry")),
        ),
    ]  # fmt: skip
    assert ingest_payloads(engine, records, source="test", submitted_by="test").accepted == 3
    with engine.connect() as conn:
        from sqlalchemy import select

        record_id = conn.execute(
            select(RecordHead.record_id).where(RecordHead.source_record_id == "SPS-10")
        ).scalar_one()
        person = person_of_subject(conn, record_id, 0)
    assert person is not None
    return person


def test_the_full_page_shows_each_agencys_spelling_the_household_and_the_chronology(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], child_id: int, page: Any
) -> None:
    social_worker = make_user(
        "sw.one", "social_worker", organisation="Northtown Children's Services", agency="childrens_social_care"
    )
    response = app_for(social_worker).get(f"/children/{child_id}")
    assert response.status_code == 200
    shape = page(response.text)
    assert shape.h1s[0].strip() in ("Amira Khan", "Amirah Khan")
    assert "Amirah" in response.text and "Elm Surgery" in response.text  # the GP's own spelling
    assert "Dean Fry" in response.text and "Partner of parent" in response.text
    assert "Missed 6 days this half term." in response.text
    assert "Police called by a neighbour." not in response.text  # police narrative: front door and managers only
    svg = re.search(r"<svg.*?</svg>", response.text, re.S)
    assert svg is not None
    tree = ElementTree.fromstring(svg.group(0))
    lanes = [t.text for t in tree.iter("{http://www.w3.org/2000/svg}text") if t.text in ("School", "Gp", "Police")]
    assert lanes == ["School", "Gp", "Police"]
    marks = [m for m in tree.iter() if m.tag.endswith(("circle", "polygon"))]
    assert len(marks) == 3 and all(m.find("{http://www.w3.org/2000/svg}title") is not None for m in marks)
    # No inline <style>: the page's Content-Security-Policy would block it; the stylesheet has the rules.
    assert "style-src 'self';" in response.headers["content-security-policy"]
    assert tree.find("{http://www.w3.org/2000/svg}style") is None and "style=" not in svg.group(0)
    assert ".joinedup-timeline .concern" in app_for(social_worker).get("/static/joinedup.css").text


def test_the_chronology_filters_by_agency(app_for: Callable[..., TestClient], child_id: int, page: Any) -> None:
    from joinedup.access.actor import OPERATOR

    response = app_for(OPERATOR).get(f"/children/{child_id}?agency=gp")
    page(response.text)
    assert "1 entry, oldest first" in response.text
    assert "Not brought to immunisation." in response.text and "Missed 6 days" not in response.text


def test_an_involved_practitioner_sees_only_the_flag_view(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], child_id: int, page: Any
) -> None:
    gp = make_user("gp.elm", "practitioner", organisation="Elm Surgery", agency="gp")
    response = app_for(gp).get(f"/children/{child_id}")
    assert response.status_code == 200
    shape = page(response.text)
    assert shape.h1s[0].strip() == f"Child protection flags for child {child_id}"
    assert "Lead professional" in response.text
    assert "Missed 6 days" not in response.text and "Khan" not in response.text


def test_a_practitioner_without_involvement_is_refused(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], child_id: int, page: Any
) -> None:
    stranger = make_user("gp.other", "practitioner", organisation="Oak Surgery", agency="gp")
    response = app_for(stranger).get(f"/children/{child_id}")
    assert response.status_code == 403
    assert page(response.text).h1s == ["You do not have access"]
    assert "Khan" not in response.text


def test_an_unknown_child_is_not_found(client: TestClient) -> None:
    assert client.get("/children/999999").status_code == 404


def test_find_a_child_goes_to_the_childs_page(client: TestClient, page: Any) -> None:
    page(client.get("/children").text)
    assert client.get("/children?reference=42").headers["location"] == "/children/42"
    wrong = client.get("/children?reference=Amira")
    page(wrong.text)
    assert "Enter the child&#39;s reference number" in wrong.text
