"""``joinedup transparency``: write the public transparency page (docs/transparency.md) from
the rules, the data register and a saved fairness evaluation."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer

from joinedup.cli.common import err


def transparency(
    fairness: Annotated[
        Path | None,
        typer.Option("--fairness", help="Output of `joinedup eval fairness --format json`, for the figures."),
    ] = None,
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the page.")] = Path("docs/transparency.md"),
) -> None:
    """Every rule in plain English with its purpose, lawful basis and figures; the data register."""
    from joinedup.fairness.transparency import render_transparency
    from joinedup.ingest.minimisation import load_register
    from joinedup.rules.loader import load_library

    figures: dict[str, Any] | None = None
    if fairness is not None:
        try:
            figures = orjson.loads(fairness.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            err.print(
                f"[red]Cannot read {fairness}[/red]: give the JSON `joinedup eval fairness --format json` printed"
            )
            raise typer.Exit(2) from exc
    out_file.write_text(render_transparency(load_library(), load_register(), figures), encoding="utf-8")
    err.print(f"wrote {out_file}")


def register(app: typer.Typer) -> None:
    app.command("transparency")(transparency)
