"""A county officer opens the statistics of the county, drills down through a township to a
village by clicking a bar and a table row, and downloads a panel's numbers as Excel."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fupin.accounts import roles
from fupin.reports import analytics
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_county_dashboard_drills_down_to_a_village_and_downloads_a_table(page, settings):
    settings.FUPIN_OTP_REQUIRED = False
    factories.region_tree()
    factories.make_household(household_type="poor_general", members=3)
    factories.make_household(household_type="edge", members=2)
    factories.make_household(household_type="general", members=4)
    analytics.rebuild()
    factories.make_user(role=roles.Role.COUNTY, region="430524000000", username="xianban")

    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("xianban")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="统计", exact=True).first.click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("隆回县")
    summary = page.get_by_test_id("panel-summary")
    expect(summary).to_contain_text("贫困发生率")
    expect(summary).to_contain_text("33.33")  # 3 poor of 9 persons
    # The child areas' chart is drawn (ECharts, served by the app itself).
    expect(page.locator("#panel-areas [data-chart-ready=true]").first).to_be_visible()

    # Clicking the township's bar opens its dashboard (ECharts draws on a canvas: find where
    # the bar is from the chart itself, then click there).
    chart = page.locator("#panel-areas [data-chart-ready=true]").first
    x, y = chart.evaluate(
        "el => echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [0, 1.5])"
    )
    chart.click(position={"x": x, "y": y})
    expect(page.get_by_role("heading", level=1)).to_contain_text("桃洪镇")
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_contain_text("隆回县")

    # And so does the township's row in the table.
    page.get_by_test_id("panel-areas").get_by_role("link", name="桃洪镇").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("桃洪镇")
    page.get_by_test_id("panel-areas").get_by_role("link", name="红星村").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("红星村")
    expect(page.get_by_test_id("panel-summary")).to_contain_text("9")
    expect(page.locator("nav.crumbs")).to_contain_text("隆回县")

    with page.expect_download() as download:
        page.get_by_test_id("panel-summary").get_by_role("link", name="下载 Excel").click()
    assert re.search(r"红星村.*\.xlsx$", download.value.suggested_filename)
