"""A township clerk imports the county's spreadsheet from the page and finds a household by
its member's ID number."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fupin.accounts import roles
from tests import factories
from tests.registry.test_import import family, write_csv

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_imports_a_file_and_finds_a_household_by_id_number(page, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.FUPIN_EXPORT_DIR = tmp_path / "exports"
    settings.FUPIN_VAR_DIR = tmp_path
    factories.region_tree()
    factories.make_user(role=roles.Role.TOWNSHIP, region="430524100000", username="clerk")
    rows = family("0007", 户类型="一般贫困户", 主要致贫原因="因病", 识别年度="2016") + family(
        "0008"
    )
    rows[4]["证件号码"] = (
        "123"  # one bad person row: only that row is rejected, the report says why
    )
    path = write_csv(tmp_path / "村里的表.csv", rows)
    wanted = rows[1]["证件号码"]

    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("clerk")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="农户信息").first.click()
    page.get_by_role("link", name="导入", exact=True).click()
    page.get_by_label("文件").set_input_files(str(path))
    page.get_by_role("button", name="开始导入").click()

    expect(page).to_have_url(re.compile(r"/jobs/"))
    expect(page.locator(".job")).to_contain_text("已完成")
    expect(page.locator(".job")).to_contain_text("读取 6 行，写入 5 行，未变化 0 行，拒绝 1 行")
    expect(page.get_by_role("link", name="下载导入报告")).to_be_visible()

    page.goto("/registry/")
    page.get_by_label("姓名、户编号或证件号码").fill(wanted)
    page.get_by_role("button", name="查询").click()
    rows_shown = page.locator("table.data tbody tr")
    expect(rows_shown).to_have_count(1)
    expect(rows_shown.first).to_contain_text("0007")
    expect(rows_shown.first).to_contain_text("一般贫困户")
    rows_shown.first.get_by_role("link", name="0007").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("张三")
    expect(page.locator("table.data").first).to_contain_text(wanted[:6] + "********" + wanted[-4:])
