"""Working days in England: statutory clocks (Working Together 2023) skip weekends and bank
holidays. Bank holidays come from the maintained ``holidays`` library (offline), never a
hand-kept list.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

UK = ZoneInfo("Europe/London")
SCHOOL_DAY_START = time(8, 30)


@cache
def _bank_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("GB", subdiv="ENG", years=year)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start``; 0 means ``start`` itself if it is a
    working day, else the next one (a same-day deadline raised on a Saturday falls on Monday)."""
    current = start
    if days == 0:
        while not is_working_day(current):
            current += timedelta(days=1)
        return current
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def next_school_day_start(after: datetime) -> datetime:
    """The start of the next school day after ``after`` (UK time): Operation Encompass's promise.
    School terms vary by school and are not known here, so weekends and bank holidays are
    skipped and every other weekday counts as a school day (the earlier, safer answer)."""
    local = after.astimezone(UK) if after.tzinfo else after.replace(tzinfo=UK)
    day = local.date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, SCHOOL_DAY_START, tzinfo=UK)
