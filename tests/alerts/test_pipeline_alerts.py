"""Alerts raised by the real engine from stored, linked records."""

from sqlalchemy import Engine, select

from joinedup.rules.engine import evaluate_pending
from joinedup.storage import alerts_repo
from rules.rule_factories import CHILD, MOTHER, Family


def _alerts(engine: Engine) -> list[dict]:
    with engine.connect() as conn:
        rows = alerts_repo.list_alerts(conn)
        evidence = alerts_repo.evidence_for(conn, [r.id for r in rows])
        return [alerts_repo.alert_json(r, evidence[r.id]) for r in rows]


def test_four_agencies_raise_one_alert_listing_the_records(engine: Engine, family: Family) -> None:
    family.record("attendance_concern", 0, agency="school", subjects=[("child", CHILD), ("mum", MOTHER)])
    family.record("missed_appointment_was_not_brought", 20, agency="gp")
    family.record("neglect_concern", 30, agency="health_visitor")
    assert evaluate_pending(engine) == 3
    assert [a for a in _alerts(engine) if a["rule_id"] == "multi_agency_concerns"] == []
    family.record("domestic_abuse_incident", 40, agency="police", subjects=[("mum", MOTHER)])
    assert evaluate_pending(engine) == 1
    assert [a for a in _alerts(engine) if a["rule_id"] == "multi_agency_concerns"] == [], (
        "the mother's record is in the child's story but is not a fourth concern about the child"
    )
    fourth = family.record("public_concern", 50, agency="public_referral")
    assert evaluate_pending(engine) == 1
    alerts = [a for a in _alerts(engine) if a["rule_id"] == "multi_agency_concerns"]
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["person_id"] == family.person("child")
    assert alert["first_fired_at"] == family.occurred(fourth).isoformat()
    assert alert["local_authority"] == "Northtown"
    assert {e["agency"] for e in alert["evidence"]} >= {"school", "gp", "health_visitor", "public_referral"}
    assert alert["status"] == "open"


def test_more_evidence_updates_the_open_alert_instead_of_raising_another(engine: Engine, family: Family) -> None:
    family.record("attendance_concern", 0, agency="school")
    family.record("neglect_concern", 10, agency="health_visitor")
    family.record("public_concern", 20, agency="public_referral")
    family.record("missed_appointment_was_not_brought", 25, agency="gp")
    evaluate_pending(engine)
    family.record("hunger_food_seeking", 30, agency="school")
    evaluate_pending(engine)
    alerts = [a for a in _alerts(engine) if a["rule_id"] == "multi_agency_concerns"]
    assert len(alerts) == 1
    assert len(alerts[0]["evidence"]) == 5


def test_evaluation_is_idempotent_and_unlinked_records_wait(engine: Engine, family: Family) -> None:
    family.record("attendance_concern", 0, link=False)
    assert evaluate_pending(engine) == 0
    assert evaluate_pending(engine) == 0


def test_routing_an_alert_records_its_purpose_and_lawful_basis_in_the_audit_chain(
    engine: Engine, family: Family
) -> None:
    from sqlalchemy import select

    from joinedup.audit.chain import verify_chain
    from joinedup.storage.tables_audit import AuditEntry

    family.record("attendance_concern", 0, agency="school")
    family.record("missed_appointment_was_not_brought", 20, agency="gp")
    family.record("neglect_concern", 30, agency="health_visitor")
    family.record("public_concern", 50, agency="public_referral")
    evaluate_pending(engine)
    alerts = _alerts(engine)
    assert alerts, "the four concerns should raise at least one alert"
    with engine.connect() as conn:
        routed = conn.execute(select(AuditEntry).where(AuditEntry.action == "alert_routed")).all()
        intact = verify_chain(conn)
    assert len(routed) == len(alerts)
    assert all(r.person_id == family.person("child") for r in routed)
    assert all("6(1)(e)" in r.lawful_basis and r.purpose.startswith("safeguarding") for r in routed)
    assert intact.entries >= len(routed)  # verify_chain raises at the first bad entry


def test_rules_in_one_alert_group_share_one_open_alert_per_child(engine: Engine, family: Family) -> None:
    """toxic_trio and repeat_domestic_abuse are both domestic_abuse_household: the second to
    fire joins the first one's alert with its records instead of raising another."""
    from joinedup.storage.tables_alerts import AlertAction

    family.record("attendance_concern", 0, agency="school", subjects=[("child", CHILD), ("mum", MOTHER)])
    family.record("domestic_abuse_incident", 10, agency="police", subjects=[("mum", MOTHER)])
    family.record("parental_mental_health", 20, agency="gp", subjects=[("mum", MOTHER)])
    family.record("substance_misuse", 30, agency="probation", subjects=[("mum", MOTHER)])
    evaluate_pending(engine)
    [alert] = [a for a in _alerts(engine) if a["person_id"] == family.person("child")]
    assert alert["rule_id"] == "toxic_trio"
    family.record("domestic_abuse_incident", 40, agency="police", subjects=[("mum", MOTHER)])
    third = family.record("domestic_abuse_incident", 70, agency="police", subjects=[("mum", MOTHER)])
    evaluate_pending(engine)
    alerts = [a for a in _alerts(engine) if a["person_id"] == family.person("child")]
    assert [a["alert_id"] for a in alerts] == [alert["alert_id"]], "one alert for the group, not two"
    assert third in {e["record_id"] for e in alerts[0]["evidence"]}
    with engine.connect() as conn:
        joined = conn.execute(
            select(AlertAction.detail).where(
                AlertAction.alert_id == alert["alert_id"], AlertAction.action == "rule_joined"
            )
        ).scalars()
        assert [d["rule_id"] for d in joined] == ["repeat_domestic_abuse"]
