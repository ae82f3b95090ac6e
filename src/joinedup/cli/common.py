"""Options every command shares, and the one console progress and messages go to.

Machine-readable output (``--format json``/``jsonl``) goes to stdout and nothing else does;
progress bars and human messages go to stderr, so a council's script can pipe stdout safely.
"""

from __future__ import annotations

import getpass
import sys
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine

from joinedup.storage.db import DEFAULT_URL, open_database

err = Console(stderr=True)
out = Console(soft_wrap=True)

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="JOINEDUP_DB",
        help=f"Database URL: sqlite:///FILE or postgresql://… (default {DEFAULT_URL}).",
        show_default=False,
    ),
]


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    JSONL = "jsonl"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="text for people; json/jsonl for tools.")]


def database(url: str | None) -> Engine:
    return open_database(url)


def operator_name() -> str:
    """Who is at the server's keyboard: the CLI's submissions are attributed to them."""
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli:operator"


def progress_bar(description: str) -> Progress:
    return Progress(
        TextColumn(f"[bold]{description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not sys.stderr.isatty(),
        transient=False,
    )
