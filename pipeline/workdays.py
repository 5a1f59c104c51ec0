"""Working days by China's official calendar (调休 included), via ``chinesecalendar``.

For a year the calendar does not know, fall back to Monday-Friday and say the figure is an
estimate. Each year is looked up once and kept as a cumulative table, so counting the working
days between two dates costs the same for a week as for a year.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import chinese_calendar


def is_workday(day: dt.date) -> tuple[bool, bool]:
    """(is a working day, estimated)."""
    try:
        return bool(chinese_calendar.is_workday(day)), False
    except NotImplementedError:
        return day.weekday() < 5, True


@lru_cache(maxsize=256)
def _year(year: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Cumulative (working days, estimated days) of ``year``: index ``i`` counts days 1..i."""
    work, est = [0], [0]
    day = dt.date(year, 1, 1)
    while day.year == year:
        w, e = is_workday(day)
        work.append(work[-1] + w)
        est.append(est[-1] + e)
        day += dt.timedelta(days=1)
    return tuple(work), tuple(est)


def _through(day: dt.date, base_year: int) -> tuple[int, int]:
    """(working days, estimated days) from ``base_year``-01-01 through ``day`` inclusive."""
    work = est = 0
    for year in range(base_year, day.year):
        w, e = _year(year)
        work, est = work + w[-1], est + e[-1]
    w, e = _year(day.year)
    doy = day.timetuple().tm_yday
    return work + w[doy], est + e[doy]


def workdays_between(start: dt.date, end: dt.date) -> tuple[int, bool]:
    """Working days in (start, end]: the days after ``start`` up to and including ``end``.

    Returns (count, estimated); estimated is true when any of those days lies in a year the
    official calendar does not know. (0, False) when ``end <= start``.
    """
    if end <= start:
        return 0, False
    w_start, e_start = _through(start, start.year)
    w_end, e_end = _through(end, start.year)
    return w_end - w_start, e_end > e_start


def add_workdays(start: dt.date, n: int) -> tuple[dt.date, bool]:
    """The date ``n`` working days after ``start`` (start itself not counted), and estimated."""
    day, left, estimated = start, n, False
    while left > 0:
        day += dt.timedelta(days=1)
        work, est = is_workday(day)
        estimated = estimated or est
        left -= work
    return day, estimated
