from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupin.core import workdays


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 10, 1), False),  # National Day
        (date(2025, 10, 8), False),  # a holiday moved from the Saturday after
        (date(2025, 9, 28), True),  # a Sunday worked instead (调休)
        (date(2025, 10, 11), True),  # a Saturday worked instead
        (date(2026, 3, 10), True),  # an ordinary Tuesday
        (date(2026, 3, 14), False),  # an ordinary Saturday
    ],
)
def test_working_days_follow_the_state_councils_calendar(day, working):
    assert workdays.is_working_day(day) is working


def test_three_working_days_after_a_lead_skip_the_national_holiday():
    # Received on Tuesday 30 September 2025: 1–8 October are off, 9 October is the first
    # working day after, 10 October the second, Saturday 11 October (worked) the third.
    assert workdays.add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)


def test_an_ordinary_week():
    assert workdays.add_working_days(date(2026, 3, 12), 3) == date(2026, 3, 17)  # Thu → Tue
    assert workdays.working_days_until(date(2026, 3, 12), date(2026, 3, 17)) == 3
    assert workdays.working_days_until(date(2026, 3, 17), date(2026, 3, 17)) == 0


@given(
    start=st.dates(min_value=date(2021, 1, 1), max_value=date(2026, 12, 1)),
    count=st.integers(0, 20),
)
def test_adding_then_counting_working_days_comes_back(start, count):
    due = workdays.add_working_days(start, count)
    assert workdays.working_days_until(start, due) == count
    assert count == 0 or workdays.is_working_day(due)
