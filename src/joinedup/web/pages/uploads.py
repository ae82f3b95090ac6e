"""Bulk upload: an agency's CSV or JSON Lines file through the same intake as the command
line, with a result page that lists every refused row and why.

The file is written to a private temporary folder only for as long as the intake reads it.
A signed-in person can only send their own agency's records (``agency`` is enforced).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import UploadFile

from joinedup.access.policy import may_ingest
from joinedup.ingest import IngestError, ingest_file
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor, check_csrf
from joinedup.web.pages.errors import PageForbidden
from joinedup.web.pages.forms import FormErrors
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)
MAX_BYTES = 50 * 1024 * 1024
SUFFIXES = (".csv", ".jsonl", ".ndjson")
SHOWN_REJECTIONS = 500


@router.get("/uploads/new", response_class=HTMLResponse)
def new_upload(request: Request, actor: PageActor) -> HTMLResponse:
    if not may_ingest(actor):
        raise PageForbidden("role may not upload records")
    return render(request, "views/upload_new.html", {"errors": None})


@router.post("/uploads", response_class=HTMLResponse)
async def upload(request: Request, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    if not may_ingest(actor):
        raise PageForbidden("role may not upload records")
    posted = await request.form(max_part_size=MAX_BYTES)
    check_csrf(request, engine, actor, str(posted.get("csrf_token") or ""))
    errors = FormErrors()
    upload = posted.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        errors.add("file", "Select a CSV or JSON Lines file")
    else:
        suffix = Path(upload.filename).suffix.lower()
        if suffix not in SUFFIXES:
            errors.add("file", "The selected file must be a CSV (.csv) or JSON Lines (.jsonl) file")
        else:
            content = await upload.read()
            if not content:
                errors.add("file", "The selected file is empty")
            elif len(content) > MAX_BYTES:
                errors.add("file", "The selected file must be smaller than 50 MB; split it into parts")
            else:
                with tempfile.TemporaryDirectory(prefix="joinedup-upload-") as folder:
                    path = Path(folder) / f"upload{suffix}"
                    path.write_bytes(content)
                    try:
                        report = ingest_file(engine, path, submitted_by=f"user:{actor.name}", agency=actor.agency)
                    except IngestError as exc:
                        errors.add(
                            "file", f"The file could not be read: {str(exc).replace(path.name, upload.filename)}"
                        )
                    else:
                        context = {
                            "report": report,
                            "filename": upload.filename,
                            "rejections": report.rejected[:SHOWN_REJECTIONS],
                            "more_rejections": max(0, report.rejected_count - SHOWN_REJECTIONS),
                        }
                        return render(request, "views/upload_result.html", context)
    return render(request, "views/upload_new.html", {"errors": errors, "has_errors": True}, status_code=400)
