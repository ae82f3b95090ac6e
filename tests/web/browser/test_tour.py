"""Every other page in a real browser, as the person who uses it, with axe-core on each: sign
in and out, find a child, the flag view, bulk upload and its result, rules, audit, users."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from playwright.sync_api import expect
from sqlalchemy import Engine

from joinedup.ingest import ingest_payloads

from ..conftest import child_record

FRONT_DOOR = {"organisation": "Northtown Children's Services", "agency": "childrens_social_care"}


def test_every_page_passes_axe_for_the_people_who_use_it(
    engine: Engine, user: Callable[..., str], visit: Callable[[], Any], tmp_path: Path
) -> None:
    known = child_record("SPS-1", "attendance_concern", date.today().isoformat(), narrative="Missed 6 days.")
    assert ingest_payloads(engine, [known], source="test", submitted_by="test").accepted == 1
    user("dsl.springfield", "practitioner")
    user("mash.one", "front_door", **FRONT_DOOR)
    user("dpo.one", "auditor", **FRONT_DOOR)
    user("admin.one", "admin", **FRONT_DOOR)

    anonymous = visit()
    anonymous.page.goto(anonymous.base + "/alerts")
    expect(anonymous.page.get_by_role("heading", name="Sign in to JoinedUp")).to_be_visible()
    anonymous.check("sign-in")
    anonymous.page.get_by_role("button", name="Sign in").click()
    expect(anonymous.page.locator(".govuk-error-summary")).to_be_visible()
    anonymous.check("sign-in-errors")
    anonymous.go("/accessibility", "accessibility-statement")
    anonymous.go("/no-such-page", "not-found")

    dsl = visit()
    dsl.sign_in("dsl.springfield")
    dsl.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child").click()
    dsl.check("find-a-child")
    dsl.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Upload a file").click()
    dsl.check("upload-form")
    rows = [
        child_record("SPS-2", "absence", date.today().isoformat()),
        {**child_record("SPS-3", "absence", "2099-01-01")},
        {**child_record("SPS-4", "not_an_event", date.today().isoformat())},
    ]
    upload = tmp_path / "springfield.jsonl"
    upload.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    dsl.page.get_by_label("Upload a file").set_input_files(str(upload))
    dsl.page.get_by_role("button", name="Upload file").click()
    expect(dsl.page.get_by_role("heading", name="File uploaded")).to_be_visible()
    expect(dsl.page.get_by_text("SPS-4")).to_be_visible()
    dsl.check("upload-result")
    dsl.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Find a child").click()
    dsl.page.get_by_label("Find a child").fill("1")
    dsl.page.get_by_role("button", name="Find child").click()
    expect(dsl.page.get_by_role("heading", name="Child protection flags for child 1")).to_be_visible()
    dsl.check("child-flag-view")
    dsl.page.get_by_role("button", name="Sign out").click()
    expect(dsl.page.get_by_role("heading", name="You have signed out")).to_be_visible()
    dsl.check("signed-out")

    mash = visit()
    mash.sign_in("mash.one")
    mash.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Rules").click()
    mash.check("rules")
    mash.page.get_by_text("The rule as written (neglect_signs.yaml)").click()
    expect(mash.page.locator("details[open] code")).to_contain_text("id: neglect_signs")

    auditor = visit()
    auditor.sign_in("dpo.one")
    auditor.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Audit").click()
    auditor.page.get_by_label("Child's reference number").fill("1")
    auditor.page.get_by_role("button", name="Show who looked").click()
    expect(auditor.page.get_by_text("dsl.springfield").first).to_be_visible()
    auditor.check("audit")

    admin = visit()
    admin.sign_in("admin.one")
    admin.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Users").click()
    expect(admin.page.get_by_text("dpo.one")).to_be_visible()
    admin.check("users")


def test_the_learning_library_passes_axe_for_a_manager(
    engine: Engine, user: Callable[..., str], visit: Callable[[], Any]
) -> None:
    """The library list, a review with its themes and evidence, a manager adding a theme, the
    themes-by-year chart, one theme, search with highlights, and the rules with their learning."""
    from joinedup.learning import demo, library

    files = {path.name: path for path in demo.example_files()}
    reviews = [
        library.add_review_file(engine, files[name], added_by="test") for name in ("child-q.json", "daniel-pelka.json")
    ]
    for review in reviews:
        library.tag_review(engine, review.id)  # the real tagger: suggested themes with their passages
    first = library.review_detail(engine, reviews[0].id)
    user("manager.one", "manager", **FRONT_DOOR)

    manager = visit()
    manager.sign_in("manager.one")
    manager.page.get_by_role("navigation", name="Menu").get_by_role("link", name="Learning").click()
    expect(manager.page.get_by_role("heading", name="Case review library", level=1)).to_be_visible()
    manager.check("learning-library")

    manager.page.get_by_role("link", name=first["title"]).click()
    expect(manager.page.get_by_role("heading", name=first["title"], level=1)).to_be_visible()
    manager.check("learning-review")
    missed = manager.page.get_by_label("Add a theme the tagger missed")
    added = missed.locator("option").first.inner_text().strip()
    missed.select_option(label=added)
    manager.page.get_by_role("button", name="Add theme").click()
    card = manager.page.locator(".govuk-summary-card", has=manager.page.get_by_role("link", name=added, exact=True))
    expect(card.get_by_text("Confirmed")).to_be_visible()
    manager.check("learning-review-theme-added")

    manager.page.get_by_role("link", name="Case review library").click()  # the back link
    manager.page.get_by_role("navigation", name="Learning library").get_by_role("link", name="Themes by year").click()
    expect(manager.page.get_by_role("heading", name="Learning themes by year")).to_be_visible()
    expect(manager.page.locator("svg.joinedup-chart")).to_be_visible()
    manager.check("learning-themes")
    manager.page.get_by_role("row").get_by_role("link", name=added, exact=True).click()
    expect(manager.page.get_by_role("heading", name=added, level=1)).to_be_visible()
    expect(manager.page.get_by_role("link", name=first["title"])).to_be_visible()
    manager.check("learning-theme")

    manager.page.get_by_role("link", name="Search within these reviews").click()
    manager.page.get_by_label("Words or a question").fill("school")
    manager.page.get_by_role("button", name="Search").click()
    expect(manager.page.locator("main mark").first).to_be_visible()
    manager.check("learning-search")

    manager.page.get_by_role("navigation", name="Learning library").get_by_role(
        "link", name="Rules and learning"
    ).click()
    expect(manager.page.get_by_role("heading", name="Rules and the learning behind them")).to_be_visible()
    manager.check("learning-rules")
