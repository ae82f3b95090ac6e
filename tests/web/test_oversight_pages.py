"""The pages that oversee the service: the rules (read-only, with hit counts), the audit view
(auditors only, itself audited) and the users register (administrators only)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from joinedup.storage import audit_repo

FRONT_DOOR = {"organisation": "Northtown Children's Services", "agency": "childrens_social_care"}


def test_the_rules_page_shows_each_rules_yaml_and_how_often_it_fired(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], neglect_alert: dict[str, int], page: Any
) -> None:
    response = app_for(make_user("mash.one", "front_door", **FRONT_DOOR)).get("/rules")
    assert response.status_code == 200
    page(response.text)
    assert 'id="rule-neglect_signs"' in response.text
    assert "neglect_signs.yaml" in response.text and "condition:" in response.text
    row = response.text[response.text.index('href="#rule-neglect_signs"') :]
    row = row[: row.index("</tr>")]
    assert row.count(">1</td>") == 2  # raised once, awaiting decision once


def test_the_audit_page_is_for_auditors_and_shows_who_looked(
    app_for: Callable[..., TestClient],
    make_user: Callable[..., Any],
    neglect_alert: dict[str, int],
    engine: Engine,
    page: Any,
) -> None:
    person = neglect_alert["person_id"]
    social_worker = app_for(make_user("sw.one", "social_worker", **FRONT_DOOR))
    assert social_worker.get(f"/children/{person}").status_code == 200
    assert social_worker.get("/audit").status_code == 403
    auditor = app_for(make_user("dpo.one", "auditor", **FRONT_DOOR))
    response = auditor.get(f"/audit?person={person}")
    assert response.status_code == 200
    page(response.text)
    assert "Intact" in response.text and "sw.one" in response.text
    with engine.connect() as conn:
        views = audit_repo.entries_by_action(conn, "audit_view")
    assert {(v["actor_name"], v["outcome"]) for v in views} >= {("sw.one", "refused"), ("dpo.one", "allowed")}
    wrong = auditor.get("/audit?person=Amira")
    assert wrong.status_code == 200 and "Enter the child&#39;s reference number" in wrong.text


def test_the_users_register_is_for_administrators(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], page: Any
) -> None:
    make_user("dsl.one", "practitioner")
    admin = app_for(make_user("admin.one", "admin", **FRONT_DOOR))
    response = admin.get("/users")
    assert response.status_code == 200
    page(response.text)
    assert "dsl.one" in response.text and "Springfield Primary" in response.text
    assert app_for(make_user("mash.one", "front_door", **FRONT_DOOR)).get("/users").status_code == 403
