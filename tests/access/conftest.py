"""A small invented world for access tests: two local authorities, organisations of several
agencies, one user per (role, relationship to the child), and a child with records.

Relationships to the child ``Northtown`` child:
* ``involved``: the user's organisation (in Northtown) recorded something about the child;
* ``not_involved``: a Northtown organisation that never recorded anything about the child;
* ``other_la``: an organisation in Southville that knows nothing of the child;
* ``other_la_involved``: a Southville organisation with the child on a worker's caseload.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert

from joinedup.access.accounts import add_user, resolve_organisation
from joinedup.access.actor import OPERATOR
from joinedup.access.caseloads import add_to_caseload
from joinedup.access.tokens import issue_token
from joinedup.storage.tables_identity import Person, SubjectLink
from joinedup.storage.tables_records import Record, RecordHead, RecordSubject

ROLES = ("practitioner", "front_door", "social_worker", "manager", "auditor", "admin")
RELATIONSHIPS = ("involved", "not_involved", "other_la", "other_la_involved")
PASSWORD = "a long synthetic passphrase"
NOW = datetime(2026, 1, 5, tzinfo=UTC)

# (relationship) -> (organisation name, agency, local authority)
ORGS = {
    "involved": ("Mill Lane Primary", "school", "Northtown"),
    "not_involved": ("Northtown Health Centre", "gp", "Northtown"),
    "other_la": ("Southville Council", "childrens_social_care", "Southville"),
    "other_la_involved": ("Southville Family Service", "early_help", "Southville"),
}


@dataclass
class World:
    child_id: int
    other_child_id: int
    orgs: dict[str, int] = field(default_factory=dict)
    users: dict[tuple[str, str], int] = field(default_factory=dict)
    tokens: dict[tuple[str, str], str] = field(default_factory=dict)

    def username(self, role: str, relationship: str) -> str:
        return f"{role}.{relationship}".replace("_", "-")


def _record(
    conn, org_id: int, agency: str, la: str, sid: str, event: str, on: date, person_id: int, narrative: str
) -> int:
    record_id = conn.execute(
        insert(Record)
        .values(
            agency=agency,
            source_record_id=sid,
            version=1,
            organisation_id=org_id,
            local_authority=la,
            occurred_at=on.isoformat(),
            occurred_on=on,
            event_type=event,
            narrative=narrative,
            payload={},
            content_hash=sid.ljust(64, "0")[:64],
            received_at=NOW,
            submitted_by="test",
        )
        .returning(Record.id)
    ).scalar_one()
    conn.execute(
        insert(RecordHead).values(
            agency=agency,
            source_record_id=sid,
            record_id=record_id,
            version=1,
            content_hash=sid.ljust(64, "0")[:64],
        )
    )
    subject_id = conn.execute(
        insert(RecordSubject)
        .values(record_id=record_id, subject_index=0, role="child", given_name="Test", family_name="Child")
        .returning(RecordSubject.id)
    ).scalar_one()
    conn.execute(
        insert(SubjectLink).values(
            record_subject_id=subject_id,
            record_id=record_id,
            subject_index=0,
            person_id=person_id,
            decision="new_person",
            linked_at=NOW,
        )
    )
    return int(record_id)


def build_world(engine: Engine, with_tokens: bool = True, passwords: bool = True) -> World:
    """``passwords=False`` skips 24 argon2 hashes (seconds on a busy machine) for tests that
    sign people in by creating their sessions directly."""
    with engine.begin() as conn:
        child = conn.execute(insert(Person).values(created_at=NOW, status="active").returning(Person.id)).scalar_one()
        other = conn.execute(insert(Person).values(created_at=NOW, status="active").returning(Person.id)).scalar_one()
        world = World(child_id=child, other_child_id=other)
        for relationship, (name, agency, la) in ORGS.items():
            world.orgs[relationship] = resolve_organisation(conn, name, agency, la)
        csc = resolve_organisation(conn, "Northtown Children's Services", "childrens_social_care", "Northtown")
        police = resolve_organisation(conn, "Northshire Police", "police", "Northtown")
        _record(
            conn,
            world.orgs["involved"],
            "school",
            "Northtown",
            "S-1",
            "attendance_concern",
            date(2025, 1, 10),
            child,
            "Synthetic school note.",
        )
        _record(
            conn,
            police,
            "police",
            "Northtown",
            "P-1",
            "domestic_abuse_incident",
            date(2025, 2, 1),
            child,
            "Synthetic police intelligence.",
        )
        _record(
            conn,
            csc,
            "childrens_social_care",
            "Northtown",
            "C-1",
            "child_protection_plan_started",
            date(2025, 3, 1),
            child,
            "Synthetic plan note.",
        )
        _record(
            conn,
            csc,
            "childrens_social_care",
            "Northtown",
            "C-2",
            "referral_to_social_care",
            date(2025, 1, 20),
            other,
            "Another child.",
        )
        for role in ROLES:
            for relationship in RELATIONSHIPS:
                name = world.username(role, relationship)
                uid = add_user(
                    conn,
                    name,
                    world.orgs[relationship],
                    role,
                    password=PASSWORD if passwords else None,
                    contact="01234 000000",
                )
                world.users[(role, relationship)] = uid
        for role in ROLES:
            add_to_caseload(conn, OPERATOR, child, world.users[(role, "other_la_involved")], "caseload")
        if with_tokens:
            for key in world.users:
                world.tokens[key] = issue_token(conn, world.username(*key), "read")[1]
    return world


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine, passwords=False)


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    from joinedup.web.app import create_app

    with TestClient(create_app(engine=engine)) as test_client:
        yield test_client
