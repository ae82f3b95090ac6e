"""``joinedup serve``: the web UI and API on one port."""

from __future__ import annotations

from typing import Annotated

import typer

from joinedup.cli.common import DbOption, err


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DbOption = None,
) -> None:
    """Serve the web UI and API (default http://127.0.0.1:8000)."""
    import uvicorn

    from joinedup.web.app import create_app

    app = create_app(db_url=db)
    err.print(f"JoinedUp on http://{host}:{port}/ (Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
