"""``joinedup synth``: a synthetic local authority with its ground truth, for testing and demos.

It touches no database: it writes files that ``joinedup ingest`` reads, and a ``truth/``
folder that only the evaluations read.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

from joinedup.cli.common import err, out, progress_bar
from joinedup.synth import SynthConfig, SynthError, synthesise


def parse_start(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r} is not a date; write it as YYYY-MM-DD, e.g. 2023-11-01") from exc


def synth(
    children: Annotated[int, typer.Option("--children", help="How many children the authority has.")] = 1000,
    years: Annotated[int, typer.Option("--years", help="Years of history to record.")] = 3,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files, byte for byte.")] = 1,
    out_dir: Annotated[Path, typer.Option("--out", help="Folder to write into (created if missing).")] = Path(
        "synth-data"
    ),
    start_date: Annotated[
        str | None,
        typer.Option(
            "--start-date",
            help="First day of the history, YYYY-MM-DD (default: so that it ends a week before today).",
            show_default=False,
        ),
    ] = None,
    csv: Annotated[bool, typer.Option("--csv", help="Also write records.csv (the flattened CSV form).")] = False,
    workers: Annotated[int | None, typer.Option("--workers", help="Processes to use (default: up to 2).")] = None,
) -> None:
    """Write a synthetic authority's records (records.jsonl) and its ground truth (truth/)."""
    config = SynthConfig(children=children, years=years, seed=seed, start=parse_start(start_date))
    try:
        with progress_bar("Synthesising") as bar:
            task = bar.add_task("synth", total=None)

            def on_stage(name: str, done: int, total: int) -> None:
                bar.update(task, description=name, completed=done, total=total)

            result = synthesise(config, out_dir, with_csv=csv, workers=workers, on_stage=on_stage)
    except SynthError as exc:
        err.print(f"[red]Cannot synthesise:[/red] {exc}")
        raise typer.Exit(2) from exc
    out.print(
        f"{result.records:,} records about {result.persons:,} people in {result.families:,} families "
        f"({result.harmed} children on a harm trajectory) written to {result.out} in {result.seconds:.1f}s"
    )


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)
