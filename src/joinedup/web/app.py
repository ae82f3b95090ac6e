"""The FastAPI application: API routers, pages, and the record schema in the OpenAPI document."""

from __future__ import annotations

import importlib
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from sqlalchemy import Engine

import joinedup
from joinedup.records.models import AgencyRecord
from joinedup.storage.db import open_database

# Each stage's router module, in flow order; a module not written yet is passed over.
ROUTERS = (
    "records",
    "home",
    "identity",
    "chronology",
    "alerts",
    "rules",
    "access",
    "audit",
    "learning",
    "contests",
    "pages",
)


def create_app(engine: Engine | None = None, db_url: str | None = None) -> FastAPI:
    app = FastAPI(
        title="JoinedUp",
        version=joinedup.__version__,
        description="Multi-agency child safeguarding: intake, identity, chronology, alerts.",
    )
    app.state.engine = engine if engine is not None else open_database(db_url)
    for name in ROUTERS:
        try:
            module = importlib.import_module(f"joinedup.web.routers.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"joinedup.web.routers.{name}":
                raise
            continue
        setup = getattr(module, "setup", None)
        if setup is not None:
            setup(app)
        else:
            app.include_router(module.router)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            defs = AgencyRecord.model_json_schema(ref_template="#/components/schemas/{model}")
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            components.update(defs.pop("$defs", {}))
            components["AgencyRecord"] = defs
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app
