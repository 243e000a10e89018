"""One identification (两公示一公告) and one exit walked through the pages by every role
that takes part, with an objection filed on the public page during the first notice and
answered by the township. The clock moves forward (time-machine) so that each notice runs
its full days before it is closed."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import expect

from fupin.accounts import roles
from fupin.registry.models import Household
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Clock:
    """Moves the server's clock forward by whole days."""

    def __init__(self):
        self.now = timezone.now()
        self.traveller = None

    def forward(self, days: int) -> None:
        self.now += timedelta(days=days)
        if self.traveller is not None:
            self.traveller.stop()
        self.traveller = time_machine.travel(self.now, tick=True)
        self.traveller.start()

    def stop(self) -> None:
        if self.traveller is not None:
            self.traveller.stop()


@pytest.fixture
def clock():
    moving = Clock()
    yield moving
    moving.stop()


def sign_in(page, username: str) -> None:
    page.context.clear_cookies()
    page.goto("/accounts/login/")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name="待办")).to_be_visible()


def open_procedure(page, pk: int) -> None:
    page.goto(f"/procedures/{pk}/")


def attach(page, label: str, tmp_path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4 scanned form")
    page.get_by_label(label).set_input_files(str(path))


def test_identification_and_exit_through_every_role(page, settings, tmp_path, clock):
    settings.FUPIN_OTP_REQUIRED = False
    factories.region_tree()
    village = factories.VILLAGE
    factories.make_user(role=roles.Role.VILLAGE, region=village, username="cun")
    factories.make_user(role=roles.Role.TOWNSHIP, region=village[:9] + "000", username="zhen")
    factories.make_user(role=roles.Role.COUNTY, region=village[:6] + "000000", username="xian")
    applicant = factories.make_household(household_type="general", head_name="李桂兰")
    leaving = factories.make_household(household_type="poor_general", head_name="陈建国")
    clock.forward(1)

    # The village cadre starts identification from the household page.
    sign_in(page, "cun")
    page.goto(f"/registry/{applicant.pk}/")
    page.get_by_role("link", name="发起贫困户识别").click()
    page.get_by_label("拟认定类型").select_option("poor_general")
    page.get_by_label("发起理由").fill("因病致贫，本人申请")
    page.get_by_role("button", name="发起").click()
    expect(page).to_have_url(re.compile(r"/procedures/\d+/"))
    pk = int(re.search(r"/procedures/(\d+)/", page.url).group(1))
    attach(page, "申请书", tmp_path, "申请书.pdf")
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".messages")).to_contain_text("已办理")

    # 民主评议: the vote and the minutes.
    page.get_by_label("赞成票").fill("31")
    page.get_by_label("反对票").fill("2")
    page.get_by_label("弃权票").fill("1")
    attach(page, "评议会议记录", tmp_path, "评议记录.pdf")
    page.get_by_role("button", name="同意").click()
    expect(page.get_by_role("heading", name="办理：村级第一次公示")).to_be_visible()

    # The notice cannot close on its first day.
    page.get_by_role("button", name="公示期满，结束公示").click()
    expect(page.locator(".form-errors")).to_contain_text("期满后才能结束公示")

    # Anyone objects on the public page, without logging in.
    page.context.clear_cookies()
    page.goto("/public/notices/")
    page.get_by_role("link", name="贫困户识别").first.click()
    expect(page.locator("main")).to_contain_text("李桂兰")
    page.get_by_label("异议内容").fill("听说他家在县城有商品房")
    page.get_by_role("button", name="提交异议").click()
    expect(page.locator(".messages")).to_contain_text("您的异议已收到")

    # The notice's days are over, but the objection is unanswered: it cannot close.
    clock.forward(7)
    sign_in(page, "cun")
    open_procedure(page, pk)
    page.get_by_role("button", name="公示期满，结束公示").click()
    expect(page.locator(".form-errors")).to_contain_text("异议未答复")

    # The township answers it.
    sign_in(page, "zhen")
    open_procedure(page, pk)
    page.get_by_label("答复").fill("经核实，该户在县城无商品房，异议不成立。")
    page.get_by_label("结论").select_option("no")
    page.get_by_role("button", name="答复").click()
    expect(page.locator(".messages")).to_contain_text("已答复异议")

    # The village closes its notice; the township reviews and posts the second notice.
    sign_in(page, "cun")
    open_procedure(page, pk)
    page.get_by_role("button", name="公示期满，结束公示").click()
    expect(page.locator(".messages")).to_contain_text("已办理")
    sign_in(page, "zhen")
    page.get_by_role("link", name="待办").first.click()
    expect(page.locator("table.data")).to_contain_text("乡镇审核")
    page.get_by_role("link", name=f"贫困户识别 #{pk}").click()
    page.get_by_role("button", name="同意").click()
    expect(page.get_by_role("heading", name="办理：乡镇第二次公示")).to_be_visible()
    clock.forward(7)
    sign_in(page, "zhen")
    open_procedure(page, pk)
    page.get_by_role("button", name="公示期满，结束公示").click()

    # The county approves and announces; after the announcement the designation is made.
    sign_in(page, "xian")
    open_procedure(page, pk)
    page.get_by_label("认定类型").select_option("poor_dibao")
    page.get_by_role("button", name="同意").click()
    expect(page.get_by_role("heading", name="办理：县级公告")).to_be_visible()
    clock.forward(7)
    sign_in(page, "xian")
    open_procedure(page, pk)
    page.get_by_role("button", name="公示期满，结束公示").click()
    expect(page.get_by_test_id("procedure-status")).to_have_text("已办结")
    page.get_by_role("link", name=re.compile("李桂兰")).first.click()
    expect(page.locator("#procedures")).to_contain_text("办结并认定")
    assert Household.objects.get(pk=applicant.pk).household_type == "poor_dibao"

    # Exit: village review, verification, the household's signed form, notice, announcement.
    sign_in(page, "cun")
    page.goto(f"/registry/{leaving.pk}/")
    page.get_by_role("link", name="发起贫困户退出").click()
    page.get_by_role("button", name="发起").click()
    exit_pk = int(re.search(r"/procedures/(\d+)/", page.url).group(1))
    page.get_by_label("赞成票").fill("28")
    page.get_by_label("反对票").fill("0")
    page.get_by_label("弃权票").fill("3")
    attach(page, "评议会议记录", tmp_path, "退出评议.pdf")
    page.get_by_role("button", name="同意").click()
    page.get_by_label("意见").fill("人均纯收入 8,200 元，两不愁三保障和饮水安全达标")
    page.get_by_role("button", name="提交").click()
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".form-errors")).to_contain_text("签字确认表")
    attach(page, "签字确认表", tmp_path, "签字确认表.pdf")
    page.get_by_role("button", name="提交").click()
    expect(page.get_by_role("heading", name="办理：村内公示")).to_be_visible()
    clock.forward(7)
    sign_in(page, "cun")
    open_procedure(page, exit_pk)
    page.get_by_role("button", name="公示期满，结束公示").click()
    clock.forward(7)
    sign_in(page, "xian")
    page.get_by_role("link", name="待办").first.click()
    row = page.locator("table.data tbody tr", has_text="陈建国")
    row.get_by_role("checkbox").check()
    page.get_by_role("button", name="批量结束公示").click()
    expect(page.locator(".messages")).to_contain_text("已办理 1 件")
    exited = Household.objects.get(pk=leaving.pk)
    assert exited.household_type == "exited"
    assert exited.exit_year == clock.now.year
    assert isinstance(clock.now, datetime)
