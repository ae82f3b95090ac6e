"""Access: who may see what about a child, decided in one place (issue 6).

Exception family::

    AccessError                  anything the access package refuses
    ├── AccessDenied             the policy gave this actor no view of this child (guard.py)
    ├── UnknownOrganisation      no organisation by that name (the message lists those held)
    ├── UnknownUser              no user by that name
    ├── InvalidAccount           a role, scope, password or reason that the rules do not allow
    └── NotPermitted             the actor's role may not do this (e.g. admin reading a child)

Modules: ``policy`` (the one place the rules live), ``guard`` (the gate every read passes),
``involvement`` (facts the policy needs), ``accounts``/``passwords``/``sessions``/``tokens``
(authentication), ``actors`` (who the CLI and web are acting as), ``flags`` (the flag view),
``breakglass`` (time-limited emergency access).
"""

from __future__ import annotations


class AccessError(Exception):
    """Base of the access package's errors; messages carry ids and names of staff, never of children."""


class UnknownOrganisation(AccessError):
    pass


class UnknownUser(AccessError):
    pass


class InvalidAccount(AccessError):
    pass


class NotPermitted(AccessError):
    pass
