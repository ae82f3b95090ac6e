"""``joinedup tokens …``: bearer tokens for agency systems. A token is printed once and
stored only as a digest; revoke one the moment a system is retired or a token leaks."""

from __future__ import annotations

from typing import Annotated

import typer

from joinedup.access import AccessError, NotPermitted
from joinedup.access.actors import resolve_cli_actor
from joinedup.access.policy import may_administer_users
from joinedup.access.tokens import SCOPES, issue_token, list_tokens, revoke_token
from joinedup.cli.common import DbOption, database, err, out

tokens_app = typer.Typer(help="API tokens for agency systems: create, list, revoke.", no_args_is_help=True)
AsOption = Annotated[str | None, typer.Option("--as", help="Act as this user (an admin) instead of the operator.")]


@tokens_app.command("create")
def create(
    user: Annotated[str, typer.Option("--user", help="The user (agency system) the token acts for.")],
    scope: Annotated[str, typer.Option("--scope", help=f"One of: {', '.join(SCOPES)}.")] = "ingest",
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """Create a token and print it once on stdout (nothing else goes to stdout)."""
    engine = database(db)
    try:
        with engine.begin() as conn:
            actor = resolve_cli_actor(conn, as_name)
            if not may_administer_users(actor):
                raise NotPermitted("only an admin creates tokens")
            token_id, token = issue_token(conn, user, scope, issued_by=actor)
    except AccessError as exc:
        err.print(f"[red]No token created:[/red] {exc}")
        raise typer.Exit(1) from exc
    err.print(f"token {token_id} for {user} (scope {scope}); it will not be shown again:")
    typer.echo(token)


@tokens_app.command("list")
def list_(user: Annotated[str | None, typer.Option("--user")] = None, db: DbOption = None) -> None:
    """Tokens (id, user, first characters, scope, last used, revoked): never the tokens themselves."""
    engine = database(db)
    with engine.connect() as conn:
        for t in list_tokens(conn, user):
            state = f"revoked {t.revoked_at:%Y-%m-%d}" if t.revoked_at else "active"
            used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "never used"
            out.print(f"{t.token_id}\t{t.username}\t{t.prefix}…\t{t.scope}\t{used}\t{state}")


@tokens_app.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(help="The token's id (see `joinedup tokens list`).")],
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """Revoke a token: it stops working at once."""
    engine = database(db)
    try:
        with engine.begin() as conn:
            actor = resolve_cli_actor(conn, as_name)
            if not may_administer_users(actor):
                raise NotPermitted("only an admin revokes tokens")
            revoke_token(conn, token_id, revoked_by=actor)
    except AccessError as exc:
        err.print(f"[red]Not revoked:[/red] {exc}")
        raise typer.Exit(1) from exc
    out.print(f"token {token_id} revoked")


def register(app: typer.Typer) -> None:
    app.add_typer(tokens_app, name="tokens")
