"""``POST /api/v1/records``: one record or a batch; the answer comes only after storage."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from joinedup.storage.tables_records import Record
from joinedup.web.app import create_app
from support.records import record


def _client(engine: Engine) -> TestClient:
    return TestClient(create_app(engine=engine))


def test_one_record_is_stored_before_the_answer(engine: Engine) -> None:
    response = _client(engine).post("/api/v1/records", json=record("A-1"))
    assert response.status_code == 200
    assert response.json()["accepted"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Record)).scalar_one() == 1


def test_a_batch_with_one_bad_item_stores_the_rest(engine: Engine) -> None:
    response = _client(engine).post("/api/v1/records", json=[record("A-1"), {"agency": "school"}, record("A-2")])
    assert response.status_code == 207
    body = response.json()
    assert body["accepted"] == 2
    assert body["rejected"][0]["line"] == 2


def test_everything_refused_is_422(engine: Engine) -> None:
    response = _client(engine).post("/api/v1/records", json=[{"agency": "nobody"}])
    assert response.status_code == 422


def test_openapi_publishes_the_record_schema(engine: Engine) -> None:
    schema = _client(engine).get("/openapi.json").json()
    assert "AgencyRecord" in schema["components"]["schemas"]
    assert "event_type" in schema["components"]["schemas"]["AgencyRecord"]["properties"]
