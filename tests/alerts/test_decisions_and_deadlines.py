"""Working-day deadlines, acknowledgement, decision, escalation, and decisions in the chronology."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine

from joinedup.alerts import service
from joinedup.alerts.errors import AlertStateError
from joinedup.alerts.workdays import add_working_days, next_school_day_start
from joinedup.chronology import assemble_chronology
from joinedup.rules.engine import evaluate_pending
from joinedup.storage import alerts_repo
from rules.rule_factories import CHILD, Family


def test_working_days_skip_weekends_and_england_bank_holidays() -> None:
    assert add_working_days(date(2024, 12, 24), 1) == date(2024, 12, 27)  # Christmas, Boxing Day
    assert add_working_days(date(2024, 3, 28), 1) == date(2024, 4, 2)  # Good Friday, Easter Monday
    assert add_working_days(date(2024, 6, 8), 0) == date(2024, 6, 10)  # Saturday -> Monday
    assert next_school_day_start(datetime(2024, 5, 3, 21, 0, tzinfo=UTC)).date() == date(2024, 5, 7)  # May Day


def _raise_alert(engine: Engine, family: Family) -> int:
    family.record("hunger_food_seeking", 0, agency="school", subjects=[("child", CHILD)])
    family.record("weight_faltering", 20, agency="gp")
    evaluate_pending(engine)
    with engine.connect() as conn:
        (alert,) = alerts_repo.list_alerts(conn, rule_id="neglect_signs")
    return int(alert.id)


def test_decision_closes_the_alert_and_appears_in_the_chronology(engine: Engine, family: Family) -> None:
    alert_id = _raise_alert(engine, family)
    with engine.begin() as conn:
        service.acknowledge(conn, alert_id, "front-door-worker")
        with pytest.raises(AlertStateError):
            service.decide(conn, alert_id, "shrug", "no reason", "front-door-worker")
        with pytest.raises(AlertStateError):
            service.decide(conn, alert_id, "early_help", "  ", "front-door-worker")
        service.decide(conn, alert_id, "early_help", "Family agreed to early help support.", "front-door-worker")
        alert = alerts_repo.get_alert(conn, alert_id)
        assert alert.status == "decided" and alert.open_key is None
        story = assemble_chronology(conn, family.person("child"))
    decisions = [e for e in story.entries if e.kind == "decision"]
    assert [(d.alert_id, d.decision) for d in decisions] == [(alert_id, "early_help")]
    assert [e.event_type for e in story.entries if e.kind == "record"] == ["hunger_food_seeking", "weight_faltering"]


def test_overdue_alerts_escalate_once(engine: Engine, family: Family) -> None:
    alert_id = _raise_alert(engine, family)
    later = datetime(2099, 1, 5, tzinfo=UTC)
    with engine.begin() as conn:
        assert service.escalate_overdue(conn, later) == 1
        assert service.escalate_overdue(conn, later) == 0
        assert alerts_repo.get_alert(conn, alert_id).escalated_at is not None
