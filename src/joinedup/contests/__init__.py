"""Contesting the record: a professional, or a family through the local authority, challenges a
record, a link between two people, or an alert; a manager decides.

Why it is built this way: early-warning tools have been found to hold wrong data that families
had no way to correct. Here a contest is recorded with its reason, the item is shown as
contested wherever it appears, and an upheld contest is corrected by a new version of the
record or by an unmerge, never by editing what was held. Every step is in the audit log.

Exceptions::

    ContestError
    ├── UnknownItem       the record, link, alert or contest named does not exist
    ├── NotPermitted      the actor's role may not raise or decide contests
    └── CannotDecide      already decided, or the correction offered does not fit
"""

from joinedup.contests.errors import CannotDecide, ContestError, NotPermitted, UnknownItem
from joinedup.contests.service import (
    DECIDING_ROLE,
    contest_alert,
    contest_link,
    contest_record,
    decide_contest,
    list_contests,
)

__all__ = [
    "DECIDING_ROLE",
    "CannotDecide",
    "ContestError",
    "NotPermitted",
    "UnknownItem",
    "contest_alert",
    "contest_link",
    "contest_record",
    "decide_contest",
    "list_contests",
]
