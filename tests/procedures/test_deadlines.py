from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from fupin.procedures import deadlines
from fupin.procedures.models import Flag, Step
from fupin.procedures.tasks import deadlines_daily, seconds_to_next_run
from tests import factories
from tests.factories import make_procedure, make_staff

DUE = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("today", "flag"),
    [
        (DUE - timedelta(days=3), Flag.NONE),  # three days ahead: not yet
        (DUE - timedelta(days=2), Flag.SOON),  # within the two warning days
        (DUE - timedelta(days=1), Flag.SOON),
        (DUE, Flag.SOON),  # due today is still in time
        (DUE + timedelta(days=1), Flag.OVERDUE),
        (DUE + timedelta(days=30), Flag.OVERDUE),
    ],
)
def test_flags_around_the_deadline(today, flag):
    assert deadlines.flag_for(DUE, today, warning_days=2) == flag


@given(
    due=st.dates(min_value=date(2014, 1, 1), max_value=date(2040, 1, 1)),
    offset=st.integers(-60, 60),
    warning=st.integers(0, 10),
)
def test_a_flag_is_red_after_the_due_day_orange_within_the_warning_days(due, offset, warning):
    today = due + timedelta(days=offset)
    flag = deadlines.flag_for(due, today, warning)
    if offset > 0:
        assert flag == Flag.OVERDUE
    elif -offset <= warning:
        assert flag == Flag.SOON
    else:
        assert flag == Flag.NONE


def test_no_due_date_no_flag():
    assert deadlines.flag_for(None, DUE, 2) == Flag.NONE


@pytest.mark.django_db
def test_the_daily_recomputation_moves_flags_as_days_pass():
    factories.region_tree()
    staff = make_staff()
    procedure = make_procedure(kind="exit", staff=staff)
    step = procedure.steps.get(status=Step.Status.OPEN)
    assert step.due == timezone.localdate() + timedelta(days=5)  # step_deadline_days
    assert step.flag == Flag.NONE
    assert deadlines.recompute_all(today=step.due - timedelta(days=2)) == 1
    step.refresh_from_db()
    assert step.flag == Flag.SOON
    deadlines.recompute_all(today=step.due + timedelta(days=1))
    step.refresh_from_db()
    assert step.flag == Flag.OVERDUE
    counts = deadlines.counts_by_area(Step.objects.filter(status="open"), "township")
    assert counts == [{"code": "430524100", "open": 1, "soon": 0, "overdue": 1}]


@pytest.mark.django_db
def test_the_daily_task_recomputes_today():
    factories.region_tree()
    procedure = make_procedure(kind="exit", staff=make_staff())
    Step.objects.filter(procedure=procedure).update(flag=Flag.OVERDUE)
    assert deadlines_daily.call() == 1
    assert procedure.steps.get(status="open").flag == Flag.NONE


def test_the_clock_waits_until_just_after_the_next_midnight():
    now = timezone.make_aware(datetime(2026, 3, 10, 23, 0))
    assert seconds_to_next_run(now) == 65 * 60
