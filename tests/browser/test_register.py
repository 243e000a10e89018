"""The village cadre opens the monitored register from the navigation, finds a monitored
household with its responsible cadre and the engine's verdict, and starts risk elimination
from the row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fupin.accounts import roles
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_register_shows_a_monitored_household_with_its_cadre_and_verdict(page, settings):
    settings.FUPIN_OTP_REQUIRED = False
    factories.region_tree()
    factories.make_user(role=roles.Role.VILLAGE, region=factories.VILLAGE, username="cun")
    household = factories.make_monitored(kind="unstable", head_name="钱秋月")
    factories.make_pairing(household=household, cadre=factories.make_cadre(full_name="李帮扶"))
    factories.make_verdict(household=household, risk_eliminable=True)

    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("cun")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("link", name="监测对象").first.click()

    row = page.get_by_test_id("register").locator("tbody tr", has_text="钱秋月")
    expect(row).to_contain_text("脱贫不稳定户")
    expect(row).to_contain_text("李帮扶")
    expect(row).to_contain_text("符合风险消除条件")
    row.get_by_role("link", name="发起风险消除").click()
    expect(page.get_by_role("heading", name=re.compile("钱秋月.*发起程序"))).to_be_visible()
    expect(page.get_by_label("程序")).to_have_value("elimination")
