"""The statistics pages: the dashboard of the user's area with drill-down, each panel's
Excel, the standard tables, the rebuild action, and scope."""

from __future__ import annotations

import io
import json
import re

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from fupin.core.models import Job
from fupin.reports import analytics
from tests import factories

pytestmark = pytest.mark.django_db
COUNTY, TOWNSHIP, VILLAGE = "430524000000", "430524100000", "430524100201"


@pytest.fixture
def build():
    factories.region_tree()
    factories.make_household(household_type="poor_general", members=3)
    factories.make_household(household_type="unstable", members=2)
    factories.make_household(household_type="general", members=5)
    return analytics.rebuild()


def page(client, user, **params):
    factories.login(client, user)
    return client.get(reverse("reports:dashboard"), params)


def test_the_dashboard_opens_on_the_users_area_with_its_figures(client, build):
    county = factories.make_user(role="county", region=COUNTY)
    response = page(client, county)
    text = response.content.decode()
    assert response.status_code == 200
    assert "隆回县" in text and f"{build.last_year} 年" in text
    for panel in ("summary", "areas", "exits", "monitoring", "leads", "procedures", "structure"):
        assert f'data-testid="panel-{panel}"' in text
    assert 'data-testid="panel-county_exit"' in text
    # 3 poor of 10 persons.
    assert '<td class="num">30.00</td>' in text


def test_drilling_down_from_county_to_village(client, build):
    county = factories.make_user(role="county", region=COUNTY)
    text = page(client, county).content.decode()
    township_link = f"?area={TOWNSHIP}&amp;year={build.last_year}"
    assert township_link in text
    township = page(client, county, area=TOWNSHIP, year=build.last_year).content.decode()
    assert f"?area={VILLAGE}&amp;year={build.last_year}" in township
    village = page(client, county, area=VILLAGE, year=build.last_year).content.decode()
    assert "红星村" in village and "panel-county_exit" not in village


def test_each_bar_of_the_child_area_chart_links_to_that_areas_dashboard(client, build):
    county = factories.make_user(role="county", region=COUNTY)
    text = page(client, county).content.decode()
    found = re.search(r'<script id="chart-areas-0" type="application/json">(.*?)</script>', text)
    chart = json.loads(found.group(1))
    assert chart["categories"] == ["桃洪镇", "小沙江镇"]
    assert chart["values"] == [3, 0]
    assert chart["links"][0] == f"/statistics/?area={TOWNSHIP}&year={build.last_year}"


def test_a_village_user_sees_its_own_village_without_areas_below(client, build):
    village = factories.make_user(role="village", region=VILLAGE)
    response = page(client, village)
    text = response.content.decode()
    assert response.status_code == 200
    assert "红星村" in text and "panel-county_exit" not in text
    assert '<td class="num">30.00</td>' in text  # the village holds all 10 persons
    assert "?area=430524100202" not in text  # no links to neighbouring villages
    assert page(client, village, area=TOWNSHIP).status_code == 403
    assert page(client, village, area="430524100202").status_code == 403


def test_an_unknown_area_or_panel_is_not_found(client, build):
    county = factories.make_user(role="county", region=COUNTY)
    assert page(client, county, area="439999000000").status_code == 404
    assert page(client, county, download="nothing").status_code == 404


def test_the_county_exit_panel_lists_the_four_indicators_once_evaluated(client, build):
    from fupin.standards.models import CountyExitEvaluation

    CountyExitEvaluation.objects.create(
        region_id=COUNTY,
        year=build.last_year,
        sampled_exited_persons=100,
        wrong_exit_persons=1,
        sampled_other_persons=100,
        missed_persons=1,
        surveyed_households=100,
        approving_households=95,
    )
    county = factories.make_user(role="county", region=COUNTY)
    text = page(client, county).content.decode()
    panel = text.split('data-testid="panel-county_exit"')[1].split("</section>")[0]
    for name in ("综合贫困发生率", "错退率", "漏评率", "群众认可度"):
        assert name in panel
    assert "95.00" in panel and "尚未录入" not in panel


def test_a_panel_downloads_as_excel_with_its_heading(client, build):
    county = factories.make_user(role="county", region=COUNTY, full_name="统计员")
    response = page(client, county, download="areas")
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = rows.to_python()
    assert rows[0][0] == "下级区域"
    assert rows[1][0] == f"区域：隆回县（{COUNTY}）"
    assert rows[2][0] == f"年度：{build.last_year}"
    assert rows[3][0].startswith("数据时间：") and "统计员" in rows[4][0]
    assert rows[6][:3] == ["区域", "人数", "贫困人数"]
    assert rows[7][:3] == ["桃洪镇", 10.0, 3.0]


def test_a_township_user_sees_its_township_and_not_the_county(client, build):
    township = factories.make_user(role="township", region=TOWNSHIP)
    assert "桃洪镇" in page(client, township).content.decode()
    assert page(client, township, area=COUNTY).status_code == 403
    assert page(client, township, area="431123000000").status_code == 403


def test_the_standard_tables_page_and_its_downloads(client, build):
    county = factories.make_user(role="county", region=COUNTY)
    factories.login(client, county)
    url = reverse("reports:tables")
    text = client.get(url, {"table": "households"}).content.decode()
    assert "农户和人口" in text and "合计" in text
    excel = client.get(url, {"table": "leads", "format": "xlsx"})
    assert excel.status_code == 200 and excel.content[:2] == b"PK"
    pdf = client.get(url, {"table": "exits", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"


def test_the_rebuild_action_starts_a_job_for_offices_only(client, build):
    county = factories.make_user(role="county", region=COUNTY)
    factories.login(client, county)
    response = client.post(reverse("reports:rebuild"))
    assert response.status_code == 302
    assert Job.objects.get().kind == "analytics_rebuild"
    factories.login(client, factories.make_user(role="village", region=VILLAGE))
    assert client.post(reverse("reports:rebuild")).status_code == 403


def test_without_analytics_the_page_says_how_to_make_them(client):
    factories.region_tree()
    text = page(client, factories.make_user(role="county", region=COUNTY)).content.decode()
    assert "统计数据尚未生成" in text
