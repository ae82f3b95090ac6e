"""What "today" is, in the UK, for refusing dates in the future.

Agencies record local (UK) time; a date-only value is in the future only once the UK day has
not yet reached it, so a school in Birmingham entering today's date at 00:30 is never refused.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def uk_today() -> date:
    return datetime.now(UK).date()


def is_in_future(value: date | datetime) -> bool:
    if isinstance(value, datetime):
        aware = value if value.tzinfo else value.replace(tzinfo=UK)
        # A few minutes of clock skew between an agency's server and ours is not an error.
        return (aware - datetime.now(UTC)).total_seconds() > 300
    return value > uk_today()
