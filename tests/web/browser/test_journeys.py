"""The main journeys in a real browser: a DSL records a concern and the front door decides on
the alert it raises; a reviewer resolves a linkage case; a practitioner with no involvement is
refused. axe-core checks every page on the way."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import Engine

from joinedup.identity.persons import current_person
from joinedup.identity.review import list_items
from joinedup.ingest import ingest_payloads
from joinedup.storage import alerts_repo

from ..conftest import child_record, valid_upn

FRONT_DOOR = {"organisation": "Northtown Children's Services", "agency": "childrens_social_care"}


def test_a_dsl_records_a_concern_and_the_front_door_decides_within_the_deadline(
    engine: Engine, user: Callable[..., str], visit: Callable[[], Any]
) -> None:
    earlier = (date.today() - timedelta(days=6)).isoformat()
    known = child_record("SPS-1", "hunger_food_seeking", earlier, narrative="Took food from the bins.")
    assert ingest_payloads(engine, [known], source="test", submitted_by="test").accepted == 1
    user("dsl.springfield", "practitioner")
    user("mash.one", "front_door", **FRONT_DOOR)

    dsl = visit()
    dsl.sign_in("dsl.springfield")
    dsl.check("home-practitioner")
    dsl.page.get_by_role("link", name="Record a concern").first.click()
    dsl.check("concern-form")
    dsl.page.get_by_role("button", name="Record concern").click()  # empty: the error summary
    expect(dsl.page.locator(".govuk-error-summary")).to_be_visible()
    dsl.check("concern-form-errors")
    dsl.page.get_by_label("First name", exact=True).fill("Amira")
    dsl.page.get_by_label("Last name", exact=True).fill("Khan")
    dob = dsl.page.locator("#date_of_birth")
    dob.get_by_label("Day").fill("2")
    dob.get_by_label("Month").fill("5")
    dob.get_by_label("Year").fill("2016")
    dsl.page.get_by_text("Add a pupil number").click()
    dsl.page.get_by_label("Unique pupil number (UPN)").fill(valid_upn(1))
    dsl.page.get_by_label("Type of concern").select_option("weight_faltering")
    dsl.page.get_by_label("What did you see or hear?").fill("Looks thinner than last term; says she is hungry.")
    dsl.page.get_by_role("button", name="Record concern").click()
    expect(dsl.page.get_by_role("heading", name="Concern recorded")).to_be_visible()
    expect(dsl.page.get_by_text("raised 1 alert")).to_be_visible()
    dsl.check("concern-recorded")

    with engine.connect() as conn:
        alerts = alerts_repo.list_alerts(conn, rule_id="neglect_signs")
    assert len(alerts) == 1
    alert = alerts[0]

    mash = visit()
    mash.sign_in("mash.one")
    mash.check("home-front-door")
    mash.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Alerts").click()
    mash.check("alerts-inbox")
    mash.page.get_by_role("link", name=re.compile(r"Neglect signs")).click()
    expect(mash.page.get_by_text("Took food from the bins.")).to_be_visible()
    mash.check("alert")
    mash.page.get_by_role("link", name="Amira Khan").click()
    expect(mash.page.get_by_role("heading", name="Chronology")).to_be_visible()
    expect(mash.page.get_by_text("Looks thinner than last term")).to_be_visible()
    mash.check("child")
    mash.page.go_back()
    mash.page.get_by_role("button", name="Acknowledge: I am dealing with this").click()
    expect(mash.page.get_by_text("Alert acknowledged.")).to_be_visible()
    mash.check("alert-acknowledged")
    mash.page.get_by_label("Early help").check()
    mash.page.get_by_label("Why this decision?").fill("Family agree to early help; school to monitor lunches.")
    mash.page.locator("#sharing").check()
    mash.page.locator('input[name="lawful_basis"][value="consent"]').check()
    mash.page.get_by_role("button", name="Record decision").click()
    expect(mash.page.get_by_text("Decision recorded. The alert is closed.")).to_be_visible()
    mash.check("alert-decided")

    with engine.connect() as conn:
        decided = alerts_repo.get_alert(conn, alert.id)
    assert decided.status == "decided" and decided.decision == "early_help"
    assert decided.decided_at.date() <= decided.due_at  # within the working-day deadline


def test_a_reviewer_resolves_a_linkage_case(engine: Engine, user: Callable[..., str], visit: Callable[[], Any]) -> None:
    amelia = {
        "role": "child", "given_name": "Amelia", "family_name": "Brook", "date_of_birth": "2016-04-09",
        "sex": "F", "address": {"line1": "12 Mill Lane", "postcode": "NT1 4AB"},
    }  # fmt: skip
    for agency, reference, organisation, sex in (
        ("school", "S-1", "Springfield Primary", "F"),
        ("gp", "G-1", "Elm Surgery", "M"),
    ):
        record = {
            "agency": agency, "organisation": organisation, "local_authority": "Northtown",
            "source_record_id": reference, "occurred_at": "2025-01-10", "event_type": "appointment_attended",
            "subjects": [{**amelia, "sex": sex}],
        }  # fmt: skip
        ingest_payloads(engine, [record], source="test", submitted_by="test")
    with engine.connect() as conn:
        (case,) = list_items(conn)
    user("mash.one", "front_door", **FRONT_DOOR)

    reviewer = visit()
    reviewer.sign_in("mash.one")
    reviewer.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Linkage review").click()
    reviewer.check("linkage-review-queue")
    reviewer.page.get_by_role("link", name=f"Review case {case['id']}").click()
    expect(reviewer.page.locator("svg.joinedup-waterfall")).to_be_visible()
    reviewer.check("linkage-review-case")
    reviewer.page.get_by_label("Yes, the same child").check()
    reviewer.page.get_by_label("Note (optional unless you are not sure)").fill("Same birthday and address.")
    reviewer.page.get_by_role("button", name="Save decision").click()
    expect(reviewer.page.get_by_text("The records are now one child.")).to_be_visible()
    reviewer.check("linkage-review-decided")
    reviewer.page.get_by_role("link", name="See the child's combined chronology").click()
    expect(reviewer.page.get_by_text("Elm Surgery").first).to_be_visible()

    with engine.connect() as conn:
        assert current_person(conn, case["provisional_person_id"]) == case["candidate_person_id"]


def test_a_practitioner_with_no_involvement_is_refused(
    engine: Engine, user: Callable[..., str], visit: Callable[[], Any]
) -> None:
    record = child_record("SPS-1", "attendance_concern", date.today().isoformat(), narrative="Missed 6 days.")
    assert ingest_payloads(engine, [record], source="test", submitted_by="test").accepted == 1
    with engine.connect() as conn:
        (person_id,) = {a.person_id for a in alerts_repo.list_alerts(conn)} or {_child_of(conn)}
    user("dsl.elsewhere", "practitioner", organisation="Oakfield Academy")

    outsider = visit()
    outsider.sign_in("dsl.elsewhere")
    response = outsider.page.goto(f"{outsider.base}/children/{person_id}")
    assert response is not None and response.status == 403
    expect(outsider.page.get_by_role("heading", name="You do not have access")).to_be_visible()
    expect(outsider.page.get_by_text("Amira")).to_have_count(0)
    outsider.check("forbidden")


def _child_of(conn: Any) -> int:
    from sqlalchemy import select

    from joinedup.identity.persons import person_of_subject
    from joinedup.storage.tables_records import RecordHead

    record_id = conn.execute(select(RecordHead.record_id).where(RecordHead.source_record_id == "SPS-1")).scalar_one()
    found = person_of_subject(conn, record_id, 0)
    assert found is not None
    return int(found)
