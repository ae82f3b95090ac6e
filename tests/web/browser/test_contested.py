"""A contest raised from the child page, in a real browser: the social worker follows the
chronology row's "Contest" link, raises the contest, and back on the child page the swimlane
rings that event (styled by the stylesheet, under the page's real Content-Security-Policy) and
nothing else. axe-core checks each page, the ringed swimlane included."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import Engine, select

from joinedup.identity.persons import person_of_subject
from joinedup.ingest import ingest_payloads
from joinedup.storage.tables_records import RecordHead

from ..conftest import child_record

SERVICES = {"organisation": "Northtown Children's Services", "agency": "childrens_social_care"}


def test_a_contest_raised_from_the_chronology_rings_that_event_in_the_swimlane(
    engine: Engine, user: Callable[..., str], visit: Callable[[], Any]
) -> None:
    day = date.today() - timedelta(days=20)
    records = [
        child_record("SPS-1", "hunger_food_seeking", day.isoformat(), narrative="Took food from the bins."),
        child_record("SPS-2", "weight_faltering", (day + timedelta(days=4)).isoformat(), narrative="Looks thinner."),
        child_record("SPS-3", "absence", (day + timedelta(days=8)).isoformat()),
    ]
    assert ingest_payloads(engine, records, source="test", submitted_by="test").accepted == 3
    with engine.connect() as conn:
        record_id = conn.execute(
            select(RecordHead.record_id).where(RecordHead.source_record_id == "SPS-2")
        ).scalar_one()
        person = person_of_subject(conn, record_id, 0)
    user("sw.one", "social_worker", **SERVICES)

    social_worker = visit()
    social_worker.sign_in("sw.one")
    social_worker.go(f"/children/{person}", "child-before-contest")
    timeline = social_worker.page.locator("svg.joinedup-timeline")
    expect(timeline.locator(".contested-ring")).to_have_count(0)

    social_worker.page.get_by_role("link", name="Contest record SPS-2").click()
    expect(social_worker.page.get_by_role("heading", name="Contest the record")).to_be_visible()
    social_worker.check("contest-new")
    social_worker.page.get_by_label("What the agency recorded").check()
    social_worker.page.get_by_label("What is wrong, and what is right?").fill("Weighed in her winter coat.")
    social_worker.page.get_by_role("button", name="Raise the contest").click()
    expect(social_worker.page.get_by_text("Contest raised.")).to_be_visible()
    social_worker.check("contest-raised")

    social_worker.page.get_by_role("link", name=f"Child {person}").click()
    expect(social_worker.page.get_by_role("heading", name="Chronology")).to_be_visible()
    rings = timeline.locator(".contested-ring")
    expect(rings).to_have_count(1)
    expect(rings.first).to_be_visible()
    # the stylesheet's rules reached the SVG (no inline style is allowed): a dashed outline
    dashes = rings.first.evaluate("ring => getComputedStyle(ring).strokeDasharray")
    assert dashes not in ("", "none"), dashes
    ringed = timeline.locator(".contested:not(.contested-ring)")
    expect(ringed).to_have_count(1)
    expect(ringed.locator("title")).to_have_text(
        f"{(day + timedelta(days=4)).isoformat()}: Weight faltering. Contested (contest 1)"
    )
    expect(social_worker.page.locator("figcaption")).to_contain_text("Marks in a dashed ring")
    social_worker.check("child-contested")
