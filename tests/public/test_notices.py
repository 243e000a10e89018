"""The public notice pages and their PDF show no protected data: the test gives the household
an ID number, a phone, a bank account and a health condition, and scans everything the
public can fetch for them and for their patterns."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from fupin.procedures import services
from fupin.procedures.models import Objection, Step
from fupin.procedures.services import File
from fupin.registry import services as registry
from tests import factories
from tests.factories import make_procedure, make_staff, upload

pytestmark = pytest.mark.django_db

ID_NUMBER = re.compile(r"\d{6}(?:\d{8}|\*+)\d{3}[\dXx*]")
PHONE = re.compile(r"1[3-9]\d{9}|1\d{2}\*{4}\d{4}")
# Bank card numbers are 16 to 19 digits (region codes, which are public, have 12).
BANK = re.compile(r"(?<!\d)\d{16,19}(?!\d)")
PHONE_NUMBER = "13912345678"
BANK_ACCOUNT = "6228480402564890018"


@pytest.fixture
def notice(client):
    factories.region_tree()
    staff = make_staff()
    household = factories.make_household(household_type="general", members=1, head_name="王秀英")
    registry.household_update(
        actor=staff["county"],
        household=household,
        version=household.version,
        fields={"phone": PHONE_NUMBER, "bank_account": BANK_ACCOUNT, "bank_name": "农商银行"},
    )
    member = household.members.get()
    registry.member_update(
        actor=staff["county"],
        person=member,
        version=member.version,
        fields={"health": "serious"},
    )
    procedure = make_procedure(kind="monitoring", household=household, staff=staff)
    today = timezone.localdate()
    step = procedure.steps.get(status="open")
    services.step_act(
        actor=staff["village"],
        step=step,
        verb="submit",
        files=[File("consent", upload())],
        today=today,
    )
    services.step_act(
        actor=staff["village"], step=procedure.steps.get(status="open"), verb="approve", today=today
    )
    return procedure.steps.get(status="open"), member


def _scan(text: str, member) -> None:
    compact = re.sub(r"[\s\x00]+", "", text)
    for pattern in (ID_NUMBER, PHONE, BANK):
        assert not pattern.search(compact), pattern.search(compact).group(0)
    assert member.id_masked not in compact
    for secret in (PHONE_NUMBER, BANK_ACCOUNT, "大病", "农商银行"):
        assert secret not in compact


def test_the_public_pages_and_the_pdf_show_no_protected_data(client, notice):
    step, member = notice
    assert step.type == "notice"
    listing = client.get(reverse("public:notices"))
    page = client.get(reverse("public:notice", kwargs={"pk": step.pk}))
    pdf = client.get(reverse("public:notice_pdf", kwargs={"pk": step.pk}))
    assert listing.status_code == page.status_code == pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    html = listing.content.decode() + page.content.decode()
    assert "王秀英" in html and "红星村" in html
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    # Text extraction may leave NULs between the characters of a CID font.
    compact = re.sub(r"[\s\x00]+", "", printed)
    # What the village board needs: who, where, the period and how to object.
    assert "王秀英" in compact and "红星村" in compact
    assert f"{step.notice_starts}至{step.notice_ends}" in compact
    assert "异议" in compact and f"/public/notices/{step.pk}/" in compact
    _scan(html, member)
    _scan(compact, member)


def test_the_font_is_embedded_in_the_pdf(client, notice):
    step, _member = notice
    pdf = client.get(reverse("public:notice_pdf", kwargs={"pk": step.pk})).content
    assert b"/FontFile3" in pdf or b"/FontFile2" in pdf


def test_anyone_may_object_during_the_notice_without_a_name(client, notice):
    step, _member = notice
    url = reverse("public:notice", kwargs={"pk": step.pk})
    empty = client.post(url, {"text": ""})
    assert "这个字段是必填项" in empty.content.decode() or "必填" in empty.content.decode()
    response = client.post(url, {"text": "该户家中有人在县城买了商品房"}, follow=True)
    assert "您的异议已收到" in response.content.decode()
    objection = Objection.objects.get(step=step)
    assert objection.channel == "public" and objection.address_hash
    assert "已收到 1 条异议" in response.content.decode()


def test_a_closed_notice_takes_no_objection_and_appears_among_past_ones(client, notice):
    step, _member = notice
    Step.objects.filter(pk=step.pk).update(status=Step.Status.DONE)
    page = client.get(reverse("public:notice", kwargs={"pk": step.pk}))
    assert "公示已结束" in page.content.decode()
    assert (
        client.post(reverse("public:notice", kwargs={"pk": step.pk}), {"text": "x"}).status_code
        == 404
    )
    assert "王秀英" not in client.get(reverse("public:notices")).content.decode()
    assert "王秀英" in client.get(reverse("public:notices"), {"when": "past"}).content.decode()


def test_steps_that_are_not_notices_are_not_public(client, notice):
    step, _member = notice
    review = step.procedure.steps.get(key="home_check")
    assert client.get(reverse("public:notice", kwargs={"pk": review.pk})).status_code == 404


def test_notices_filter_by_county_and_township(client, notice):
    step, _member = notice
    url = reverse("public:notices")

    def shown(**params) -> str:
        return client.get(url, params).content.decode()

    mine = shown(county="430524000000")
    assert "王秀英" in mine and "桃洪镇" in mine  # the county's townships to pick from
    assert "王秀英" in shown(county="430524000000", township="430524100000")
    assert "王秀英" not in shown(county="430524000000", township="430524101000")
    # A township outside the county picked counts for nothing: the county rules.
    assert "王秀英" in shown(county="430524000000", township="431123100000")
    assert "王秀英" not in shown(county="431123000000")
    village = shown(county="430524000000", township="430524100000", village="430524100201")
    assert "王秀英" in village and "新田村" in village  # the township's villages to pick from
    assert "王秀英" not in shown(
        county="430524000000", township="430524100000", village="430524100202"
    )
    assert timedelta(days=4) == step.notice_ends - step.notice_starts
