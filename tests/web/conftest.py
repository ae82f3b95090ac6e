"""Page tests: a real app on a real database (SQLite and PostgreSQL), real users, and a check
every fetched page must pass (well-formed HTML, one h1 that matches the title, GOV.UK classes).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from joinedup.access import sessions
from joinedup.access.accounts import actor_for_user, add_user, resolve_organisation
from joinedup.access.actor import Actor
from joinedup.web.app import create_app
from joinedup.web.deps import get_actor

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class PageShape(HTMLParser):
    """Collects what the page check needs: unbalanced tags, the title, the h1s, the classes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.classes: set[str] = set()
        self.ids: list[str] = []
        self.title = ""
        self.h1s: list[str] = []
        self._in: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "class" and value:
                self.classes.update(value.split())
            if name == "id" and value:
                self.ids.append(value)
        if tag in VOID:
            return
        self.stack.append(tag)
        if tag in ("title", "h1"):
            self._in.append(tag)
            if tag == "h1":
                self.h1s.append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "class" and value:
                self.classes.update(value.split())

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}>")
            if tag in self.stack:
                while self.stack and self.stack.pop() != tag:
                    pass
            return
        self.stack.pop()
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if "title" in self._in:
            self.title += data
        if "h1" in self._in:
            self.h1s[-1] += data


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def check_page(html: str) -> PageShape:
    """The conventions every page keeps (as GOV.UK Notify's client_request checks)."""
    shape = PageShape()
    shape.feed(html)
    shape.close()
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert not shape.problems, shape.problems[:5]
    assert not shape.stack, f"unclosed tags: {shape.stack}"
    assert len(shape.h1s) == 1, f"expected exactly one h1, found {len(shape.h1s)}: {shape.h1s}"
    h1 = squash(shape.h1s[0])
    assert h1 and h1 in squash(shape.title), f"h1 {h1!r} is not in the title {shape.title!r}"
    assert {"govuk-template", "govuk-template__body", "govuk-main-wrapper"} <= shape.classes
    assert "govuk-skip-link" in shape.classes and "govuk-service-navigation" in shape.classes
    duplicates = {i for i in shape.ids if shape.ids.count(i) > 1}
    assert not duplicates, f"duplicate ids: {duplicates}"
    return shape


class SignedInClient(TestClient):
    """A test client holding a real session cookie; ``csrf`` is that session's form token."""

    csrf = ""


@pytest.fixture
def app_for(engine: Engine) -> Callable[[Actor | None], TestClient]:
    """A client acting as ``actor`` (None: the default authentication, whatever it is)."""

    def make(actor: Actor | None = None) -> TestClient:
        app = create_app(engine=engine)
        if actor is not None:
            app.dependency_overrides[get_actor] = lambda: actor
        client = SignedInClient(app, follow_redirects=False)
        if actor is not None and actor.user_id is not None:
            with engine.begin() as conn:
                token, session = sessions.create_session(conn, actor.user_id)
            client.cookies.set(sessions.COOKIE_NAME, token)
            client.csrf = session.csrf_token
        return client

    return make


@pytest.fixture
def client(app_for: Callable[[Actor | None], TestClient]) -> Iterator[TestClient]:
    from joinedup.access.actor import OPERATOR

    yield app_for(OPERATOR)


@pytest.fixture
def make_user(engine: Engine) -> Callable[..., Actor]:
    """A real user in a real organisation; returns the Actor they sign in as."""

    def make(
        username: str,
        role: str,
        *,
        organisation: str = "Springfield Primary",
        agency: str = "school",
        local_authority: str = "Northtown",
        password: str | None = "correct horse battery staple",
    ) -> Actor:
        with engine.begin() as conn:
            org = resolve_organisation(conn, organisation, agency, local_authority)
            user_id = add_user(conn, username, org, role, password=password)
            actor = actor_for_user(conn, user_id)
        assert actor is not None
        return actor

    return make


@pytest.fixture
def page() -> Callable[[str], PageShape]:
    """``page(html)`` runs the page check and returns the parsed shape."""
    return check_page


def valid_upn(serial: int) -> str:
    """A unique pupil number with a correct check letter (synthetic, LA code 330)."""
    from stdnum.gb import upn

    body = f"330{serial:08d}A"
    return upn.calc_check_digit(body) + body


def child_record(
    reference: str,
    event_type: str,
    occurred_at: str,
    *,
    agency: str = "school",
    organisation: str = "Springfield Primary",
    local_authority: str = "Northtown",
    given_name: str = "Amira",
    family_name: str = "Khan",
    date_of_birth: str = "2016-05-02",
    upn_serial: int = 1,
    narrative: str = "Synthetic narrative for a test.",
    adults: tuple[tuple[str, str, str], ...] = (),
) -> dict[str, object]:
    """One agency record about one synthetic child (linked by UPN), with optional adults."""
    subjects: list[dict[str, object]] = [
        {
            "role": "child",
            "given_name": given_name,
            "family_name": family_name,
            "date_of_birth": date_of_birth,
            "upn": valid_upn(upn_serial),
        }
    ]
    subjects += [{"role": role, "given_name": g, "family_name": f} for role, g, f in adults]
    return {
        "agency": agency,
        "organisation": organisation,
        "local_authority": local_authority,
        "source_record_id": reference,
        "occurred_at": occurred_at,
        "event_type": event_type,
        "narrative": narrative,
        "subjects": subjects,
    }


@pytest.fixture
def neglect_alert(engine: Engine) -> dict[str, int]:
    """A child with two neglect signs at school: the ``neglect_signs`` rule raises an alert
    for the Northtown front door. Returns the alert and person ids."""
    from datetime import date, timedelta

    from joinedup.ingest import ingest_payloads
    from joinedup.storage import alerts_repo

    day = date.today() - timedelta(days=10)
    records = [
        child_record("SPS-1", "hunger_food_seeking", (day).isoformat(), narrative="Took food from the bins."),
        child_record("SPS-2", "weight_faltering", (day + timedelta(days=3)).isoformat(), narrative="Looks thinner."),
    ]
    report = ingest_payloads(engine, records, source="test", submitted_by="test")
    assert report.accepted == 2
    with engine.connect() as conn:
        alerts = alerts_repo.list_alerts(conn, rule_id="neglect_signs")
    assert len(alerts) == 1, "the neglect_signs rule should have fired once"
    return {"alert_id": alerts[0].id, "person_id": alerts[0].person_id}


@pytest.fixture
def record_about() -> Callable[..., dict[str, object]]:
    """``record_about(reference, event_type, occurred_at, **fields)``: a synthetic record."""
    return child_record
