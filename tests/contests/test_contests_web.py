"""Contesting on the web and through the API (issue 9): a contested link, record or alert is
marked "contested" on every page and API response that shows it, the named deciding role
decides, and an upheld link contest unmerges the two children everywhere.

Real app, real users, real database (SQLite and PostgreSQL); the records are synthetic.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from xml.etree import ElementTree

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from typer.testing import CliRunner

from joinedup.cli.main import app as cli
from joinedup.identity.persons import current_person, person_of_subject
from joinedup.identity.review import list_items
from joinedup.ingest import ingest_payloads
from joinedup.storage import alerts_repo, audit_repo
from joinedup.storage import contests_repo as repo

SERVICES = {"organisation": "Northtown Children's Services", "agency": "childrens_social_care"}
AMELIA = {
    "role": "child",
    "given_name": "Amelia",
    "family_name": "Brook",
    "date_of_birth": "2016-04-09",
    "sex": "F",
    "address": {"line1": "12 Mill Lane", "postcode": "NT1 4AB"},
}


def _record(
    agency: str, reference: str, organisation: str, event_type: str, on: date, **changes: Any
) -> dict[str, Any]:
    return {
        "agency": agency,
        "organisation": organisation,
        "local_authority": "Northtown",
        "source_record_id": reference,
        "occurred_at": on.isoformat(),
        "event_type": event_type,
        "narrative": "Synthetic narrative for a test.",
        "subjects": [{**AMELIA, **changes}],
    }


@pytest.fixture
def amelia(engine: Engine) -> dict[str, Any]:
    """Amelia at school with two signs of neglect (the neglect_signs rule raises an alert), and
    a GP record with her details but recorded as a boy: the linker queues it for a person."""
    day = date.today() - timedelta(days=10)
    school = [
        _record("school", "S-1", "Springfield Primary", "hunger_food_seeking", day),
        _record("school", "S-2", "Springfield Primary", "weight_faltering", day + timedelta(days=3)),
    ]
    assert ingest_payloads(engine, school, source="t", submitted_by="t").accepted == 2
    gp = _record("gp", "G-1", "Elm Surgery", "missed_appointment_was_not_brought", day + timedelta(days=5), sex="M")
    assert ingest_payloads(engine, [gp], source="t", submitted_by="t").accepted == 1
    with engine.connect() as conn:
        (item,) = list_items(conn)
        (alert,) = alerts_repo.list_alerts(conn, rule_id="neglect_signs")
        s1 = repo.head_record(conn, "school", "S-1")
        assert s1 is not None
        person = person_of_subject(conn, s1["id"], 0)
    assert person == alert.person_id
    return {"person_id": person, "alert_id": alert.id, "review_item_id": item["id"]}


def _tags(html: str) -> int:
    return html.count('class="govuk-tag govuk-tag--orange joinedup-contested"')


def _row_of(html: str, text: str) -> str:
    """The table row (or card) containing ``text``."""
    rows = [r for r in re.split(r'<tr class="govuk-table__row">|<div class="govuk-summary-card">', html) if text in r]
    assert rows, f"no row shows {text!r}"
    return rows[0]


SVG = "{http://www.w3.org/2000/svg}"


def _swimlane(page_html: str) -> ElementTree.Element:
    """The child page's swimlane picture, parsed (it must be well-formed XML to embed)."""
    found = re.search(r"<svg.*?</svg>", page_html, re.S)
    assert found is not None, "the child page has no swimlane"
    assert "style=" not in found.group(0)  # the CSP allows no inline style: classes only
    return ElementTree.fromstring(found.group(0))


def _marks(svg: ElementTree.Element) -> dict[str, dict[str, Any]]:
    """Each event mark (contact circle, concern diamond, alert line) by its title, with its
    classes and its x; the contested rings are not marks and are returned under ``rings``."""
    marks: dict[str, dict[str, Any]] = {}
    for element in svg.iter():
        title = element.find(f"{SVG}title")
        if title is None or element.tag == f"{SVG}svg":
            continue
        classes = set((element.get("class") or "").split())
        if element.tag == f"{SVG}polygon":
            x = float((element.get("points") or "").split(",")[0])
        else:
            x = float(element.get("cx") or element.get("x1") or "nan")
        entry = {"classes": classes, "x": x, "title": title.text or ""}
        if "contested-ring" in classes:
            marks.setdefault("rings", {"all": []})["all"].append(entry)
        else:
            marks[title.text or ""] = entry
    return marks


def _raise_on_the_page(client: TestClient, query: str, reason: str, kind: str, family: bool = False) -> int:
    form = client.get(f"/contests/new?{query}")
    assert form.status_code == 200, form.text
    posted = client.post(
        "/contests/new",
        data={
            "csrf_token": client.csrf,  # type: ignore[attr-defined]
            **dict(pair.split("=") for pair in query.split("&")),
            "kind": kind,
            "reason": reason,
            "on_behalf_of": "family" if family else "professional",
        },
    )
    assert posted.status_code == 303, posted.text
    found = re.fullmatch(r"/contests/(\d+)\?done=raised", posted.headers["location"])
    assert found, posted.headers["location"]
    return int(found.group(1))


def test_a_contested_link_shows_as_contested_on_every_page_and_api_that_shows_it(
    app_for: Callable[..., TestClient],
    make_user: Callable[..., Any],
    amelia: dict[str, Any],
    page: Any,
    engine: Engine,
    db_url: str,
) -> None:
    mash = app_for(make_user("mash.one", "front_door", **SERVICES))
    manager = app_for(make_user("m.khan", "manager", **SERVICES))
    item = amelia["review_item_id"]

    # nothing is contested yet: the pages carry no mark
    assert _tags(mash.get("/linkage-review").text) == 0
    assert _tags(mash.get(f"/linkage-review/{item}").text) == 0

    # the front door contests the GP record's link from the review case page, for the family
    case = mash.get(f"/linkage-review/{item}")
    assert "/contests/new?agency=gp&amp;source_record_id=G-1&amp;subject_index=0" in case.text
    cid = _raise_on_the_page(mash, "agency=gp&source_record_id=G-1&subject_index=0", "Not Amelia: a boy", "link", True)
    shown = mash.get(f"/contests/{cid}")
    page(shown.text)
    assert "gp/G-1#0" in shown.text and "Not Amelia: a boy" in shown.text and "for the family" in shown.text
    assert "Record decision" not in shown.text  # the front door does not decide

    # the review queue, the case page and the review API all mark it
    queue = mash.get("/linkage-review")
    page(queue.text)
    assert _tags(_row_of(queue.text, f"Review case {item}")) == 1
    case = mash.get(f"/linkage-review/{item}")
    page(case.text)
    assert _tags(case.text) == 1 and f'data-contest-ids="{cid}"' in case.text
    listed = mash.get("/api/v1/identity/review").json()
    assert [(i["id"], i["contested"], i["contest_ids"]) for i in listed] == [(item, True, [cid])]
    detail = mash.get(f"/api/v1/identity/review/{item}").json()
    assert detail["contested"] is True and detail["subject"]["contested"] is True
    assert {r["source_record_id"]: r["contested"] for r in detail["candidate_records"]} == {"S-1": False, "S-2": False}

    # someone accepts the case anyway (the wrong merge): the link now shows on Amelia's page
    accepted = mash.post(
        f"/linkage-review/{item}/decision",
        data={"csrf_token": mash.csrf, "outcome": "accept", "note": "Sex mistyped."},  # type: ignore[attr-defined]
    )
    assert accepted.status_code == 303
    person = amelia["person_id"]
    child = mash.get(f"/children/{person}")
    page(child.text)
    assert _tags(_row_of(child.text, "Elm Surgery")) >= 1  # the identity panel row of the GP's spelling
    table = child.text.split("oldest first</caption>")[1]
    chronology_rows = [r for r in table.split('<tr class="govuk-table__row">') if "/alerts/" not in r]
    gp_row = next(r for r in chronology_rows if "Missed appointment was not brought" in r)
    school_row = next(r for r in chronology_rows if "Hunger food seeking" in r)
    assert _tags(gp_row) == 1 and _tags(school_row) == 0
    api = mash.get(f"/api/v1/children/{person}/chronology").json()
    marks = {e["provenance"]["source_record_id"]: e["contested"] for e in api["entries"] if e["kind"] == "record"}
    assert marks == {"S-1": False, "S-2": False, "G-1": True}
    assert all(set(e) >= {"contested", "contest_ids"} for e in api["entries"])
    exported = CliRunner().invoke(cli, ["link", "export", "--format", "jsonl", "--db", db_url])
    rows = [orjson.loads(line) for line in exported.stdout.splitlines() if line.strip()]
    assert {r["source_record_id"]: r["contested"] for r in rows} == {"S-1": False, "S-2": False, "G-1": True}

    # the manager upholds it on the contest page: the merge is undone, the marks go
    decision_page = manager.get(f"/contests/{cid}")
    page(decision_page.text)
    assert "Record decision" in decision_page.text
    with engine.connect() as conn:
        merge_id = re.search(r'name="unmerge"[^>]*value="(\d+)"', decision_page.text)
        assert merge_id, "the one merge that moved the link should be offered"
    decided = manager.post(
        f"/contests/{cid}/decision",
        data={
            "csrf_token": manager.csrf,  # type: ignore[attr-defined]
            "outcome": "upheld",
            "reason": "A different child: the GP holds a boy",
            "unmerge": merge_id.group(1),
        },
    )
    assert decided.status_code == 303, decided.text
    after = manager.get(f"/contests/{cid}")
    assert "Merge " + merge_id.group(1) + " undone" in after.text
    entries = mash.get(f"/api/v1/children/{person}/chronology").json()["entries"]
    assert {e["provenance"]["source_record_id"] for e in entries if e["kind"] == "record"} == {"S-1", "S-2"}
    assert not any(e["contested"] for e in entries)
    assert _tags(mash.get(f"/children/{person}").text) == 0
    with engine.connect() as conn:
        g1 = repo.head_record(conn, "gp", "G-1")
        assert g1 is not None
        boy = current_person(conn, person_of_subject(conn, g1["id"], 0) or 0)
        actions = [e["action"] for e in audit_repo.entries_by_action(conn, "contest.decide")]
    assert boy != person and actions == ["contest.decide"]
    his = manager.get(f"/api/v1/children/{boy}/chronology").json()["entries"]
    assert [e["provenance"]["source_record_id"] for e in his if e["kind"] == "record"] == ["G-1"]


def test_a_contested_alert_and_its_evidence_are_marked_on_the_alert_pages_and_apis(
    app_for: Callable[..., TestClient],
    make_user: Callable[..., Any],
    amelia: dict[str, Any],
    page: Any,
) -> None:
    social_worker = app_for(make_user("sw.one", "social_worker", **SERVICES))
    alert_id, person = amelia["alert_id"], amelia["person_id"]
    alert_page = social_worker.get(f"/alerts/{alert_id}")
    assert _tags(alert_page.text) == 0
    assert f"/contests/new?alert_id={alert_id}" in alert_page.text

    on_alert = social_worker.post(
        "/api/v1/contests",
        json={"item_kind": "alert", "alert_id": alert_id, "reason": "She was fed at breakfast club"},
        headers={"X-CSRF-Token": social_worker.csrf},  # type: ignore[attr-defined]
    )
    assert on_alert.status_code == 201, on_alert.text
    on_record = social_worker.post(
        "/api/v1/contests",
        json={"item_kind": "record", "agency": "school", "source_record_id": "S-2", "reason": "Weighed wrongly"},
        headers={"X-CSRF-Token": social_worker.csrf},  # type: ignore[attr-defined]
    )
    assert on_record.status_code == 201, on_record.text
    alert_cid, record_cid = on_alert.json()["id"], on_record.json()["id"]
    assert on_alert.json()["status"] == "open" and on_alert.json()["person_id"] == person

    # the alert page: the alert and the evidence card of S-2, not S-1
    shown = social_worker.get(f"/alerts/{alert_id}")
    page(shown.text)
    assert f'data-contest-ids="{alert_cid}"' in shown.text
    assert _tags(_row_of(shown.text, ">S-2<")) == 1 and _tags(_row_of(shown.text, ">S-1<")) == 0
    # the inbox and the child page's alerts list
    inbox = social_worker.get("/alerts")
    page(inbox.text)
    assert _tags(_row_of(inbox.text, f"(alert {alert_id})")) == 1
    child = social_worker.get(f"/children/{person}")
    page(child.text)
    assert f'data-contest-ids="{alert_cid}"' in child.text and f'data-contest-ids="{record_cid}"' in child.text
    # the APIs
    (listed,) = social_worker.get("/api/v1/alerts").json()
    assert listed["contested"] is True and listed["contest_ids"] == [alert_cid]
    assert {e["source_record_id"]: e["contested"] for e in listed["evidence"]} == {"S-1": False, "S-2": True}
    assert social_worker.get(f"/api/v1/alerts/{alert_id}").json()["contest_ids"] == [alert_cid]
    entries = social_worker.get(f"/api/v1/children/{person}/chronology").json()["entries"]
    assert [e["contest_ids"] for e in entries if e["kind"] == "alert"] == [[alert_cid]]
    listing = social_worker.get("/api/v1/contests?status=open").json()
    assert [c["id"] for c in listing] == [alert_cid, record_cid]


def test_only_the_deciding_role_decides_and_people_without_a_view_cannot_contest(
    app_for: Callable[..., TestClient],
    make_user: Callable[..., Any],
    amelia: dict[str, Any],
    engine: Engine,
) -> None:
    social_worker = app_for(make_user("sw.one", "social_worker", **SERVICES))
    manager = app_for(make_user("m.khan", "manager", **SERVICES))
    elsewhere = app_for(
        make_user(
            "sw.far",
            "social_worker",
            organisation="Southport Children's Services",
            agency="childrens_social_care",
            local_authority="Southport",
        )
    )
    auditor = app_for(make_user("a.udit", "auditor", **SERVICES))
    body = {"item_kind": "alert", "alert_id": amelia["alert_id"], "reason": "Wrong child"}

    def post(client: TestClient, path: str, json: dict[str, Any]) -> Any:
        return client.post(path, json=json, headers={"X-CSRF-Token": client.csrf})  # type: ignore[attr-defined]

    assert post(elsewhere, "/api/v1/contests", body).status_code == 403  # not her child's authority
    assert post(auditor, "/api/v1/contests", body).status_code == 403
    assert post(social_worker, "/api/v1/contests", {**body, "alert_id": 99999}).status_code == 404
    assert post(social_worker, "/api/v1/contests", {**body, "reason": ""}).status_code == 422
    cid = post(social_worker, "/api/v1/contests", body).json()["id"]
    assert elsewhere.get(f"/api/v1/contests/{cid}").status_code == 403
    assert elsewhere.get("/api/v1/contests").json() == []

    decision = {"outcome": "rejected", "reason": "The evidence is hers"}
    refused = post(social_worker, f"/api/v1/contests/{cid}/decision", decision)
    assert refused.status_code == 403 and "manager" in refused.json()["detail"]
    assert (
        social_worker.post(
            f"/contests/{cid}/decision",
            data={"csrf_token": social_worker.csrf, **decision},  # type: ignore[attr-defined]
        ).status_code
        == 403
    )
    wrong = post(manager, f"/api/v1/contests/{cid}/decision", {**decision, "unmerge": 1})
    assert wrong.status_code == 422 and "corrects nothing" in wrong.json()["detail"]
    done = post(manager, f"/api/v1/contests/{cid}/decision", decision)
    assert done.status_code == 200 and done.json()["status"] == "rejected" and done.json()["decided_by"] == "m.khan"
    assert post(manager, f"/api/v1/contests/{cid}/decision", decision).status_code == 409
    # a read-only token of someone who may see her cannot raise one: acting needs the decide scope
    from joinedup.access.tokens import issue_token

    with engine.begin() as conn:
        _id, token = issue_token(conn, "sw.one", scope="read")
    headers = {"Authorization": f"Bearer {token}"}
    assert app_for(None).post("/api/v1/contests", json=body, headers=headers).status_code == 403


def test_the_contest_form_says_what_is_missing_and_the_list_shows_each_contest(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], amelia: dict[str, Any], page: Any
) -> None:
    social_worker = app_for(make_user("sw.one", "social_worker", **SERVICES))
    person = amelia["person_id"]
    query = f"agency=school&source_record_id=S-1&person={person}&back=/children/{person}"
    form = social_worker.get(f"/contests/new?{query}")
    page(form.text)
    assert 'name="subject_index" value="0"' in form.text  # the child is the record's first subject
    assert 'value="link"' in form.text and 'value="record"' in form.text
    assert social_worker.get("/contests/new?agency=school&source_record_id=S-9").status_code == 404
    empty = social_worker.post(
        "/contests/new",
        data={
            "csrf_token": social_worker.csrf,  # type: ignore[attr-defined]
            "agency": "school",
            "source_record_id": "S-1",
            "subject_index": "0",
            "kind": "link",
            "reason": "",
            "on_behalf_of": "professional",
        },
    )
    assert empty.status_code == 400
    page(empty.text)
    assert "There is a problem" in empty.text and "Enter what is wrong, and what is right" in empty.text
    forged = social_worker.post("/contests/new", data={"csrf_token": "wrong", "kind": "alert", "alert_id": "1"})
    assert forged.status_code == 403
    cid = _raise_on_the_page(
        social_worker, "agency=school&source_record_id=S-1&subject_index=0", "Wrong school", "record"
    )
    listing = social_worker.get("/contests")
    page(listing.text)
    assert f'href="/contests/{cid}"' in listing.text and "school/S-1" in listing.text
    assert f'href="/contests/{cid}"' not in social_worker.get("/contests?status=upheld").text


def test_the_swimlane_rings_exactly_the_contested_events_and_says_so_in_words(
    app_for: Callable[..., TestClient],
    make_user: Callable[..., Any],
    amelia: dict[str, Any],
    page: Any,
) -> None:
    """The picture beside the chronology table marks what the table marks: a contested event
    is ringed (a shape, not a colour) and its title says "Contested" and which contest; no
    other event is; the legend and the picture's name say how many; deciding removes it."""
    social_worker = app_for(make_user("sw.one", "social_worker", **SERVICES))
    manager = app_for(make_user("m.khan", "manager", **SERVICES))
    person, alert_id = amelia["person_id"], amelia["alert_id"]
    day = date.today() - timedelta(days=10)
    s1 = f"{day.isoformat()}: Hunger food seeking"
    s2 = f"{(day + timedelta(days=3)).isoformat()}: Weight faltering"

    before = social_worker.get(f"/children/{person}").text
    marks = _marks(_swimlane(before))
    assert "rings" not in marks and not any("contested" in m["classes"] for m in marks.values())
    assert {s1, s2} <= set(marks) and "contested" not in before.split("<figcaption")[1].split("</figcaption>")[0]

    # raised from the chronology table's own "Contest" link on the weight-faltering row
    table = before.split("oldest first</caption>")[1]
    row = next(r for r in table.split('<tr class="govuk-table__row">') if "Weight faltering" in r)
    link = re.search(r'href="(/contests/new\?[^"]*)"', row)
    assert link and "source_record_id=S-2" in html.unescape(link.group(1))
    cid = _raise_on_the_page(
        social_worker, "agency=school&source_record_id=S-2&subject_index=0", "Weighed in coat", "record"
    )

    shown = social_worker.get(f"/children/{person}")
    page(shown.text)
    svg = _swimlane(shown.text)
    marks = _marks(svg)
    (ring,) = marks.pop("rings")["all"]
    contested = {title: m for title, m in marks.items() if "contested" in m["classes"]}
    ringed = f"{s2}. Contested (contest {cid})"
    assert list(contested) == [ringed]  # exactly that event, in words
    assert ring["x"] == contested[ringed]["x"] and ring["title"] == ringed
    assert s1 in marks and "contested" not in marks[s1]["classes"]  # the same lane's other concern is not
    assert not any("Contested" in title for title in marks if not title.startswith(s2))
    name = svg.find(f"{SVG}title")
    assert name is not None and (name.text or "").endswith(", 1 contested")
    legend = shown.text.split("<figcaption")[1].split("</figcaption>")[0]
    assert "Marks in a dashed ring" in legend and "contested (1)" in legend
    # the table beside it agrees: one Contested tag in the chronology, on the same row
    rows = shown.text.split("oldest first</caption>")[1].split('<tr class="govuk-table__row">')
    assert [r for r in rows if _tags(r)] == [next(r for r in rows if "Weight faltering" in r)]
    css = social_worker.get("/static/joinedup.css").text
    assert ".joinedup-timeline .contested-ring" in css and ".joinedup-timeline .alert.contested" in css

    # the alert contested too: its line changes pattern and gets a ring on top
    on_alert = social_worker.post(
        "/api/v1/contests",
        json={"item_kind": "alert", "alert_id": alert_id, "reason": "Fed at breakfast club"},
        headers={"X-CSRF-Token": social_worker.csrf},  # type: ignore[attr-defined]
    )
    assert on_alert.status_code == 201, on_alert.text
    alert_cid = on_alert.json()["id"]
    marks = _marks(_swimlane(social_worker.get(f"/children/{person}").text))
    rings = marks.pop("rings")["all"]
    lines = {t: m for t, m in marks.items() if "alert" in m["classes"]}
    (alert_title,) = lines
    assert "contested" in lines[alert_title]["classes"] and alert_title.endswith(f"Contested (contest {alert_cid})")
    assert sorted(r["x"] for r in rings) == sorted([lines[alert_title]["x"], ring["x"]])

    # rejected: the record's ring goes, the alert's stays
    decided = manager.post(
        f"/api/v1/contests/{cid}/decision",
        json={"outcome": "rejected", "reason": "The weight is right"},
        headers={"X-CSRF-Token": manager.csrf},  # type: ignore[attr-defined]
    )
    assert decided.status_code == 200, decided.text
    marks = _marks(_swimlane(social_worker.get(f"/children/{person}").text))
    assert [r["x"] for r in marks.pop("rings")["all"]] == [lines[alert_title]["x"]]
    assert [t for t, m in marks.items() if "contested" in m["classes"]] == [alert_title]
