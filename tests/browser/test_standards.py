"""A township clerk sees a household's checks on its page, starts a batch check of the
township and follows it to the households that may exit, then reads the area indicators."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from fupin.accounts import roles
from fupin.registry.importing import import_households
from tests import factories
from tests.registry.test_import import family, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_checks_a_household_and_runs_the_township(page, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    factories.region_tree()
    factories.make_user(role=roles.Role.TOWNSHIP, region="430524100000", username="clerk")
    poor = {"户类型": "一般贫困户", "主要致贫原因": "因病", "识别年度": "2015"}
    rows = [*family("0001", **poor), *family("0002", **poor, 饮水安全="否"), *family("0003")]
    import_households(path=write_csv(tmp_path / "r.csv", rows), as_of=date(2026, 3, 1))

    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("clerk")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()

    # The household page shows each criterion with its reason.
    page.get_by_role("link", name="农户信息").first.click()
    page.get_by_role("link", name="0002").click()
    checks = page.locator("#standards")
    expect(checks).to_contain_text("2025 年核验")
    expect(checks.locator("tr", has_text="饮水安全有保障")).to_contain_text("未达标")
    expect(checks.locator("tr", has_text="收入超过扶贫标准")).to_contain_text("7,900.00")
    expect(checks).to_contain_text("暂不符合脱贫条件")

    # The policy figures in force, read-only for a township.
    page.get_by_role("link", name="政策参数").first.click()
    expect(page.locator("#param-poverty_line")).to_contain_text("4000")
    expect(page.locator("#param-poverty_line")).to_contain_text("国家 2020 年设定")

    # A batch check of the township, then the households that may exit.
    page.get_by_role("link", name="批量核验").first.click()
    page.get_by_label("核验年度").fill("2025")
    page.get_by_label("核验区域").select_option("430524100000")
    page.get_by_label("说明").fill("年度核验")
    page.get_by_role("button", name="开始核验").click()
    expect(page).to_have_url(re.compile(r"/standards/runs/\d+/"))
    page.reload()  # the run finished while the page was being sent
    expect(page.locator(".card", has_text="计数")).to_contain_text("贫困户")
    page.locator(".card", has_text="计数").get_by_role("link", name="1").first.click()
    rows_shown = page.locator("table.data tbody tr")
    expect(rows_shown).to_have_count(1)
    expect(rows_shown.first).to_contain_text("0001")

    # The area indicators of the township.
    page.get_by_role("link", name="区域指标").first.click()
    page.get_by_label("区划代码").fill("430524100000")
    page.get_by_label("年度").select_option("2025")
    page.get_by_role("button", name="查看").click()
    total = page.locator("table.indicators tbody tr").first
    expect(total).to_contain_text("桃洪镇")
    expect(total).to_contain_text("66.67%")  # 6 poor persons of 9 registered
