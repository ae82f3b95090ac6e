"""The access matrix: every API route x every role x every relationship to the child, over
HTTP on a real database, each answer checked against the policy and against the audit log.

The routes are enumerated from the application itself (``create_app().routes``), so a route
added later fails ``test_every_api_route_is_in_the_matrix`` until someone says here which
kind of route it is and what each role may do with it: no route can escape the matrix.

Each person is signed in with a real session (cookie + CSRF header, as the pages do) and
calls from their own client address, so the API's rate limit (per address) is the deployed
one. The expected views are written out by hand from the policy (docs/access.md), not
computed by calling the policy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, insert, select

from joinedup.access import sessions
from joinedup.access.views import View
from joinedup.storage.tables_alerts import Alert, AlertEvidence
from joinedup.storage.tables_audit import AuditEntry
from joinedup.storage.tables_identity import MergeEvent, ReviewItem, SubjectLink
from joinedup.storage.tables_records import Record
from joinedup.web.app import create_app

from .conftest import RELATIONSHIPS, ROLES, World, build_world

# The view of the Northtown child that each (role, relationship) gets, by hand from the policy.
FULL_ROLES = ("front_door", "social_worker", "manager")
EXPECTED_VIEW: dict[tuple[str, str], View] = {
    ("practitioner", "involved"): View.FLAG,
    ("practitioner", "not_involved"): View.NONE,
    ("practitioner", "other_la"): View.NONE,
    ("practitioner", "other_la_involved"): View.FLAG,
    **{(r, "involved"): View.FULL for r in FULL_ROLES},
    **{(r, "not_involved"): View.FULL for r in FULL_ROLES},
    **{(r, "other_la"): View.NONE for r in FULL_ROLES},
    **{(r, "other_la_involved"): View.FLAG for r in FULL_ROLES},
    **{(r, rel): View.NONE for r in ("auditor", "admin") for rel in RELATIONSHIPS},
}
BREAK_GLASS_ROLES = ("practitioner", "front_door", "social_worker", "manager")
INGEST_ROLES = ("practitioner", "front_door", "social_worker", "manager")
DENIED = (401, 403)


@dataclass(frozen=True)
class Case:
    role: str
    relationship: str
    user_id: int

    @property
    def view(self) -> View:
        return EXPECTED_VIEW[(self.role, self.relationship)]


@dataclass(frozen=True)
class Ids:
    child: int
    alert: int
    review_item: int
    merge_event: int


@dataclass(frozen=True)
class Route:
    """How to call one route, and what the policy says each case should get.

    ``child`` routes read or act on the child's data: every answer must leave an audit row
    by this user about this child (allowed or refused)."""

    call: Callable[[TestClient, Ids], Any]
    allowed: Callable[[Case], bool]
    child: bool
    ok: tuple[int, ...] = (200,)  # the answers an allowed case may get
    check: Callable[[Case, Any], str | None] = lambda case, response: None


POLICE_NARRATIVE = "Synthetic police intelligence."
POLICE_NARRATIVE_ROLES = ("front_door", "manager")  # restricted: police intelligence


def _view_is(case: Case, response: Any) -> str | None:
    if response.status_code != 200:
        return None
    if response.json().get("view") != case.view.value:
        return f"view {response.json().get('view')!r}, policy says {case.view.value!r}"
    shown = POLICE_NARRATIVE in response.text
    if shown != (case.view is View.FULL and case.role in POLICE_NARRATIVE_ROLES):
        return f"police narrative shown={shown} to {case.role} with a {case.view.value} view"
    return None


def _alert_list(case: Case, response: Any) -> str | None:
    listed = [a for a in response.json() if a["person_id"] is not None]
    shown = bool(listed)
    if shown != (case.view is not View.NONE):
        return f"alert listed={shown}, policy view {case.view.value}"
    if listed and (case.view is View.FLAG) and any(a.get("evidence") for a in listed):
        return "evidence shown with only a flag view"
    return None


def _alert_detail(case: Case, response: Any) -> str | None:
    if response.status_code == 200 and case.view is View.FLAG and response.json().get("evidence"):
        return "evidence shown with only a flag view"
    return None


def _review_list(case: Case, response: Any) -> str | None:
    shown = bool(response.json())
    if shown != (case.view is not View.NONE):
        return f"review item listed={shown}, policy view {case.view.value}"
    return None


def _any(_case: Case) -> bool:
    return True


def _sees(case: Case) -> bool:
    return case.view is not View.NONE


def _full(case: Case) -> bool:
    return case.view is View.FULL


def _auditor(case: Case) -> bool:
    return case.role == "auditor"


# Every API route, keyed (method, path) as the app declares it.
ROUTES: dict[tuple[str, str], Route] = {
    ("POST", "/api/v1/records"): Route(
        lambda c, i: c.post("/api/v1/records", json=[]), lambda case: case.role in INGEST_ROLES, child=False
    ),
    ("GET", "/api/v1/identity/review"): Route(
        lambda c, i: c.get("/api/v1/identity/review"), _any, child=True, check=_review_list
    ),
    ("GET", "/api/v1/identity/review/{item_id}"): Route(
        lambda c, i: c.get(f"/api/v1/identity/review/{i.review_item}"), _full, child=True
    ),
    ("POST", "/api/v1/identity/review/{item_id}/decision"): Route(
        lambda c, i: c.post(f"/api/v1/identity/review/{i.review_item}/decision", json={"outcome": "not_sure"}),
        _full,
        child=True,
    ),
    ("POST", "/api/v1/identity/merges"): Route(
        # from and into the same child: the guard decides, then the merge refuses (409), so
        # an allowed case changes nothing for the cases after it
        lambda c, i: c.post(
            "/api/v1/identity/merges",
            json={"from_person_id": i.child, "into_person_id": i.child, "reason": "matrix test"},
        ),
        _full,
        child=True,
        ok=(409,),
    ),
    ("POST", "/api/v1/identity/merges/{event_id}/undo"): Route(
        lambda c, i: c.post(f"/api/v1/identity/merges/{i.merge_event}/undo", json={"reason": "matrix test"}),
        _full,
        child=True,
        ok=(200, 409),  # the first allowed case undoes it; the next find it undone
    ),
    ("GET", "/api/v1/children/{person_id}/chronology"): Route(
        lambda c, i: c.get(f"/api/v1/children/{i.child}/chronology"), _sees, child=True, check=_view_is
    ),
    ("GET", "/api/v1/children/{person_id}/flags"): Route(
        lambda c, i: c.get(f"/api/v1/children/{i.child}/flags"), _sees, child=True
    ),
    ("GET", "/api/v1/alerts"): Route(
        lambda c, i: c.get("/api/v1/alerts", params={"person_id": i.child}), _any, child=True, check=_alert_list
    ),
    ("GET", "/api/v1/alerts/{alert_id}"): Route(
        lambda c, i: c.get(f"/api/v1/alerts/{i.alert}"), _sees, child=True, check=_alert_detail
    ),
    ("POST", "/api/v1/alerts/{alert_id}/acknowledge"): Route(
        lambda c, i: c.post(f"/api/v1/alerts/{i.alert}/acknowledge"), _full, child=True, ok=(200, 409)
    ),
    ("POST", "/api/v1/alerts/{alert_id}/decision"): Route(
        # not a decision: an allowed case gets 409 and the alert stays as it was
        lambda c, i: c.post(
            f"/api/v1/alerts/{i.alert}/decision", json={"decision": "not-a-decision", "rationale": "x"}
        ),
        _full,
        child=True,
        ok=(409,),
    ),
    ("GET", "/api/v1/rules"): Route(lambda c, i: c.get("/api/v1/rules"), _any, child=False),
    ("POST", "/api/v1/session"): Route(
        # nobody is signed in without the right password, whatever their role
        lambda c, i: c.post("/api/v1/session", json={"username": "nobody.here", "password": "wrong"}),
        lambda case: False,
        child=False,
    ),
    ("GET", "/api/v1/session"): Route(lambda c, i: c.get("/api/v1/session"), _any, child=False),
    ("DELETE", "/api/v1/session"): Route(lambda c, i: c.delete("/api/v1/session"), _any, child=False, ok=(204,)),
    ("GET", "/api/v1/persons/{person_id}/flags"): Route(
        lambda c, i: c.get(f"/api/v1/persons/{i.child}/flags"), _sees, child=True
    ),
    ("POST", "/api/v1/persons/{person_id}/break-glass"): Route(
        # a reason too short to accept: the role check comes first (403), the reason second
        # (422), so an allowed case opens no grant that would change the cases after it
        lambda c, i: c.post(f"/api/v1/persons/{i.child}/break-glass", json={"reason": "urgent"}),
        lambda case: case.role in BREAK_GLASS_ROLES,
        child=True,
        ok=(422,),
    ),
    ("GET", "/api/v1/audit/persons/{person_id}/who-looked"): Route(
        lambda c, i: c.get(f"/api/v1/audit/persons/{i.child}/who-looked"), _auditor, child=True
    ),
    ("GET", "/api/v1/audit/persons/{person_id}/sar"): Route(
        lambda c, i: c.get(f"/api/v1/audit/persons/{i.child}/sar"), _auditor, child=True
    ),
    ("GET", "/api/v1/audit/verify"): Route(lambda c, i: c.get("/api/v1/audit/verify"), _auditor, child=False),
    ("GET", "/api/v1/audit/break-glass"): Route(lambda c, i: c.get("/api/v1/audit/break-glass"), _auditor, child=False),
    ("POST", "/api/v1/audit/break-glass/{grant_id}/review"): Route(
        lambda c, i: c.post("/api/v1/audit/break-glass/999999/review"), _auditor, child=False, ok=(404,)
    ),
    # contests (issue 9): a blank reason passes the guard, then is refused (422), so an allowed
    # case raises nothing; the other three are asked about a contest that does not exist
    ("POST", "/api/v1/contests"): Route(
        lambda c, i: c.post("/api/v1/contests", json={"item_kind": "alert", "alert_id": i.alert, "reason": " "}),
        _sees,
        child=True,
        ok=(422,),
    ),
    ("GET", "/api/v1/contests"): Route(
        lambda c, i: c.get("/api/v1/contests"), lambda case: case.role in INGEST_ROLES, child=False
    ),
    ("GET", "/api/v1/contests/{contest_id}"): Route(
        lambda c, i: c.get("/api/v1/contests/999999"), lambda case: case.role in INGEST_ROLES, child=False, ok=(404,)
    ),
    ("POST", "/api/v1/contests/{contest_id}/decision"): Route(
        lambda c, i: c.post("/api/v1/contests/999999/decision", json={"outcome": "rejected", "reason": "matrix"}),
        lambda case: case.role == "manager",
        child=False,
        ok=(404,),
    ),
}
# Refusals on these routes are about the audit log or break-glass, not a child's records,
# but each is still audited; the matrix checks that too.
AUDITED_REFUSALS = {
    ("GET", "/api/v1/audit/verify"),
    ("GET", "/api/v1/audit/break-glass"),
    ("POST", "/api/v1/audit/break-glass/{grant_id}/review"),
}


def api_routes() -> set[tuple[str, str]]:
    """Every (method, path) the application serves under /api/ or publishes in OpenAPI."""
    app = create_app(db_url="sqlite://")
    found = set()
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        methods = route.methods or set()
        in_schema = bool(getattr(route, "include_in_schema", False)) and path not in ("/openapi.json",)
        if path.startswith("/api/") or (in_schema and methods - {"HEAD"}):
            found |= {(m, path) for m in methods if m != "HEAD"}
    return found


def test_every_api_route_is_in_the_matrix() -> None:
    served = api_routes()
    assert served - ROUTES.keys() == set(), "new API routes: say in ROUTES what each role may do with them"
    assert ROUTES.keys() - served == set(), "routes in the matrix that the app no longer serves"


def _fixtures(engine: Engine, world: World) -> Ids:
    """An alert, an identity review item and a merge event about the child."""
    now = datetime.now(UTC)
    with engine.begin() as conn:
        school = conn.execute(select(Record.id).where(Record.source_record_id == "S-1")).scalar_one()
        subject = conn.execute(
            select(SubjectLink.record_subject_id).where(SubjectLink.record_id == school)
        ).scalar_one()
        alert = conn.execute(
            insert(Alert)
            .values(
                person_id=world.child_id,
                rule_id="matrix_test_rule",
                severity="high",
                status="open",
                open_key=f"matrix:{world.child_id}",
                first_fired_at=date(2025, 3, 1),
                trigger_record_id=school,
                raised_at=now,
                due_at=date(2025, 3, 2),
                local_authority="Northtown",
                local_authority_source="record",
                updated_at=now,
            )
            .returning(Alert.id)
        ).scalar_one()
        conn.execute(
            insert(AlertEvidence).values(
                alert_id=alert,
                record_id=school,
                agency="school",
                source_record_id="S-1",
                occurred_at="2025-01-10",
                occurred_on=date(2025, 1, 10),
                event_type="attendance_concern",
                about_person_id=world.child_id,
                added_at=now,
            )
        )
        item = conn.execute(
            insert(ReviewItem)
            .values(
                record_subject_id=subject,
                provisional_person_id=world.child_id,
                candidate_person_id=world.child_id,
                match_probability=0.5,
                match_weight=0.0,
                comparison={},
                reason="matrix test",
                status="open",
                created_at=now,
            )
            .returning(ReviewItem.id)
        ).scalar_one()
        merge_event = conn.execute(
            insert(MergeEvent)
            .values(
                action="merge",
                from_person_id=world.child_id,
                into_person_id=world.child_id,
                moved=[],
                actor="matrix test",
                created_at=now,
            )
            .returning(MergeEvent.id)
        ).scalar_one()
    return Ids(child=world.child_id, alert=alert, review_item=item, merge_event=merge_event)


def _signed_in_client(app: Any, engine: Engine, user_id: int, address: str) -> TestClient:
    with engine.begin() as conn:
        token, session = sessions.create_session(conn, user_id)
    client = TestClient(app, client=(address, 50000), raise_server_exceptions=False)
    client.cookies.set(sessions.COOKIE_NAME, token)
    client.headers[sessions.CSRF_HEADER] = session.csrf_token
    return client


def _new_audit_rows(engine: Engine, after_seq: int, user_id: int) -> list[Any]:
    with engine.connect() as conn:
        return list(
            conn.execute(
                select(AuditEntry)
                .where(AuditEntry.seq > after_seq, AuditEntry.user_id == user_id)
                .order_by(AuditEntry.seq)
            )
        )


def _head_seq(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(AuditEntry.seq), 0))).scalar_one())


def test_every_route_role_and_relationship_as_the_policy_says(engine: Engine, record_property: Any) -> None:
    world = build_world(engine, with_tokens=False, passwords=False)
    ids = _fixtures(engine, world)
    app = create_app(engine=engine)
    wrong: list[str] = []
    cases = child_reads = audited_reads = refusals = audited_refusals = 0
    # DELETE /session ends the session, so it goes last for each person.
    order = sorted(ROUTES, key=lambda key: key == ("DELETE", "/api/v1/session"))
    for n, (role, relationship) in enumerate((r, rel) for r in ROLES for rel in RELATIONSHIPS):
        case = Case(role, relationship, world.users[(role, relationship)])
        client = _signed_in_client(app, engine, case.user_id, f"10.0.{n // 200}.{n % 200 + 1}")
        for key in order:
            route = ROUTES[key]
            cases += 1
            where = f"{key[0]} {key[1]} as {role}/{relationship}"
            before = _head_seq(engine)
            response = route.call(client, ids)
            status = response.status_code
            if status >= 500:
                wrong.append(f"{where}: server error {status}")
                continue
            allowed = route.allowed(case)
            if allowed and status not in route.ok:
                wrong.append(f"{where}: answered {status}, expected one of {route.ok} (the policy allows it)")
            elif not allowed and status not in DENIED:
                wrong.append(f"{where}: answered {status} but the policy refuses it")
            problem = route.check(case, response)
            if problem:
                wrong.append(f"{where}: {problem}")
            rows = _new_audit_rows(engine, before, case.user_id)
            about = [r for r in rows if r.person_id == ids.child]
            if route.child and status not in DENIED:
                child_reads += 1
                if about:
                    audited_reads += 1
                else:
                    wrong.append(f"{where}: answered {status} with no audit row about the child")
            if status == 403 and (route.child or key in AUDITED_REFUSALS):
                refusals += 1
                # the row's outcome is the view the policy gave (a flag view is not enough
                # for an action that needs the full one); what matters is that it is there
                if about if route.child else rows:
                    audited_refusals += 1
                else:
                    wrong.append(f"{where}: refused without an audit row")
    summary = (
        f"access matrix: {cases} cases ({len(ROUTES)} routes x {len(ROLES)} roles x {len(RELATIONSHIPS)} "
        f"relationships); {child_reads} answered reads of the child, {audited_reads} audited; "
        f"{refusals} refusals, {audited_refusals} audited; {len(wrong)} disagreements with the policy"
    )
    print(summary)
    record_property("access_matrix", summary)
    assert cases == len(ROUTES) * len(ROLES) * len(RELATIONSHIPS)
    assert wrong == [], "\n".join(wrong[:40])
    assert child_reads == audited_reads and refusals == audited_refusals
    assert child_reads > 0 and refusals > 0


@pytest.mark.parametrize("credentials", ["none", "garbage bearer", "unknown token"])
def test_without_valid_credentials_no_route_reads_a_child(engine: Engine, credentials: str) -> None:
    world = build_world(engine, with_tokens=False, passwords=False)
    ids = _fixtures(engine, world)
    headers = {"none": {}, "garbage bearer": {"Authorization": "Basic abc"}, "unknown token": {}}[credentials]
    if credentials == "unknown token":
        headers = {"Authorization": "Bearer ju_" + "x" * 43}
    client = TestClient(create_app(engine=engine), headers=headers, raise_server_exceptions=False)
    open_routes = {("GET", "/api/v1/rules"), ("POST", "/api/v1/session")}
    for key, route in ROUTES.items():
        status = route.call(client, ids).status_code
        if key in open_routes:
            assert status < 500, key
        else:
            assert status == 401, f"{key}: {status} without valid credentials"
