"""Schemathesis against the application's own OpenAPI document, signed in with a bearer token:
every operation gets requests generated from its schema (valid ones, then ones that break
it), and none may get a server error. Bounded: ``MAX_EXAMPLES`` requests per operation and
mode, so the run takes well under a minute per backend. The number of requests sent is
printed (``-rP`` shows it) and recorded as a test property.

The token belongs to a front-door worker of the child's local authority, so the generated
requests reach the code behind the access gate, not only its refusals; record submission
gets an ``ingest`` token (a read token is refused before the body is looked at), and the
audit routes an auditor's token.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from sqlalchemy import Engine

from joinedup.access.accounts import add_user, resolve_organisation
from joinedup.access.tokens import issue_token
from joinedup.web.app import create_app

from .conftest import build_world

MAX_EXAMPLES = 5
INGEST_PATH = "/api/v1/records"
AUDIT_PREFIX = "/api/v1/audit/"


def _tokens(engine: Engine) -> dict[str, str]:
    build_world(engine, with_tokens=False, passwords=False)
    with engine.begin() as conn:
        org = resolve_organisation(conn, "Northtown Children's Services")
        add_user(conn, "fuzz.front-door", org, "front_door")
        add_user(conn, "fuzz.school-mis", org, "practitioner")
        add_user(conn, "fuzz.dpo", org, "auditor")
        return {
            "read": issue_token(conn, "fuzz.front-door", "read")[1],
            "ingest": issue_token(conn, "fuzz.school-mis", "ingest")[1],
            "audit": issue_token(conn, "fuzz.dpo", "read")[1],
        }


def _token_for(path: str, tokens: dict[str, str]) -> str:
    if path == INGEST_PATH:
        return tokens["ingest"]
    return tokens["audit" if path.startswith(AUDIT_PREFIX) else "read"]


def _fuzz(operation: Any, token: str, sent: dict[str, int], errors: list[str]) -> None:
    """Send up to ``MAX_EXAMPLES`` valid and as many invalid requests to one operation."""
    label = f"{operation.method.upper()} {operation.path}"
    strategy = st.one_of(
        operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
        operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
    )

    @settings(
        max_examples=MAX_EXAMPLES * 2,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def send(case: Any) -> None:
        try:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
        except Exception as exc:  # the app raised: a server error by another name
            errors.append(f"{label}: {type(exc).__name__}: {exc}")
            return
        sent[label] = sent.get(label, 0) + 1
        if response.status_code >= 500:
            errors.append(f"{label}: {response.status_code} for {case.method} {case.formatted_path}")

    send()


def test_generated_requests_get_no_server_error(engine: Engine, record_property: Any) -> None:
    tokens = _tokens(engine)
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(engine=engine))
    operations = [result.ok() for result in schema.get_all_operations()]
    sent: dict[str, int] = {}
    errors: list[str] = []
    for operation in operations:
        # a fresh app per operation: the rate limit's buckets start full, so the requests
        # reach the routes instead of being turned away with 429
        schema.app = create_app(engine=engine)
        _fuzz(operation, _token_for(operation.path, tokens), sent, errors)
    total = sum(sent.values())
    summary = f"schemathesis: {total} generated requests over {len(operations)} operations, {len(errors)} server errors"
    print(summary)
    for label, count in sorted(sent.items()):
        print(f"  {count:4d}  {label}")
    record_property("schemathesis", summary)
    assert errors == [], "\n".join(errors[:20])
    assert len(operations) >= 20 and total >= len(operations)
