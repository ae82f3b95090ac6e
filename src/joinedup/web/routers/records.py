"""``POST /api/v1/records``: one record or a batch, acknowledged only once stored.

Only an authenticated agency system (a bearer token scoped ``ingest``) or a signed-in
practitioner may submit; the batch is attributed to them (``submitted_by = "api:<name>"``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Body, HTTPException
from fastapi.responses import JSONResponse

from joinedup.access.policy import may_ingest
from joinedup.audit.chain import record_event
from joinedup.audit.events import AuditEvent
from joinedup.ingest import ingest_payloads
from joinedup.records.models import AgencyRecord
from joinedup.web.deps import ActorDep, EngineDep

router = APIRouter(prefix="/api/v1", tags=["records"])
MAX_BATCH = 5_000


@router.post(
    "/records",
    summary="Submit one agency record or a batch",
    responses={
        200: {"description": "Every record was stored (or was already held)."},
        401: {"description": "No valid API token or session."},
        403: {"description": "The token is not scoped for ingest, or the role may not submit."},
        207: {"description": "Some records were refused; the others were stored."},
        413: {"description": f"More than {MAX_BATCH} records in one request."},
        422: {"description": "Nothing was stored: every record was refused."},
    },
)
def submit_records(
    engine: EngineDep,
    actor: ActorDep,
    body: Any = Body(  # noqa: B008 - FastAPI's way of declaring the body
        ...,
        openapi_examples={"one": {"summary": "One record", "value": {}}},
        json_schema_extra={
            "anyOf": [
                {"$ref": "#/components/schemas/AgencyRecord"},
                {"type": "array", "items": {"$ref": "#/components/schemas/AgencyRecord"}},
            ]
        },
    ),
) -> JSONResponse:
    """Validate and store; the answer has the ingest report's shape (accepted / duplicate /
    new_version / rejected with line = position in the batch)."""
    if not may_ingest(actor):
        raise HTTPException(403, "this token or role may not submit records; ask for a token with the ingest scope")
    payloads = body if isinstance(body, list) else [body]
    if len(payloads) > MAX_BATCH:
        return JSONResponse(
            {"detail": f"{len(payloads)} records in one request; send at most {MAX_BATCH} at a time"},
            status_code=413,
        )
    report = ingest_payloads(engine, payloads, source="api", submitted_by=f"api:{actor.name}")
    with engine.connect() as conn:
        record_event(
            conn,
            AuditEvent.for_actor(
                actor,
                action="ingest",
                purpose="agency submission of records",
                outcome="stored" if not report.rejected else "partly_refused",
                detail={
                    "accepted": report.accepted,
                    "duplicate": report.duplicate,
                    "new_version": report.new_version,
                    "rejected": len(report.rejected),
                },
            ),
        )
    stored = report.accepted + report.duplicate + report.new_version
    status = 200 if not report.rejected else (207 if stored else 422)
    return JSONResponse(report.as_json(), status_code=status)


# The record schema is published in the OpenAPI document even though the body is parsed by
# the intake (so a bad item in a batch refuses only that item, not the whole request).
SCHEMAS: dict[str, type[AgencyRecord]] = {"AgencyRecord": AgencyRecord}
