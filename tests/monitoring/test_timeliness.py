"""Timeliness of leads per township and county: in time means on or before the due date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from fupin.monitoring import services
from fupin.monitoring.models import Lead
from fupin.monitoring.timeliness import level_below, timeliness
from tests import factories
from tests.factories import login, make_household, make_lead, make_staff

pytestmark = pytest.mark.django_db
TUESDAY = date(2026, 3, 10)  # check due Friday 13 (three working days), decision due 25
TODAY = date(2026, 4, 30)
TOWNSHIP, OTHER_TOWNSHIP = "430524100000", "430524101000"


@pytest.fixture
def staff():
    factories.region_tree()
    return make_staff()


def _closed_on(day: date, received: date = TUESDAY, region: str = "430524100201") -> Lead:
    """A lead received on ``received``, checked at home and closed on ``day``."""
    household = make_household(household_type="exited", region=region)
    cadre = factories.make_user(role="village", region=region)
    lead = make_lead(household=household, today=received, actor=cadre)
    return services.lead_check(
        actor=cadre, lead=lead, outcome="closed", reason="收入稳定", today=day
    )


def _report(level="township", today=TODAY, code="430524000000"):
    return timeliness(Lead.objects.all(), level=level, today=today, total_code=code)


def test_a_check_on_its_due_date_is_in_time_and_a_day_later_is_not(staff):
    on_time = _closed_on(date(2026, 3, 13))
    late = _closed_on(date(2026, 3, 14))
    assert on_time.check_due == late.check_due == date(2026, 3, 13)
    (row,) = _report().areas
    assert (row.received, row.checked, row.checked_in_time) == (2, 2, 1)
    assert row.checked_in_time_rate == 50


def test_a_decision_on_its_due_date_is_in_time_and_a_day_later_is_not(staff):
    due = TUESDAY + timedelta(days=15)
    on_time = _closed_on(due)
    late = _closed_on(due + timedelta(days=1))
    assert on_time.decision_due == late.decision_due == due
    (row,) = _report().areas
    assert (row.decided, row.decided_in_time, row.decided_in_time_rate) == (2, 1, 50)
    assert row.median_days == 15.5  # 15 and 16 days from receipt


def test_open_and_overdue_leads_as_of_today(staff):
    waiting = make_lead(household=make_household(), today=TUESDAY, actor=staff["village"])
    fresh = make_lead(household=make_household(), today=date(2026, 4, 29), actor=staff["village"])
    (row,) = _report().areas
    assert (row.open, row.overdue) == (2, 1)
    # A lead whose deadline has not come yet is neither late nor counted in the rate.
    assert (row.due_for_check, row.checked_in_time_rate) == (1, 0)
    assert (waiting.check_due < TODAY, fresh.check_due >= TODAY) == (True, True)
    # The day after the check deadline it is overdue; on the deadline it is not.
    (on_deadline,) = _report(today=waiting.check_due).areas
    assert on_deadline.overdue == 0


def test_a_lead_in_a_procedure_is_overdue_after_the_decision_deadline(staff):
    household = make_household(household_type="exited")
    lead = make_lead(household=household, today=TUESDAY, actor=staff["village"])
    services.lead_check(
        actor=staff["village"],
        lead=lead,
        outcome="procedure",
        target_kind="unstable",
        reason="医疗支出大",
        today=TUESDAY,
    )
    lead.refresh_from_db()
    (row,) = _report(today=lead.decision_due).areas
    assert (row.checked_in_time, row.open, row.overdue, row.decided) == (1, 1, 0, 0)
    (row,) = _report(today=lead.decision_due + timedelta(days=1)).areas
    assert row.overdue == 1 and row.due_for_decision == 1


def test_rows_per_township_with_the_county_total_and_its_median(staff):
    _closed_on(date(2026, 3, 12))  # 2 days
    _closed_on(date(2026, 3, 20))  # 10 days
    _closed_on(date(2026, 3, 14), region="430524101201")  # 4 days, checked late
    report = _report()
    assert [(a.code, a.name, a.received) for a in report.areas] == [
        (TOWNSHIP, "桃洪镇", 2),
        (OTHER_TOWNSHIP, "小沙江镇", 1),
    ]
    assert [a.median_days for a in report.areas] == [6, 4]
    total = report.total
    assert (total.name, total.received, total.checked_in_time, total.median_days) == (
        "隆回县",
        3,
        1,
        4,
    )


def test_above_the_county_the_rows_are_counties(staff):
    _closed_on(date(2026, 3, 12))
    _closed_on(date(2026, 3, 12), region="431123100201")
    report = _report(level="county", code="430000000000")
    assert [(a.code, a.received) for a in report.areas] == [
        ("430524000000", 1),
        ("431123000000", 1),
    ]
    assert report.total.name == "湖南省" and report.total.received == 2
    assert level_below("430000000000") == "county" and level_below("") == "county"
    assert level_below("430524000000") == level_below("430524100201") == "township"


def test_the_page_shows_the_readers_townships_for_the_period(client, staff):
    _closed_on(date(2026, 3, 12))
    _closed_on(date(2026, 3, 12), region="431123100201")  # another county
    login(client, staff["county"])
    url = reverse("monitoring:timeliness")
    page = client.get(url, {"start": "2026-01-01", "end": "2026-12-31"}).content.decode()
    assert "桃洪镇" in page and "合计（隆回县）" in page and "双牌县" not in page
    assert "泷泊镇" not in page
    empty = client.get(url, {"start": "2025-01-01", "end": "2025-12-31"}).content.decode()
    assert "该期间没有受理线索" in empty
    refused = client.get(url, {"start": "2026-05-01", "end": "2026-04-01"}).content.decode()
    assert "起始日期不能晚于截止日期" in refused
    workbook = client.get(url, {"start": "2026-01-01", "end": "2026-12-31", "format": "xlsx"})
    assert workbook["Content-Disposition"].startswith('attachment; filename="lead-timeliness-')
