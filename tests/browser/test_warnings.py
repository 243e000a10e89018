"""A medical-insurance clerk sends the month's list from the page, sees what became of each
row, and later sees how the lead it made ended."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fupin.accounts import roles
from fupin.monitoring import services
from fupin.monitoring.models import Lead
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_department_sends_its_list_and_sees_the_outcome(page, settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.FUPIN_EXPORT_DIR = tmp_path / "exports"
    settings.FUPIN_VAR_DIR = tmp_path
    factories.region_tree()
    household = factories.make_household(household_type="exited", members=1)
    id_number = factories.make_member(household, name="张三")
    factories.make_user(
        role=roles.Role.DEPARTMENT,
        region="430524000000",
        department="medical_insurance",
        username="yibao",
    )
    path = factories.warning_file(
        tmp_path / "医保结算.csv",
        ["证件号码", "姓名", "结算日期", "就诊类型", "总费用", "个人自付"],
        [
            [id_number, "张三", "2026-02-01", "住院", "12000", "6500"],
            [factories.valid_id(area="431123"), "李四", "2026-02-01", "住院", "1", "1"],
            ["12345", "王五", "2026-02-01", "住院", "1", "1"],
        ],
    )

    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("yibao")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="部门预警").first.click()
    page.get_by_label("文件").set_input_files(str(path))
    page.get_by_role("button", name="开始导入").click()

    expect(page).to_have_url(re.compile(r"/jobs/"))
    expect(page.locator(".job")).to_contain_text(
        "读取 3 行，拒绝 1 行，未匹配 1 行，匹配 1 行，线索 1 条"
    )
    expect(page.get_by_role("link", name="下载导入报告")).to_be_visible()

    page.get_by_role("link", name="部门预警").first.click()
    page.locator("table.data tbody tr").first.get_by_role("link").click()
    lead = Lead.objects.get()
    expect(page.locator("table.data").last).to_contain_text(lead.receipt)
    expect(page.locator("table.data").last).to_contain_text("待核实")

    staff = factories.make_staff()
    services.lead_check(actor=staff["village"], lead=lead, outcome="closed", reason="收入稳定")
    page.get_by_role("link", name="部门预警").first.click()
    page.get_by_role("link", name=re.compile("线索办理结果")).click()
    expect(page.locator("table.data")).to_contain_text("入户核实后不纳入监测")
