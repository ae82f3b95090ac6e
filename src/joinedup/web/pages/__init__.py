"""The GOV.UK Design System pages practitioners use, one module per page family.

``joinedup.web.routers.pages.setup(app)`` mounts the govuk-frontend assets, installs the HTML
error pages and includes every family's router. Pages are server-rendered Jinja2 with the
govuk-frontend-jinja macros and work without JavaScript. Each page module stays thin: it calls
the stage that owns the data (ingest, identity, chronology, alerts, access, audit) and renders.

Exceptions, one family::

    PageError                 a page cannot be shown to this person
    ├── SignInRequired        nobody is signed in (becomes a redirect to the sign-in page)
    └── PageForbidden         signed in, but not allowed to see this (the 403 page)
"""

from joinedup.web.pages.errors import PageError, PageForbidden, SignInRequired

__all__ = ["PageError", "PageForbidden", "SignInRequired"]
