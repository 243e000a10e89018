"""A household applies for monitoring on the public page from a phone; the village cadre
finds the lead in the worklist, checks it and starts the monitoring-inclusion procedure;
the applicant sees the progress by the receipt number."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fupin.accounts import roles
from fupin.core import crypto
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_self_application_reaches_a_monitoring_procedure(page, settings):
    settings.FUPIN_OTP_REQUIRED = False
    factories.region_tree()
    factories.make_user(role=roles.Role.VILLAGE, region=factories.VILLAGE, username="cun")
    household = factories.make_household(household_type="exited", head_name="赵春花")
    member = household.members.get()
    page.set_viewport_size({"width": 390, "height": 844})  # a phone

    page.goto("/public/apply/")
    page.get_by_label("县").select_option("430524000000")
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("乡镇").select_option("430524100000")
    page.get_by_role("button", name="下一步").click()
    page.get_by_label("姓名").fill("赵春花")
    page.get_by_label("联系电话").fill("139 1234 5678")
    page.get_by_label("身份证号码").fill(crypto.decrypt(member.id_encrypted))
    page.get_by_label("所在村（社区）").select_option(factories.VILLAGE)
    page.get_by_label("因病").check()
    page.get_by_label("困难情况").fill("今年做了手术，医药费自付四万多元")
    page.get_by_role("button", name="提交申报").click()
    receipt = page.get_by_test_id("receipt").inner_text()
    assert re.fullmatch(r"[A-Z2-9]{10}", receipt)

    # The village cadre checks it at the office and starts the procedure.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("cun")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="监测线索").first.click()
    row = page.locator("table.data tbody tr", has_text=receipt)
    expect(row).to_contain_text("赵春花")
    row.get_by_role("link", name=receipt).click()
    expect(page.locator("main")).to_contain_text("今年做了手术")
    page.get_by_label("存在返贫致贫风险，启动纳入监测程序").check()
    page.get_by_label("拟纳入类型").select_option("sudden")
    page.get_by_label("核实情况").fill("入户核实属实，医疗支出大")
    page.get_by_role("button", name="记录核实结果").click()
    expect(page.get_by_test_id("lead-status")).to_have_text("已启动纳入监测程序")
    page.get_by_role("link", name=re.compile("纳入监测 #")).click()
    expect(page.get_by_role("heading", name="办理：入户核实（签署承诺授权书）")).to_be_visible()

    # The applicant follows the progress without logging in.
    page.context.clear_cookies()
    page.goto(f"/public/apply/status/?receipt={receipt}")
    expect(page.get_by_test_id("apply-status")).to_contain_text("正在办理纳入监测程序")
