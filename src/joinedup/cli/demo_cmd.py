"""``joinedup demo``: a small synthetic authority, loaded through the real pipeline and served.

The demo uses no shortcuts: the synthetic records go through ``ingest_file`` exactly as an
agency's file would, and ingest runs identity and rules itself. Later stages add their own
demo material through ``load_demo_extras``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import Engine, func, inspect, select, table

from joinedup.cli.common import DbOption, database, err, operator_name, out, progress_bar
from joinedup.ingest import IngestError, ingest_file
from joinedup.synth import SynthConfig, SynthError, synthesise

# Tables counted in the summary, in flow order, with what to call them; absent ones are skipped.
SUMMARY_TABLES = (
    ("records", "records"),
    ("organisations", "organisations"),
    ("persons", "persons"),
    ("alerts", "alerts"),
    ("reviews", "case reviews"),
)
# Modules that may add demo material: each exposes ``load_examples(engine)``.
EXTRA_LOADERS = ("joinedup.learning.demo", "joinedup.cli.demo_accounts")


def load_demo_extras(engine: Engine) -> list[str]:
    """Give each later stage its chance to add demo material (e.g. example case reviews).

    A stage joins in by providing a module listed in ``EXTRA_LOADERS`` with a function
    ``load_examples(engine)``; its return value, if a string, is shown to the user.
    """
    notes: list[str] = []
    for name in EXTRA_LOADERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        loader: Callable[[Engine], object] | None = getattr(module, "load_examples", None)
        if loader is None:
            continue
        result = loader(engine)
        notes.append(result if isinstance(result, str) else f"{name}: loaded")
    return notes


def summary(engine: Engine) -> dict[str, int]:
    """Rows in each summary table that exists; a stage not built yet simply does not appear."""
    present = set(inspect(engine).get_table_names())
    counts: dict[str, int] = {}
    with engine.connect() as conn:
        for name, label in SUMMARY_TABLES:
            if name in present:
                counts[label] = int(conn.execute(select(func.count()).select_from(table(name))).scalar_one())
    return counts


def demo(
    children: Annotated[int, typer.Option("--children", help="Children in the demo authority.")] = 400,
    years: Annotated[int, typer.Option("--years", help="Years of history.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Seed for the synthetic population.")] = 7,
    out_dir: Annotated[Path, typer.Option("--out", help="Where the synthetic files go.")] = Path("demo-data"),
    host: Annotated[str, typer.Option(help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to serve on.")] = 8000,
    no_serve: Annotated[bool, typer.Option("--no-serve", help="Load the data, print the summary, and stop.")] = False,
    db: DbOption = None,
) -> None:
    """Synthesise a small authority, load it through the full pipeline, and serve the web UI."""
    try:
        result = synthesise(SynthConfig(children=children, years=years, seed=seed), out_dir)
    except SynthError as exc:
        err.print(f"[red]Cannot synthesise the demo authority:[/red] {exc}")
        raise typer.Exit(2) from exc
    err.print(f"Synthesised {result.records:,} records for {children:,} children into {out_dir}")
    engine = database(db)
    records_file = out_dir / "records.jsonl"
    try:
        with progress_bar("Loading the demo authority") as bar:
            task = bar.add_task("ingest", total=result.records)
            report = ingest_file(
                engine,
                records_file,
                submitted_by=operator_name(),
                on_progress=lambda n: bar.advance(task, n),
            )
    except IngestError as exc:
        err.print(f"[red]Cannot load the demo records:[/red] {exc}")
        raise typer.Exit(2) from exc
    if report.rejected_count:
        err.print(f"[red]{report.rejected_count} demo records were refused;[/red] run `joinedup ingest {records_file}`")
        raise typer.Exit(1)
    for note in load_demo_extras(engine):
        err.print(note)
    out.print(
        f"Loaded: accepted {report.accepted:,}, already present {report.duplicate:,}. "
        + ", ".join(f"{label} {count:,}" for label, count in summary(engine).items())
    )
    if no_serve:
        return
    import uvicorn

    from joinedup.web.app import create_app

    err.print(f"JoinedUp demo on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(create_app(engine=engine), host=host, port=port, log_level="warning", access_log=False)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
