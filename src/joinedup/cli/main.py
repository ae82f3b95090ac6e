"""The ``joinedup`` command line: the names are fixed by design.md; add commands, never rename."""

from __future__ import annotations

import typer

from joinedup.cli import ingest as ingest_cmd

app = typer.Typer(
    name="joinedup",
    help="JoinedUp: one picture of a child from what every agency records.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("ingest")(ingest_cmd.ingest)


@app.callback()
def _root() -> None:
    """JoinedUp: one picture of a child from what every agency records."""


def _register_optional() -> None:
    """Stages land one at a time: each command module registers itself when present."""
    import importlib

    for name in (
        "serve",
        "demo",
        "synth",
        "link",
        "chronology",
        "rules",
        "alerts",
        "eval",
        "users",
        "tokens",
        "audit",
        "retention",
        "reviews",
        "contests",
        "transparency",
        "schema",
    ):
        try:
            module = importlib.import_module(f"joinedup.cli.{name}_cmd")
        except ModuleNotFoundError as exc:
            if exc.name != f"joinedup.cli.{name}_cmd":
                raise
            continue
        module.register(app)


_register_optional()
