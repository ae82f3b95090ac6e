"""``POST /api/v1/records``: one record or a batch; the answer comes only after storage."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from joinedup.access.accounts import add_user, resolve_organisation
from joinedup.access.tokens import issue_token
from joinedup.storage.tables_records import Record
from joinedup.web.app import create_app
from support.records import record


def _token(engine: Engine, scope: str = "ingest") -> str:
    """A real agency-system token, made the way `joinedup tokens create` makes one."""
    with engine.begin() as conn:
        org = resolve_organisation(conn, "Mill Lane Primary", "school", "Northtown")
        add_user(conn, f"mis-{scope}", org, "practitioner")
        _id, token = issue_token(conn, f"mis-{scope}", scope=scope)
    return token


def _client(engine: Engine, scope: str = "ingest") -> TestClient:
    client = TestClient(create_app(engine=engine))
    client.headers["Authorization"] = f"Bearer {_token(engine, scope)}"
    return client


def test_without_a_token_nothing_is_stored(engine: Engine) -> None:
    response = TestClient(create_app(engine=engine)).post("/api/v1/records", json=record("A-1"))
    assert response.status_code == 401
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Record)).scalar_one() == 0


def test_a_read_only_token_may_not_submit(engine: Engine) -> None:
    response = _client(engine, scope="read").post("/api/v1/records", json=record("A-1"))
    assert response.status_code == 403
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Record)).scalar_one() == 0


def test_one_record_is_stored_before_the_answer(engine: Engine) -> None:
    response = _client(engine).post("/api/v1/records", json=record("A-1"))
    assert response.status_code == 200
    assert response.json()["accepted"] == 1
    with engine.connect() as conn:
        submitted_by = conn.execute(select(Record.submitted_by)).scalars().all()
    assert submitted_by == ["api:mis-ingest"]  # provenance names the submitting client


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
