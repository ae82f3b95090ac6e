"""Record a concern: the two-minute form a DSL or health visitor fills in.

The concern goes through the same intake as every agency file (``ingest_payloads``), so it is
validated, stored, linked to the child and evaluated by the rules before the answer comes
back; the result page says what happened and links to the child.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from joinedup.access.actor import Actor
from joinedup.access.policy import may_ingest
from joinedup.ingest import ingest_payloads
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor, checked_form
from joinedup.web.pages.concern_form import ConcernForm, agency_choices, event_choices, new_reference
from joinedup.web.pages.errors import PageForbidden
from joinedup.web.pages.outcomes import outcome_of_record
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)
FIELDS = (
    "agency", "given_name", "family_name", "date_of_birth-day", "date_of_birth-month", "date_of_birth-year",
    "upn", "nhs_number", "address_line1", "postcode", "parent_given_name", "parent_family_name",
    "event_type", "occurred-day", "occurred-month", "occurred-year", "narrative", "reference",
)  # fmt: skip


def _require_ingest(actor: Actor) -> None:
    if not may_ingest(actor):
        raise PageForbidden("role may not record concerns")


def _context(form: ConcernForm, actor: Actor) -> dict[str, Any]:
    return {
        "form": form,
        "values": form.values,
        "errors": form.errors,
        "has_errors": bool(form.errors),
        "ask_agency": actor.agency is None,
        "agency_items": agency_choices(form.get("agency")),
        "event_items": event_choices(form.get("event_type")),
        "error_list": form.errors.summary({"date_of_birth": "date_of_birth-day", "occurred": "occurred-day"}),
    }


@router.get("/concerns/new", response_class=HTMLResponse)
def new_concern(request: Request, actor: PageActor) -> HTMLResponse:
    _require_ingest(actor)
    today = date.today()
    form = ConcernForm(
        {
            "reference": new_reference(),
            "occurred-day": str(today.day),
            "occurred-month": str(today.month),
            "occurred-year": str(today.year),
        }
    )
    return render(request, "views/concern_new.html", _context(form, actor))


@router.post("/concerns", response_class=HTMLResponse)
async def record_concern(request: Request, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    _require_ingest(actor)
    posted = await checked_form(request, engine, actor)
    form = ConcernForm({name: str(posted.get(name) or "") for name in FIELDS})
    record = form.check(agency=actor.agency, today=date.today())
    if record is not None:
        organisation = _organisation_of(engine, actor)
        if organisation is not None:
            record["organisation"] = organisation
        if actor.local_authority:
            record["local_authority"] = actor.local_authority
        report = ingest_payloads(engine, [record], source="web:concern", submitted_by=f"user:{actor.name}")
        if report.rejected:
            for error in report.rejected[0]:
                form.errors.add(_field_of(error.field), f"{error.reason}")
        else:
            with engine.connect() as conn:
                outcome = outcome_of_record(conn, record["agency"], record["source_record_id"])
            context = {"outcome": outcome, "duplicate": report.duplicate > 0, "reference": record["source_record_id"]}
            return render(request, "views/concern_recorded.html", context)
    return render(request, "views/concern_new.html", _context(form, actor), status_code=400)


def _organisation_of(engine: EngineDep, actor: Actor) -> str | None:
    """The name of the actor's organisation, so the record says who recorded it and the
    access policy counts the organisation as involved with the child."""
    if actor.organisation_id is None:
        return None
    from joinedup.storage.access_accounts import organisation

    with engine.connect() as conn:
        row = organisation(conn, actor.organisation_id)
    return str(row.name) if row is not None else None


_FIELD_NAMES = {
    "subjects[0].given_name": "given_name",
    "subjects[0].family_name": "family_name",
    "subjects[0].date_of_birth": "date_of_birth",
    "subjects[0].upn": "upn",
    "subjects[0].nhs_number": "nhs_number",
    "subjects[0].address.postcode": "postcode",
    "occurred_at": "occurred",
    "event_type": "event_type",
    "narrative": "narrative",
    "agency": "agency",
}


def _field_of(path: str | None) -> str:
    return _FIELD_NAMES.get(path or "", "narrative")
