"""The front door's inbox and alert page: filters, deadlines, acknowledgement, the decision
with its rationale and lawful basis, and refusal for people who may not see the child."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, select

from joinedup.storage import alerts_repo
from joinedup.storage.tables_audit import AuditEntry


def front_door(make_user: Callable[..., Any]) -> Any:
    return make_user(
        "mash.one", "front_door", organisation="Northtown Children's Services", agency="childrens_social_care"
    )


def test_the_inbox_lists_the_alert_with_its_working_day_deadline(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], neglect_alert: dict[str, int], page: Any
) -> None:
    client = app_for(front_door(make_user))
    response = client.get("/alerts")
    assert response.status_code == 200
    page(response.text)
    assert f'href="/alerts/{neglect_alert["alert_id"]}"' in response.text
    assert "Neglect signs" in response.text
    assert "Due in 1 working day" in response.text or "Due today" in response.text or "Overdue" in response.text
    filtered = client.get("/alerts?severity=urgent")
    assert f'href="/alerts/{neglect_alert["alert_id"]}"' not in filtered.text
    assert "No alerts match these filters" in filtered.text


def test_the_alert_page_shows_the_evidence_the_rule_and_the_learning(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], neglect_alert: dict[str, int], page: Any
) -> None:
    response = app_for(front_door(make_user)).get(f"/alerts/{neglect_alert['alert_id']}")
    assert response.status_code == 200
    shape = page(response.text)
    assert shape.h1s[0].strip() == "Repeated signs of neglect - hunger, food seeking, weight faltering"
    assert "Took food from the bins." in response.text and "Looks thinner." in response.text
    assert response.text.count('class="govuk-summary-card__title"') == 2
    assert "What case reviews teach" in response.text
    assert 'href="/learning?theme=neglect"' in response.text
    assert f'<a class="govuk-link" href="/children/{neglect_alert["person_id"]}">Amira Khan</a>' in response.text
    assert "&lt;a class=" not in response.text  # markup is rendered, not shown as text


def test_acknowledging_then_deciding_closes_the_alert_and_audits_the_lawful_basis(
    app_for: Callable[..., TestClient],
    make_user: Callable[..., Any],
    neglect_alert: dict[str, int],
    engine: Engine,
    page: Any,
) -> None:
    client = app_for(front_door(make_user))
    alert_id = neglect_alert["alert_id"]
    ack = client.post(f"/alerts/{alert_id}/acknowledge", data={"csrf_token": client.csrf})
    assert ack.status_code == 303
    missing = client.post(f"/alerts/{alert_id}/decision", data={"csrf_token": client.csrf, "sharing": "yes"})
    assert missing.status_code == 400
    page(missing.text)
    for words in ("Select the decision", "Enter the reason for the decision", "Select the lawful basis for sharing"):
        assert words in missing.text
    done = client.post(
        f"/alerts/{alert_id}/decision",
        data={
            "csrf_token": client.csrf,
            "decision": "early_help",
            "rationale": "Family agree to early help; school to monitor lunches.",
            "sharing": "yes",
            "lawful_basis": "consent",
        },
    )
    assert done.status_code == 303
    shown = client.get(done.headers["location"])
    page(shown.text)
    assert "Decision recorded" in shown.text and "Family agree to early help" in shown.text
    with engine.connect() as conn:
        alert = alerts_repo.get_alert(conn, alert_id)
        # A Core connection returns rows (not ORM objects): take the whole row, not its first column.
        entry = conn.execute(
            select(AuditEntry).where(AuditEntry.action == "alert_decision").order_by(AuditEntry.seq.desc())
        ).first()
    assert (alert.status, alert.decision, alert.acknowledged_by) == ("decided", "early_help", "mash.one")
    assert entry is not None and "consent" in entry.lawful_basis and entry.person_id == neglect_alert["person_id"]


def test_a_practitioner_may_not_open_the_inbox_or_an_alert(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], neglect_alert: dict[str, int], page: Any
) -> None:
    client = app_for(make_user("gp.one", "practitioner", organisation="Elm Surgery", agency="gp"))
    for path in ("/alerts", f"/alerts/{neglect_alert['alert_id']}"):
        response = client.get(path)
        assert response.status_code == 403
        assert page(response.text).h1s == ["You do not have access"]
        assert "Amira" not in response.text


def test_another_areas_front_door_does_not_see_the_alert(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any], neglect_alert: dict[str, int]
) -> None:
    elsewhere = make_user(
        "mash.south", "front_door", organisation="Southtown Children's Services",
        agency="childrens_social_care", local_authority="Southtown",
    )  # fmt: skip
    client = app_for(elsewhere)
    assert f'href="/alerts/{neglect_alert["alert_id"]}"' not in client.get("/alerts").text
    assert client.get(f"/alerts/{neglect_alert['alert_id']}").status_code == 403
