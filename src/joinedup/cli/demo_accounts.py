"""Demo sign-ins: one account per role, in the organisations the synthetic records came from.

The web UI shows nothing without signing in, so a demo with no accounts would be a locked door.
Each account sits in a real organisation of the demo authority (the school DSL's school has
recorded things about children, so the DSL is *involved* and sees flag views; the GP in another
area is not, and is refused), which makes the access policy visible rather than described.
One password is generated per database and printed once; the accounts exist only in the demo
database, which holds synthetic people only.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, func, select

from joinedup.access.accounts import add_user
from joinedup.storage.access_accounts import user_by_name
from joinedup.storage.tables_records import Organisation, Record


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    agency: str
    home_area: bool  # in the authority with the most records (else: another area)
    what: str


ACCOUNTS = (
    DemoAccount("front.door", "front_door", "childrens_social_care", True, "the MASH: alerts inbox, decisions"),
    DemoAccount("social.worker", "social_worker", "childrens_social_care", True, "full chronologies"),
    DemoAccount("team.manager", "manager", "childrens_social_care", True, "escalations, fairness, rules"),
    DemoAccount("school.dsl", "practitioner", "school", True, "a school DSL: record a concern, flag views"),
    DemoAccount("health.visitor", "practitioner", "health_visitor", True, "a health visitor"),
    DemoAccount("gp.elsewhere", "practitioner", "gp", False, "a GP in another area: refused"),
    DemoAccount("dpo", "auditor", "childrens_social_care", True, "the data protection officer: audit"),
    DemoAccount("admin", "admin", "childrens_social_care", True, "users and organisations"),
)


def _busiest_organisation(conn: Connection, agency: str, home_area: bool, home: str) -> int | None:
    """The organisation of ``agency`` that recorded most, inside or outside the home area."""
    area_test = Organisation.local_authority == home if home_area else Organisation.local_authority != home
    row = conn.execute(
        select(Organisation.id)
        .join(Record, Record.organisation_id == Organisation.id)
        .where(Organisation.agency == agency, area_test)
        .group_by(Organisation.id)
        .order_by(func.count(Record.id).desc(), Organisation.id)
        .limit(1)
    ).first()
    return None if row is None else int(row[0])


def _home_area(conn: Connection) -> str | None:
    row = conn.execute(
        select(Record.local_authority)
        .where(Record.local_authority.is_not(None))
        .group_by(Record.local_authority)
        .order_by(func.count().desc())
        .limit(1)
    ).first()
    return None if row is None else str(row[0])


def load_examples(engine: Engine) -> str:
    """Add the demo accounts (once per database) and say how to sign in."""
    with engine.begin() as conn:
        home = _home_area(conn)
        if home is None:
            return "No records loaded, so no demo accounts were made."
        if user_by_name(conn, ACCOUNTS[0].username) is not None:
            return "Demo accounts already exist in this database (the password was printed when they were made)."
        password = "demo-" + secrets.token_urlsafe(9)
        lines = []
        for account in ACCOUNTS:
            org = _busiest_organisation(conn, account.agency, account.home_area, home)
            if org is None:
                continue
            add_user(conn, account.username, org, account.role, password=password)
            lines.append(f"  {account.username:<15} {account.role:<14} {account.what}")
    return f"Demo sign-ins (password for all: {password}), in {home} unless said otherwise:\n" + "\n".join(lines)
