"""Deadlines in the words a front door uses: working days, with overdue impossible to miss.

Working days come from the alerts stage's calendar (weekends and bank holidays in England
skipped), so the inbox counts the same days the statutory clock does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from joinedup.alerts.workdays import is_working_day


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: 2 from a Friday to the Tuesday after; negative when ``end``
    is earlier (a deadline of Monday seen on Wednesday is -2: two working days late)."""
    low, high = (start, end) if end >= start else (end, start)
    count = sum(1 for offset in range(1, (high - low).days + 1) if is_working_day(low + timedelta(days=offset)))
    return count if end >= start else -count


@dataclass(frozen=True)
class Deadline:
    due: date
    today: date
    closed: bool = False

    @property
    def overdue(self) -> bool:
        return not self.closed and self.due < self.today

    @property
    def due_today(self) -> bool:
        return not self.closed and self.due == self.today

    @property
    def working_days_left(self) -> int:
        return working_days_between(self.today, self.due)

    @property
    def words(self) -> str:
        if self.closed:
            return "Decided"
        if self.due_today:
            return "Due today"
        days = self.working_days_left
        if self.overdue:
            late = max(1, -days)
            return f"Overdue by {late} working {'day' if late == 1 else 'days'}"
        return f"Due in {days} working {'day' if days == 1 else 'days'}"
