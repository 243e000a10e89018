"""End to end in Debian's Chromium: a person signs in and works in the page shell."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from fupin.accounts import roles
from fupin.core.models import AuditEntry
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_township_clerk_signs_in_sees_the_dashboard_and_switches_region(page):
    factories.region_tree()
    factories.make_user(
        role=roles.Role.TOWNSHIP, region="430524100000", username="clerk", full_name="王小明"
    )
    console_errors = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", name="登录扶贫信息系统")).to_be_visible()
    page.get_by_label("账号").fill("clerk")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()

    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.locator(".who")).to_contain_text("王小明")
    expect(page.locator(".breadcrumb")).to_contain_text("隆回县")
    expect(page.locator(".breadcrumb")).to_contain_text("桃洪镇")
    # ECharts, served by the app itself, draws the chart under the content security policy.
    expect(page.locator('[data-chart-ready="true"] canvas')).to_be_visible()

    # The switcher is loaded by htmx (served by the app, allowed by the CSP) on opening.
    page.get_by_text("切换区域").click()
    village = page.locator(".switch-list").get_by_role("button", name="红星村")
    expect(village).to_be_visible()
    expect(page.locator(".switch-list")).not_to_contain_text("大塘村")  # another township's
    village.click()
    expect(page.locator('.breadcrumb [aria-current="location"]')).to_have_text("红星村")

    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    assert AuditEntry.objects.filter(action="auth.login", actor__username="clerk").exists()


def test_a_wrong_password_is_explained_in_chinese(page):
    factories.region_tree()
    factories.make_user(username="clerk")
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill("clerk")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("账号或密码错误")
