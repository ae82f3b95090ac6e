"""``joinedup audit …``: check the hash chain, see who looked at a child, export a subject
access request, and review break-glass grants."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from joinedup.access import AccessError
from joinedup.access.actors import resolve_cli_actor
from joinedup.access.breakglass import grants, review_grant
from joinedup.audit import ChainBroken
from joinedup.audit.chain import verify_chain
from joinedup.audit.lookups import require_auditor, who_looked
from joinedup.audit.sar import subject_access_export
from joinedup.cli.common import DbOption, FormatOption, OutputFormat, database, err, out

audit_app = typer.Typer(help="The audit log: verify, who looked, subject access, break-glass.", no_args_is_help=True)
AsOption = Annotated[str | None, typer.Option("--as", help="Act as this user (an auditor) instead of the operator.")]


@audit_app.command("verify")
def verify(
    expect_head: Annotated[
        str | None, typer.Option("--expect-head", help="The head hash kept outside the database, to compare.")
    ] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Exit 0 when the chain is intact; exit 1 naming the first bad entry otherwise."""
    engine = database(db)
    with engine.connect() as conn:
        try:
            report = verify_chain(conn, expect_head)
        except ChainBroken as exc:
            if output is OutputFormat.TEXT:
                err.print(f"[red]{exc}[/red]")
            else:
                typer.echo(
                    orjson.dumps(
                        {"intact": False, "entry_id": exc.entry_id, "seq": exc.seq, "problem": exc.problem}
                    ).decode()
                )
            raise typer.Exit(1) from exc
    if output is OutputFormat.TEXT:
        out.print(f"audit chain intact: {report.entries} entries; head seq {report.head_seq} hash {report.head_hash}")
    else:
        typer.echo(
            orjson.dumps(
                {"intact": True, "entries": report.entries, "head_seq": report.head_seq, "head_hash": report.head_hash}
            ).decode()
        )


@audit_app.command("who-looked")
def who_looked_cmd(
    person_id: Annotated[int, typer.Argument(help="The child's person id.")],
    as_name: AsOption = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Every audited access to a child: who, organisation, role, what, why, when, outcome."""
    engine = database(db)
    try:
        with engine.connect() as conn:
            looks = who_looked(conn, resolve_cli_actor(conn, as_name), person_id)
    except AccessError as exc:
        err.print(f"[red]Refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    if output is OutputFormat.TEXT:
        for look in looks:
            out.print(
                f"{look.at}\t{look.actor_name}\t{look.role}\torg {look.organisation_id}\t{look.action}\t"
                f"{look.outcome}\t{look.purpose}"
            )
        err.print(f"{len(looks)} entries about person {person_id}")
    elif output is OutputFormat.JSON:
        typer.echo(orjson.dumps([look.as_json() for look in looks]).decode())
    else:
        for look in looks:
            typer.echo(orjson.dumps(look.as_json()).decode())


@audit_app.command("sar")
def sar(
    person_id: Annotated[int, typer.Argument(help="The person's id.")],
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the JSON export.")],
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """Subject access request: everything held about a person, as JSON, for the DPO to review."""
    engine = database(db)
    try:
        with engine.connect() as conn:
            export = subject_access_export(conn, resolve_cli_actor(conn, as_name), person_id)
    except AccessError as exc:
        err.print(f"[red]Not exported:[/red] {exc}")
        raise typer.Exit(1) from exc
    out_file.write_bytes(orjson.dumps(export, option=orjson.OPT_INDENT_2))
    err.print(f"wrote {len(export['records'])} records and {len(export['tables'])} other tables to {out_file}")


@audit_app.command("break-glass")
def break_glass_list(
    review: Annotated[int | None, typer.Option("--review", help="Mark this grant id as reviewed.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Include grants already reviewed.")] = False,
    as_name: AsOption = None,
    db: DbOption = None,
) -> None:
    """Break-glass grants awaiting the auditor's review (or mark one reviewed)."""
    engine = database(db)
    try:
        with engine.begin() as conn:
            actor = resolve_cli_actor(conn, as_name)
            if review is not None:
                review_grant(conn, actor, review)
                out.print(f"grant {review} reviewed")
                return
            require_auditor(conn, actor, "break-glass review list")
            found = grants(conn, unreviewed_only=not all_)
    except AccessError as exc:
        err.print(f"[red]Refused:[/red] {exc}")
        raise typer.Exit(1) from exc
    for g in found:
        state = f"reviewed by {g.reviewed_by}" if g.reviewed_by else "AWAITING REVIEW"
        out.print(
            f"{g.grant_id}\t{g.username}\tperson {g.person_id}\t{g.granted_at:%Y-%m-%d %H:%M}\t{state}\t{g.reason}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
