"""Users admin: who has an account, in which organisation and role. Accounts are added and
disabled with ``joinedup users ...`` (the command line prints a one-time password safely);
this page is the administrator's read-only register.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from joinedup.access.accounts import list_users
from joinedup.access.policy import may_administer_users
from joinedup.web.deps import EngineDep
from joinedup.web.pages.actors import PageActor
from joinedup.web.pages.errors import PageForbidden
from joinedup.web.pages.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/users", response_class=HTMLResponse)
def users_register(request: Request, actor: PageActor, engine: EngineDep) -> HTMLResponse:
    if not may_administer_users(actor):
        raise PageForbidden("only administrators see the users register")
    with engine.connect() as conn:
        users = list_users(conn)
    return render(request, "views/users.html", {"users": sorted(users, key=lambda u: (u.organisation, u.username))})
