"""``joinedup users …``: add people and agency systems to organisations, and put children on
their caseloads. Runs as the operator (or ``--as`` an admin); every change is audited."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from joinedup.access import AccessError, NotPermitted
from joinedup.access.accounts import add_user, disable_user, find_user, list_users, resolve_organisation, set_password
from joinedup.access.actors import resolve_cli_actor
from joinedup.access.caseloads import add_to_caseload
from joinedup.access.policy import ROLES, may_administer_users
from joinedup.cli.common import DbOption, database, err, out

users_app = typer.Typer(help="People and agency systems: users, roles, organisations, caseloads.", no_args_is_help=True)
AsOption = Annotated[str | None, typer.Option("--as", help="Act as this user (an admin) instead of the operator.")]


def _read_password(password_stdin: bool) -> str | None:
    if password_stdin:
        return sys.stdin.readline().rstrip("\n")
    return None


@users_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="The username (a person's work login or a system's name).")],
    org: Annotated[str, typer.Option("--org", help="The organisation's name, as in records.")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(ROLES)}.")],
    agency: Annotated[str | None, typer.Option("--agency", help="Agency type, to add a new organisation.")] = None,
    la: Annotated[str | None, typer.Option("--la", help="Local authority, to add a new organisation.")] = None,
    contact: Annotated[str | None, typer.Option("--contact", help="Work phone or email for flag views.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read a password from stdin.")] = False,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """Add a user to an organisation with one role (the organisation is added when --agency
    and --la are given and it does not exist yet)."""
    engine = database(db)
    password = _read_password(password_stdin)
    try:
        with engine.begin() as conn:
            actor = resolve_cli_actor(conn, as_name)
            if not may_administer_users(actor):
                raise NotPermitted("only an admin adds users")
            org_id = resolve_organisation(conn, org, agency, la)
            user_id = add_user(conn, name, org_id, role, password=password, contact=contact, added_by=actor)
    except AccessError as exc:
        err.print(f"[red]Not added:[/red] {exc}")
        raise typer.Exit(1) from exc
    out.print(f"added user {name} (id {user_id}) as {role} of organisation {org_id}")


@users_app.command("list")
def list_(db: DbOption = None) -> None:
    """Every user with their role and organisation."""
    engine = database(db)
    with engine.connect() as conn:
        for user in list_users(conn):
            out.print(f"{user.user_id}\t{user.username}\t{user.role}\t{user.organisation}")


@users_app.command("set-password")
def set_password_cmd(name: str, db: DbOption = None) -> None:
    """Set a user's password, read from stdin (and clear any lockout)."""
    engine = database(db)
    try:
        with engine.begin() as conn:
            set_password(conn, name, sys.stdin.readline().rstrip("\n"))
    except AccessError as exc:
        err.print(f"[red]Not changed:[/red] {exc}")
        raise typer.Exit(1) from exc
    out.print(f"password set for {name}")


@users_app.command("disable")
def disable(name: str, db: DbOption = None) -> None:
    """Stop a user signing in or using tokens; ends their sessions."""
    engine = database(db)
    try:
        with engine.begin() as conn:
            disable_user(conn, name)
    except AccessError as exc:
        err.print(f"[red]Not disabled:[/red] {exc}")
        raise typer.Exit(1) from exc
    out.print(f"disabled {name}")


@users_app.command("caseload-add")
def caseload_add(
    name: Annotated[str, typer.Argument(help="The user whose caseload (or whose organisation's roll) it is.")],
    person_id: Annotated[int, typer.Argument(help="The child's person id.")],
    relationship: Annotated[str, typer.Option("--relationship", help="roll | caseload | allocated")] = "caseload",
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """Put a child on a user's caseload or their organisation's roll (so they are involved)."""
    engine = database(db)
    try:
        with engine.begin() as conn:
            actor = resolve_cli_actor(conn, as_name)
            user = find_user(conn, name)
            entry = add_to_caseload(conn, actor, person_id, user.id, relationship)
    except AccessError as exc:
        err.print(f"[red]Not added:[/red] {exc}")
        raise typer.Exit(1) from exc
    out.print(f"person {person_id} is on {name}'s {relationship} (entry {entry})")


def register(app: typer.Typer) -> None:
    app.add_typer(users_app, name="users")
