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
from joinedup.web.pages.templating import freeze_startup_objects

# Each stage's router module, in flow order. A missing one is an error at startup, never a
# silently absent API.
ROUTERS = (
    "records",
    "home",
    "identity",
    "chronology",
    "alerts",
    "rules",
    "access",
    "audit",
    "contests",
    "pages",
)


def create_app(engine: Engine | None = None, db_url: str | None = None) -> FastAPI:
    app = FastAPI(
        title="JoinedUp",
        version=joinedup.__version__,
        description="Multi-agency child safeguarding: intake, identity, chronology, alerts.",
        lifespan=freeze_startup_objects,
    )
    app.state.engine = engine if engine is not None else open_database(db_url)
    for name in ROUTERS:
        module = importlib.import_module(f"joinedup.web.routers.{name}")
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
