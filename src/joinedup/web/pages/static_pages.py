"""Pages with no personal data: the accessibility statement."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/accessibility", response_class=HTMLResponse)
def accessibility(request: Request) -> HTMLResponse:
    return render(request, "views/accessibility.html")
