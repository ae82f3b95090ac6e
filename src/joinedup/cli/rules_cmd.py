"""``joinedup rules list|check|run|docs``: the rule library, checked, replayed and documented."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Annotated

import orjson
import typer
from rich.table import Table

from joinedup.cli.common import DbOption, FormatOption, OutputFormat, database, err, out, progress_bar
from joinedup.rules.describe import LANGUAGE_DOC, render_rules_doc, rule_summary
from joinedup.rules.errors import RuleLibraryError
from joinedup.rules.loader import load_library

rules_app = typer.Typer(help="The rule library: list, check, replay history, document.", no_args_is_help=True)
DOCS = Path("docs/rules.md")


@rules_app.command("list")
def list_rules(output: FormatOption = OutputFormat.TEXT, db: DbOption = None) -> None:
    """Every rule with its severity, deadline and themes."""
    rules = load_library(include_disabled=True)
    if output is not OutputFormat.TEXT:
        typer.echo(orjson.dumps([rule_summary(r) for r in rules]).decode())
        return
    table = Table("id", "severity", "days", "look-back", "themes", "title")
    for r in rules:
        table.add_row(
            r.id, r.severity, str(r.decision_within_working_days), str(r.lookback_days), ", ".join(r.themes), r.title
        )
    out.print(table)


@rules_app.command("check")
def check(
    directory: Annotated[
        Path | None, typer.Argument(help="A folder of rule files (default: the shipped library).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Validate rule files and list every problem at once; exits 1 if any."""
    try:
        rules = load_library(directory, include_disabled=True)
    except RuleLibraryError as exc:
        err.print(str(exc), markup=False, highlight=False)
        raise typer.Exit(1) from exc
    out.print(f"{len(rules)} rule(s), no problems")


@rules_app.command("run")
def run(
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Judge only records dated up to this day (YYYY-MM-DD).")
    ] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Replay history: when each alert would first have fired (writes nothing)."""
    from joinedup.rules.engine import replay

    try:
        cutoff = date.fromisoformat(as_of) if as_of else None
    except ValueError as exc:
        err.print(f"[red]--as-of is YYYY-MM-DD[/red], not {as_of!r}")
        raise typer.Exit(2) from exc
    engine = database(db)
    started = time.perf_counter()
    with progress_bar("Replaying rules over every child") as bar:
        task = bar.add_task("replay", total=None)
        firings, children = replay(
            engine, cutoff, on_progress=lambda n, total: bar.update(task, completed=n, total=total)
        )
    took = time.perf_counter() - started
    if output is OutputFormat.JSONL:
        for f in firings:
            typer.echo(
                orjson.dumps(
                    {
                        "person_id": f.person_id,
                        "rule_id": f.rule_id,
                        "first_fired_at": f.first_fired_at.isoformat(),
                        "trigger_record_id": f.trigger_record_id,
                        "evidence_record_ids": list(f.evidence_record_ids),
                    }
                ).decode()
            )
        return
    per_rule = Counter(f.rule_id for f in firings)
    first: dict[str, date] = {}
    for f in firings:
        first[f.rule_id] = min(first.get(f.rule_id, f.first_fired_at), f.first_fired_at)
    if output is OutputFormat.JSON:
        typer.echo(
            orjson.dumps(
                {
                    "children": children,
                    "seconds": round(took, 2),
                    "alerts": len(firings),
                    "per_rule": {
                        k: {"alerts": v, "earliest": first[k].isoformat()} for k, v in sorted(per_rule.items())
                    },
                }
            ).decode()
        )
        return
    table = Table("rule", "alerts", "earliest first firing")
    for rule_id, n in sorted(per_rule.items()):
        table.add_row(rule_id, str(n), first[rule_id].isoformat())
    out.print(table)
    err.print(f"{len(firings)} alert(s) over {children} children in {took:.1f}s")


@rules_app.command("docs")
def docs(write: Annotated[bool, typer.Option(help="Write docs/rules.md instead of printing it.")] = False) -> None:
    """docs/rules.md, generated from the condition language notes and the YAML library."""
    text = render_rules_doc(load_library(include_disabled=True), LANGUAGE_DOC.read_text(encoding="utf-8"))
    if write:
        DOCS.write_text(text, encoding="utf-8")
        out.print(f"wrote {DOCS}")
    else:
        typer.echo(text, nl=False)


def register(app: typer.Typer) -> None:
    app.add_typer(rules_app, name="rules")
