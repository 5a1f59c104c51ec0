"""Working days by China's official calendar (调休 included), via ``chinesecalendar``.

For a year the calendar does not know, fall back to Monday-Friday and say the figure is an
estimate.
"""

from __future__ import annotations

import datetime as dt

import chinese_calendar


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, estimated)."""
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        return day.weekday() < 5, True


def workdays_between(start: dt.date, end: dt.date) -> tuple[int, bool]:
    """Working days in (start, end]: the days after ``start`` up to and including ``end``.

    Returns (count, estimated). 0 when ``end <= start``.
    """
    if end <= start:
        return 0, False
    count, estimated = 0, False
    day = start + dt.timedelta(days=1)
    while day <= end:
        work, est = is_workday(day)
        count += work
        estimated = estimated or est
        day += dt.timedelta(days=1)
    return count, estimated


def add_workdays(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The date ``n`` working days after ``start`` (start itself not counted)."""
    day, left, estimated = start, n, False
    while left > 0:
        day += dt.timedelta(days=1)
        work, est = is_workday(day)
        estimated = estimated or est
        left -= work
    return day, estimated
