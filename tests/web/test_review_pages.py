"""The linkage review queue: the two records side by side, the waterfall of match weights,
and a clerk's decision with its effect; refusal for people who may not see both children."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from xml.etree import ElementTree

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from joinedup.identity.persons import current_person
from joinedup.identity.review import list_items
from joinedup.ingest import ingest_payloads

AMELIA = {
    "role": "child",
    "given_name": "Amelia",
    "family_name": "Brook",
    "date_of_birth": "2016-04-09",
    "sex": "F",
    "address": {"line1": "12 Mill Lane", "postcode": "NT1 4AB"},
}


def amelia_record(agency: str, reference: str, organisation: str, **changes: Any) -> dict[str, Any]:
    return {
        "agency": agency,
        "organisation": organisation,
        "local_authority": "Northtown",
        "source_record_id": reference,
        "occurred_at": "2025-01-10",
        "event_type": "appointment_attended",
        "subjects": [{**AMELIA, **changes}],
    }


@pytest.fixture
def review_case(engine: Engine) -> dict[str, Any]:
    """Amelia at school, then the same details at the GP recorded as a boy: a strong match a
    guard sends to a person."""
    ingest_payloads(engine, [amelia_record("school", "S-1", "Springfield Primary")], source="t", submitted_by="t")
    ingest_payloads(engine, [amelia_record("gp", "G-1", "Elm Surgery", sex="M")], source="t", submitted_by="t")
    with engine.connect() as conn:
        items = list_items(conn)
    assert len(items) == 1, "the sex guard should have queued one case"
    return items[0]


def front_door(make_user: Callable[..., Any]) -> Any:
    return make_user(
        "mash.one", "front_door", organisation="Northtown Children's Services", agency="childrens_social_care"
    )


def test_the_case_shows_both_records_and_a_waterfall_that_adds_up(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], review_case: dict[str, Any], page: Any
) -> None:
    client = app_for(front_door(make_user))
    listing = client.get("/linkage-review")
    assert listing.status_code == 200
    page(listing.text)
    assert f'href="/linkage-review/{review_case["id"]}"' in listing.text and "Different sexes" in listing.text
    shown = client.get(f"/linkage-review/{review_case['id']}")
    assert shown.status_code == 200
    page(shown.text)
    assert "S-1" in shown.text and "G-1" in shown.text and "Differs" in shown.text
    start = shown.text.index('<svg xmlns="http://www.w3.org/2000/svg" class="joinedup-waterfall"')
    svg = ElementTree.fromstring(shown.text[start : shown.text.index("</svg>", start) + 6])
    ns = "{http://www.w3.org/2000/svg}"
    labels = [t.text for t in svg.iter(f"{ns}text")]
    assert labels[0] == "Prior (before comparing)" and "Sex" in labels and "Match weight" in labels
    bars = {r.get("class") for r in svg.iter(f"{ns}rect")}
    assert {"prior", "up", "down", "total"} <= bars  # sex pulls down, date of birth pushes up


def test_accepting_joins_the_records_and_says_so(
    app_for: Callable[..., TestClient],
    make_user: Callable[..., Any],
    review_case: dict[str, Any],
    engine: Engine,
    page: Any,
) -> None:
    client = app_for(front_door(make_user))
    item = review_case["id"]
    missing = client.post(f"/linkage-review/{item}/decision", data={"csrf_token": client.csrf})
    assert missing.status_code == 400
    page(missing.text)
    assert "Select whether these records are about the same child" in missing.text
    unsure = client.post(f"/linkage-review/{item}/decision", data={"csrf_token": client.csrf, "outcome": "not_sure"})
    assert unsure.status_code == 400 and "Say what is unclear" in unsure.text
    forged = client.post(f"/linkage-review/{item}/decision", data={"csrf_token": "wrong", "outcome": "accept"})
    assert forged.status_code == 403
    done = client.post(
        f"/linkage-review/{item}/decision",
        data={"csrf_token": client.csrf, "outcome": "accept", "note": "Same date of birth and address; sex mistyped."},
    )
    assert done.status_code == 303
    shown = client.get(done.headers["location"])
    page(shown.text)
    assert "The records are now one child." in shown.text
    assert f'href="/children/{review_case["candidate_person_id"]}"' in shown.text
    with engine.connect() as conn:
        assert current_person(conn, review_case["provisional_person_id"]) == review_case["candidate_person_id"]
        assert list_items(conn) == []


def test_people_outside_the_childs_area_or_role_are_refused(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], review_case: dict[str, Any], page: Any
) -> None:
    elsewhere = make_user(
        "mash.south", "front_door", organisation="Southby Children's Services",
        agency="childrens_social_care", local_authority="Southby",
    )  # fmt: skip
    client = app_for(elsewhere)
    listing = client.get("/linkage-review")
    assert listing.status_code == 200 and f"/linkage-review/{review_case['id']}" not in listing.text
    refused = client.get(f"/linkage-review/{review_case['id']}")
    assert refused.status_code == 403
    page(refused.text)
    assert "Amelia" not in refused.text
    teacher = app_for(make_user("dsl.one", "practitioner"))
    assert teacher.get("/linkage-review").status_code == 403
    assert teacher.get("/linkage-review/999").status_code == 403


def _header(html: str) -> str:
    """The top of the main content: everything before the h1 closes."""
    return html.split('<main class="govuk-main-wrapper" id="main-content">')[1].split("</h1>")[0]


def test_the_case_page_and_the_contest_page_share_one_decision_header(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], review_case: dict[str, Any], page: Any
) -> None:
    """Both decision pages draw their top (error summary, the banner ``?done=`` asks for,
    caption, h1) with components/decision_header.html: a known ``done`` shows its one banner,
    any other shows none, and a refused form puts the error summary first."""
    mash = app_for(front_door(make_user))
    manager = app_for(
        make_user("m.khan", "manager", organisation="Northtown Children's Services", agency="childrens_social_care")
    )
    case = f"/linkage-review/{review_case['id']}"
    raised = mash.post(
        "/api/v1/contests",
        json={"item_kind": "record", "agency": "gp", "source_record_id": "G-1", "reason": "A boy"},
        headers={"X-CSRF-Token": mash.csrf},  # type: ignore[attr-defined]
    )
    assert raised.status_code == 201, raised.text
    contest = f"/contests/{raised.json()['id']}"
    banners = {
        case: {
            "accept": "The records are now one child.",
            "reject": "Recorded: these are different children.",
            "not_sure": "Set aside. The case stays in the queue",
        },
        contest: {"raised": "Contest raised.", "decided": "Decision recorded."},
    }
    captions = {case: "Linkage review", contest: "What the agency recorded"}
    for path, words in banners.items():
        for done in [*words, "", "something_else"]:
            shown = mash.get(f"{path}?done={done}&person=1")
            page(shown.text)
            header = _header(shown.text)
            assert header.count("govuk-notification-banner--success") == (1 if done in words else 0), (path, done)
            assert all((text in header) == (key == done) for key, text in words.items()), (path, done)
            assert f'<span class="govuk-caption-l">{captions[path]}</span>' in header
            assert "govuk-error-summary" not in header
    for client, path in ((mash, case), (manager, contest)):
        refused = client.post(f"{path}/decision", data={"csrf_token": client.csrf})  # type: ignore[attr-defined]
        assert refused.status_code == 400
        page(refused.text)
        header = _header(refused.text)
        assert header.index("govuk-error-summary") < header.index("govuk-caption-l") < header.index("govuk-heading-l")
        assert 'href="#outcome"' in header and "govuk-notification-banner" not in header


def test_the_case_shows_each_records_agency_person_ids_for_the_clerk_to_compare(
    engine: Engine, app_for: Callable[..., TestClient], make_user: Callable[..., Any], page: Any
) -> None:
    """A shared council number is the strongest clue a clerk has; the page must show it."""
    ingest_payloads(
        engine,
        [amelia_record("school", "S-1", "Springfield Primary", other_ids=[{"scheme": "mosaic", "value": "77123A"}])],
        source="t",
        submitted_by="t",
    )
    ingest_payloads(
        engine,
        [amelia_record("gp", "G-1", "Elm Surgery", sex="M", other_ids=[{"scheme": "police", "value": "PX-9"}])],
        source="t",
        submitted_by="t",
    )
    with engine.connect() as conn:
        items = list_items(conn)
    assert len(items) == 1
    front_door_client = app_for(front_door(make_user))
    shown = front_door_client.get(f"/linkage-review/{items[0]['id']}")
    assert shown.status_code == 200
    page(shown.text)
    assert "Agency person ids" in shown.text
    assert "mosaic: 77123A" in shown.text and "police: PX-9" in shown.text
