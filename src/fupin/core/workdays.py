"""Working days in China: Monday to Friday except public holidays, plus the weekend days the
State Council moves work to (调休), as the `holidays` package publishes them each year. A
year it does not know yet counts weekends only."""

from __future__ import annotations

import functools
from datetime import date, timedelta

import holidays


@functools.cache
def _calendar(year: int) -> holidays.HolidayBase:
    return holidays.China(years=year)


def is_working_day(day: date) -> bool:
    return _calendar(day.year).is_working_day(day)


def add_working_days(start: date, count: int) -> date:
    """The ``count``-th working day after ``start`` (``start`` itself not counted)."""
    day = start
    left = count
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day):
            left -= 1
    return day


def working_days_until(today: date, due: date) -> int:
    """Working days after ``today`` up to and including ``due`` (0 when due today or past)."""
    count, day = 0, today
    while day < due:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
