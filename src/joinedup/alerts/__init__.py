"""Alerts: one open alert per child and rule, routed to the child's current front door, with
working-day deadlines, escalation, acknowledgement and decision; and the notifications real
schemes promise (Operation Encompass, CP-IS) through an outbox.

Errors drawn from one family::

    AlertError
     ├── AlertNotFound       no alert with that id
     └── AlertStateError     the action does not fit the alert's state, or a bad decision
"""

from joinedup.alerts.errors import AlertError, AlertNotFound, AlertStateError

__all__ = ["AlertError", "AlertNotFound", "AlertStateError"]
