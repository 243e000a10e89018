from __future__ import annotations

import pytest

from fupin.accounts.roles import Role
from fupin.standards.models import PolicyValue
from fupin.standards.parameters import policy
from tests import factories

pytestmark = pytest.mark.django_db


def test_the_page_shows_every_figure_in_force_with_its_source(client, tree):
    factories.login(client, factories.make_user(role=Role.COUNTY, region="430524000000"))
    page = client.get("/standards/policy/?province=43&year=2024")
    text = page.content.decode()
    assert page.status_code == 200
    assert "扶贫标准（贫困线）" in text and "4000" in text and "国家 2020 年设定" in text
    assert 'name="value"' not in text  # a county office reads, it does not set


def test_a_province_administrator_sets_a_figure_for_the_province(client, tree):
    factories.login(client, factories.make_user(role=Role.PROVINCE, region="430000000000"))
    url = "/standards/policy/?province=43&year=2023"
    page = client.post(url, {"key": "monitoring_threshold", "value": "6600", "note": "湘政发"})
    assert page.status_code == 302
    assert policy("43", 2024).monitoring_threshold == 6600
    text = client.get(url).content.decode()
    assert "本省 2023 年设定" in text and "湘政发" in text


def test_a_bad_figure_is_shown_next_to_its_row_in_chinese(client, tree):
    factories.login(client, factories.make_user(role=Role.PROVINCE, region="430000000000"))
    page = client.post(
        "/standards/policy/?province=43&year=2023", {"key": "school_age_from", "value": "7.5"}
    )
    assert page.status_code == 200 and "年龄和天数应为整数" in page.content.decode()
    assert not PolicyValue.objects.filter(province="43").exists()


def test_another_province_s_figures_cannot_be_set(client, tree):
    factories.login(client, factories.make_user(role=Role.PROVINCE, region="430000000000"))
    page = client.post(
        "/standards/policy/?province=42&year=2023", {"key": "poverty_line", "value": "5000"}
    )
    assert page.status_code == 403
    assert not PolicyValue.objects.filter(province="42").exists()


def test_the_api_lists_and_sets_figures_with_a_409_on_a_stale_version(client, tree):
    factories.login(client, factories.make_user(role=Role.PROVINCE, region="430000000000"))
    listed = client.get("/api/v1/policy/?province=43&year=2021").json()
    line = next(r for r in listed if r["key"] == "monitoring_threshold")
    assert (line["value"], line["set_here"]) == ("6000.00", False)
    body = {"province": "43", "year": 2022, "key": "poverty_line", "value": "4100"}
    first = client.post("/api/v1/policy/", body, content_type="application/json")
    assert first.status_code == 200 and first.json()["version"] == 1
    again = client.post(
        "/api/v1/policy/", {**body, "value": "4200", "version": 1}, content_type="application/json"
    )
    assert again.status_code == 200 and again.json()["version"] == 2
    stale = client.post(
        "/api/v1/policy/", {**body, "value": "4300", "version": 1}, content_type="application/json"
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["current"]["value"] == "4200.00"
    refused = client.post(
        "/api/v1/policy/", {**body, "province": "42"}, content_type="application/json"
    )
    assert refused.status_code == 403
