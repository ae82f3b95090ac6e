"""``joinedup eval …``: quality against ground truth. Each stage adds its own evaluation as a
module ``joinedup.cli.eval_<name>`` with ``register(eval_app)``."""

from __future__ import annotations

import importlib

import typer

eval_app = typer.Typer(help="Measure linkage, alert and theme quality against ground truth.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    for name in ("linkage", "alerts", "themes", "fairness"):
        try:
            module = importlib.import_module(f"joinedup.cli.eval_{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"joinedup.cli.eval_{name}":
                raise
            continue
        module.register(eval_app)
    if eval_app.registered_commands or eval_app.registered_groups:
        app.add_typer(eval_app, name="eval")
