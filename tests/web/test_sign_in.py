"""Signing in and out through the pages, on the access stage's real sessions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient

from joinedup.access import sessions

PASSWORD = "correct horse battery staple"


def test_signing_in_sets_a_session_cookie_and_returns_to_the_page_asked_for(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], page: Callable[[str], Any]
) -> None:
    make_user("dsl.one", "practitioner")
    client = app_for(None)
    form = client.get("/sign-in?next=/concerns/new")
    assert form.status_code == 200
    page(form.text)
    answer = client.post("/sign-in", data={"username": "dsl.one", "password": PASSWORD, "next": "/concerns/new"})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/concerns/new"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(f"{sessions.COOKIE_NAME}=") and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()


def test_a_wrong_password_shows_the_error_summary_without_saying_whether_the_user_exists(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], page: Callable[[str], Any]
) -> None:
    make_user("dsl.two", "practitioner")
    client = app_for(None)
    wrong = client.post("/sign-in", data={"username": "dsl.two", "password": "nope", "next": "/"})
    unknown = client.post("/sign-in", data={"username": "nobody", "password": "nope", "next": "/"})
    for answer in (wrong, unknown):
        assert answer.status_code == 200
        shape = page(answer.text)
        assert shape.title.startswith("Error: ")
        assert "govuk-error-summary" in shape.classes
        assert sessions.GENERIC_REFUSAL in answer.text
        assert "set-cookie" not in answer.headers


def test_blank_fields_are_each_named_in_the_error_summary(
    app_for: Callable[..., TestClient], page: Callable[[str], Any]
) -> None:
    answer = app_for(None).post("/sign-in", data={"username": "", "password": "", "next": "/"})
    page(answer.text)
    assert 'href="#username">Enter your username' in answer.text
    assert 'href="#password">Enter your password' in answer.text


def test_the_next_page_cannot_send_people_to_another_site(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    make_user("dsl.three", "practitioner")
    answer = app_for(None).post(
        "/sign-in", data={"username": "dsl.three", "password": PASSWORD, "next": "//evil.example/"}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/"


def test_signing_out_ends_the_session_for_good(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], engine: Any
) -> None:
    make_user("dsl.four", "practitioner")
    client = app_for(None)
    token = client.post("/sign-in", data={"username": "dsl.four", "password": PASSWORD}).cookies[sessions.COOKIE_NAME]
    with engine.begin() as conn:
        session = sessions.load_session(conn, token)
    assert session is not None
    refused = client.post("/sign-out", data={"csrf_token": "forged"})
    assert refused.status_code == 403
    done = client.post("/sign-out", data={"csrf_token": session.csrf_token})
    assert done.status_code == 303 and done.headers["location"] == "/signed-out"
    with engine.begin() as conn:
        assert sessions.load_session(conn, token) is None
