"""The identity API: review queue and merges over HTTP, on a real database, as a signed-in
agency system (a bearer token of a front-door user of the child's local authority)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from joinedup.access.accounts import add_user, resolve_organisation
from joinedup.access.tokens import issue_token
from joinedup.ingest import ingest_payloads
from joinedup.web.app import create_app

AMELIA = {
    "role": "child",
    "given_name": "Amelia",
    "family_name": "Brook",
    "date_of_birth": "2016-04-09",
    "sex": "F",
    "address": {"line1": "12 Mill Lane", "postcode": "NT1 4AB"},
}


def _token(engine: Engine, username: str, role: str, local_authority: str, scope: str = "decide") -> dict[str, str]:
    """Authorization header for a new user of a new organisation in ``local_authority``."""
    with engine.begin() as conn:
        org = resolve_organisation(conn, f"{local_authority} Front Door", "childrens_social_care", local_authority)
        add_user(conn, username, org, role)
        token = issue_token(conn, username, scope)[1]
    return {"Authorization": f"Bearer {token}"}


def _in_area(record: dict[str, Any]) -> dict[str, Any]:
    return {**record, "local_authority": "Northtown"}


def test_review_list_show_decide_and_undo_over_http(engine: Engine, make_record: Any) -> None:
    ingest_payloads(engine, [_in_area(make_record("school", "S-1", AMELIA))], source="t", submitted_by="t")
    ingest_payloads(engine, [_in_area(make_record("gp", "G-1", {**AMELIA, "sex": "M"}))], source="t", submitted_by="t")
    auth = _token(engine, "front.door", "front_door", "Northtown")
    client = TestClient(create_app(engine=engine), headers=auth)
    items = client.get("/api/v1/identity/review").json()
    assert len(items) == 1
    item_id = items[0]["id"]
    shown = client.get(f"/api/v1/identity/review/{item_id}").json()
    assert "sex" in shown["comparison"]
    assert client.get("/api/v1/identity/review/99999").status_code == 404
    assert client.post(f"/api/v1/identity/review/{item_id}/decision", json={"outcome": "maybe"}).status_code == 422
    decided = client.post(f"/api/v1/identity/review/{item_id}/decision", json={"outcome": "accept"}).json()
    again = client.post(f"/api/v1/identity/review/{item_id}/decision", json={"outcome": "reject"})
    assert again.status_code == 409
    undo = client.post(f"/api/v1/identity/merges/{decided['merge_event_id']}/undo", json={"reason": "mistake"})
    assert undo.status_code == 200
    assert (
        client.post(f"/api/v1/identity/merges/{decided['merge_event_id']}/undo", json={"reason": "again"}).status_code
        == 409
    )


def test_review_queue_refuses_the_anonymous_and_other_areas(engine: Engine, make_record: Any) -> None:
    ingest_payloads(engine, [_in_area(make_record("school", "S-1", AMELIA))], source="t", submitted_by="t")
    ingest_payloads(engine, [_in_area(make_record("gp", "G-1", {**AMELIA, "sex": "M"}))], source="t", submitted_by="t")
    anonymous = TestClient(create_app(engine=engine))
    assert anonymous.get("/api/v1/identity/review").status_code == 401
    assert anonymous.post("/api/v1/identity/review/1/decision", json={"outcome": "accept"}).status_code == 401
    elsewhere = TestClient(create_app(engine=engine), headers=_token(engine, "far.away", "front_door", "Southville"))
    assert elsewhere.get("/api/v1/identity/review").json() == []
    item_id = (
        TestClient(create_app(engine=engine), headers=_token(engine, "near", "front_door", "Northtown"))
        .get("/api/v1/identity/review")
        .json()[0]["id"]
    )
    assert elsewhere.get(f"/api/v1/identity/review/{item_id}").status_code == 403
    assert elsewhere.post(f"/api/v1/identity/review/{item_id}/decision", json={"outcome": "accept"}).status_code == 403


def test_a_read_only_token_sees_the_queue_but_cannot_decide(engine: Engine, make_record: Any) -> None:
    ingest_payloads(engine, [_in_area(make_record("school", "S-1", AMELIA))], source="t", submitted_by="t")
    ingest_payloads(engine, [_in_area(make_record("gp", "G-1", {**AMELIA, "sex": "M"}))], source="t", submitted_by="t")
    reader = TestClient(
        create_app(engine=engine), headers=_token(engine, "reader", "front_door", "Northtown", scope="read")
    )
    items = reader.get("/api/v1/identity/review").json()
    assert len(items) == 1
    assert (
        reader.post(f"/api/v1/identity/review/{items[0]['id']}/decision", json={"outcome": "accept"}).status_code == 403
    )
    # the refused attempt left the queue as it was
    assert len(reader.get("/api/v1/identity/review").json()) == 1
