"""``joinedup ingest FILE``: load an agency file and say exactly what became of every row."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from joinedup.cli.common import (
    DbOption,
    FormatOption,
    OutputFormat,
    database,
    err,
    operator_name,
    out,
    progress_bar,
)
from joinedup.ingest import IngestError, ingest_file
from joinedup.ingest.readers import read_file
from joinedup.records.vocab import Agency


def ingest(
    file: Annotated[Path, typer.Argument(help="A .jsonl or .csv file in agency record format v1.")],
    agency: Annotated[
        Agency | None,
        typer.Option("--agency", help="Agency for rows that do not say; rows that say another are refused."),
    ] = None,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Validate and store every record in FILE; exits 1 if any row was refused."""
    engine = database(db)
    try:
        total = sum(1 for _ in read_file(file)) if err.is_terminal else None
        with progress_bar(f"Ingesting {file.name}") as bar:
            task = bar.add_task("ingest", total=total)
            report = ingest_file(
                engine,
                file,
                submitted_by=operator_name(),
                agency=agency.value if agency else None,
                on_progress=lambda n: bar.advance(task, n),
            )
    except IngestError as exc:
        if output is OutputFormat.TEXT:
            err.print(f"[red]Cannot read the file:[/red] {exc}")
        else:
            typer.echo(orjson.dumps({"error": str(exc)}).decode())
        raise typer.Exit(2) from exc
    if output is OutputFormat.TEXT:
        out.print(
            f"accepted {report.accepted}, duplicate {report.duplicate}, "
            f"new version {report.new_version}, rejected {report.rejected_count}"
        )
        for errors in report.rejected:
            for error in errors:
                where = f"line {error.line}" + (f", {error.field}" if error.field else "")
                ident = f" ({error.source_record_id})" if error.source_record_id else ""
                out.print(f"  rejected {where}{ident}: {error.reason}", markup=False, highlight=False)
        for notice in report.notices.as_json():  # the data register (docs/minimisation.md)
            out.print(f"  notice: {notice['records']} record(s): {notice['reason']}", markup=False, highlight=False)
    else:
        typer.echo(orjson.dumps(report.as_json()).decode())
    if report.rejected_count:
        raise typer.Exit(1)
