"""The identity API: review queue and merges over HTTP, on a real database."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

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


def test_review_list_show_decide_and_undo_over_http(engine: Engine, make_record: Any) -> None:
    ingest_payloads(engine, [make_record("school", "S-1", AMELIA)], source="t", submitted_by="t")
    ingest_payloads(engine, [make_record("gp", "G-1", {**AMELIA, "sex": "M"})], source="t", submitted_by="t")
    client = TestClient(create_app(engine=engine))
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
