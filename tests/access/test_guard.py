"""The guard: the view the policy gives each role and relationship, and one audit row per call."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, func, select

from joinedup.access import InvalidAccount, NotPermitted
from joinedup.access.accounts import actor_for_user
from joinedup.access.actor import OPERATOR, Actor
from joinedup.access.breakglass import break_glass, grants, review_grant
from joinedup.access.flags import flag_view
from joinedup.access.guard import View, guard_child_read
from joinedup.access.involvement import child_local_authorities
from joinedup.access.policy import restricted_narrative
from joinedup.storage.tables_audit import AuditEntry

# What the policy says, written out by hand (not computed from the policy).
EXPECTED = {
    ("practitioner", "involved"): View.FLAG,
    ("practitioner", "not_involved"): View.NONE,
    ("practitioner", "other_la"): View.NONE,
    ("practitioner", "other_la_involved"): View.FLAG,
    **{(r, "involved"): View.FULL for r in ("front_door", "social_worker", "manager")},
    **{(r, "not_involved"): View.FULL for r in ("front_door", "social_worker", "manager")},
    **{(r, "other_la"): View.NONE for r in ("front_door", "social_worker", "manager")},
    **{(r, "other_la_involved"): View.FLAG for r in ("front_door", "social_worker", "manager")},
    **{
        (r, rel): View.NONE
        for r in ("auditor", "admin")
        for rel in ("involved", "not_involved", "other_la", "other_la_involved")
    },
}


def _actor(engine: Engine, user_id: int) -> Actor:
    with engine.connect() as conn:
        actor = actor_for_user(conn, user_id)
    assert actor is not None
    return actor


def _audit_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(AuditEntry)).scalar_one())


def test_every_role_and_relationship_gets_the_view_the_policy_names(engine: Engine, world) -> None:
    before = _audit_rows(engine)
    for (role, relationship), expected in EXPECTED.items():
        actor = _actor(engine, world.users[(role, relationship)])
        with engine.connect() as conn:
            got = guard_child_read(conn, actor, world.child_id, "test of the policy")
        assert got is expected, f"{role} / {relationship}: got {got}, policy says {expected}"
    assert _audit_rows(engine) == before + len(EXPECTED)


def test_each_call_writes_who_what_why_and_the_lawful_basis(engine: Engine, world) -> None:
    actor = _actor(engine, world.users[("practitioner", "involved")])
    with engine.connect() as conn:
        guard_child_read(conn, actor, world.child_id, "school concern follow-up", action="flag_view")
    with engine.connect() as conn:
        row = conn.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert (row.actor_name, row.role, row.organisation_id, row.action, row.person_id, row.outcome) == (
        actor.name,
        "practitioner",
        actor.organisation_id,
        "flag_view",
        world.child_id,
        "flag",
    )
    assert row.purpose == "school concern follow-up" and "6(1)(e)" in row.lawful_basis


def test_a_refused_look_is_audited_without_a_lawful_basis(engine: Engine, world) -> None:
    actor = _actor(engine, world.users[("practitioner", "other_la")])
    with engine.connect() as conn:
        assert guard_child_read(conn, actor, world.child_id, "curiosity") is View.NONE
        conn.rollback()
    with engine.connect() as conn:
        row = conn.execute(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).one()
    assert row.outcome == "none" and row.lawful_basis.startswith("none")


def test_no_purpose_no_view(engine: Engine, world) -> None:
    with engine.connect() as conn:
        assert guard_child_read(conn, OPERATOR, world.child_id, "  ") is View.NONE


def test_the_operator_sees_all_and_is_audited(engine: Engine, world) -> None:
    with engine.connect() as conn:
        assert guard_child_read(conn, OPERATOR, world.child_id, "chronology at the command line") is View.FULL
    assert _audit_rows(engine) >= 1


def test_a_read_token_without_the_read_scope_sees_nothing(engine: Engine, world) -> None:
    actor = _actor(engine, world.users[("front_door", "involved")])
    ingest_only = Actor(**{**actor.__dict__, "kind": "api_client", "scopes": frozenset({"ingest"})})
    with engine.connect() as conn:
        assert guard_child_read(conn, ingest_only, world.child_id, "test") is View.NONE


def test_child_local_authorities_come_from_records_and_their_organisations(engine: Engine, world) -> None:
    with engine.connect() as conn:
        assert child_local_authorities(conn, world.child_id) == {"Northtown"}


def test_police_intelligence_is_withheld_from_a_social_worker_but_not_the_front_door(engine: Engine, world) -> None:
    police = {"agency": "police", "event_type": "domestic_abuse_incident", "organisation_id": -1}
    school = {"agency": "school", "event_type": "attendance_concern", "organisation_id": -1}
    sw = _actor(engine, world.users[("social_worker", "involved")])
    fd = _actor(engine, world.users[("front_door", "involved")])
    assert restricted_narrative(sw, police) and not restricted_narrative(fd, police)
    assert not restricted_narrative(sw, school)
    own = {**police, "organisation_id": sw.organisation_id}
    assert not restricted_narrative(sw, own)


def test_break_glass_opens_a_time_limited_view_and_waits_for_the_auditor(engine: Engine, world) -> None:
    actor = _actor(engine, world.users[("social_worker", "other_la")])
    with engine.begin() as conn:
        assert guard_child_read(conn, actor, world.child_id, "out of hours call") is View.NONE
        with pytest.raises(InvalidAccount):
            break_glass(conn, actor, world.child_id, "urgent")
        grant = break_glass(conn, actor, world.child_id, "Child presented out of hours at our office, police en route")
    with engine.connect() as conn:
        assert guard_child_read(conn, actor, world.child_id, "out of hours call") is View.FULL
        assert [g.grant_id for g in grants(conn, unreviewed_only=True)] == [grant.grant_id]
    with engine.begin() as conn:
        with pytest.raises(NotPermitted):
            review_grant(conn, actor, grant.grant_id)
        review_grant(conn, _actor(engine, world.users[("auditor", "involved")]), grant.grant_id)
    with engine.connect() as conn:
        assert grants(conn, unreviewed_only=True) == []


def test_admins_and_auditors_may_not_break_glass(engine: Engine, world) -> None:
    with engine.begin() as conn, pytest.raises(NotPermitted):
        break_glass(conn, _actor(engine, world.users[("admin", "involved")]), world.child_id, "x" * 40)


def test_the_flag_view_says_plan_and_lead_professional_without_narratives(engine: Engine, world) -> None:
    with engine.connect() as conn:
        flags = flag_view(conn, world.child_id).as_json()
    assert flags["known_to_social_care"] and flags["on_child_protection_plan"]
    assert flags["plan_started_on"] == "2025-03-01" and flags["social_care_status"] == "open"
    assert flags["lead_professional"]["organisation"] == "Northtown Children's Services"
    assert "Synthetic" not in str(flags)
