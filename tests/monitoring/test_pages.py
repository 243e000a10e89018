from __future__ import annotations

import re

import pytest
from django.urls import reverse

from fupin.monitoring.models import Lead
from tests import factories
from tests.factories import login, make_household, make_staff

pytestmark = pytest.mark.django_db
APPLY = {"county": "430524000000", "township": "430524100000"}


@pytest.fixture
def staff():
    factories.region_tree()
    return make_staff()


def application(**overrides) -> dict:
    return {
        **APPLY,
        "name": "刘冬梅",
        "phone": "13912345678",
        "id_number": factories.valid_id(),
        "village": "430524100201",
        "risk_types": ["illness", "no_labour"],
        "difficulty": "丈夫住院，家里没有劳动力",
        **overrides,
    }


def test_the_public_application_walks_from_county_to_village(client, staff):
    first = client.get(reverse("public:apply")).content.decode()
    assert "隆回县" in first and "请先选择所在的县和乡镇" in first
    form = client.get(reverse("public:apply"), APPLY).content.decode()
    assert "红星村" in form and "新田村" in form and "身份证号码" in form


def test_an_application_gives_a_receipt_whose_page_shows_only_the_status(client, staff):
    bad = client.post(reverse("public:apply"), application(id_number="430524"))
    assert "身份证" in bad.content.decode() and not Lead.objects.exists()
    done = client.post(reverse("public:apply"), application())
    receipt = re.search(r'data-testid="receipt">(\w+)<', done.content.decode()).group(1)
    lead = Lead.objects.get(receipt=receipt)
    assert lead.region_id == "430524100201" and lead.household is None
    status = client.get(reverse("public:apply_status"), {"receipt": receipt.lower()})
    text = status.content.decode()
    assert "等待入户核实" in text
    for private in ("刘冬梅", "13912345678", "丈夫住院", "因病"):
        assert private not in text
    unknown = client.get(reverse("public:apply_status"), {"receipt": "NOPE000000"})
    assert "没有这个受理编号" in unknown.content.decode()


def test_a_cadre_reports_a_risk_from_the_household_page_in_two_taps(client, staff):
    household = make_household(household_type="exited", members=1)
    login(client, staff["village"])
    page = client.get(reverse("registry:household_detail", kwargs={"pk": household.pk}))
    assert "报告风险" in page.content.decode()
    url = reverse("monitoring:cadre_report", kwargs={"household_pk": household.pk})
    response = client.post(url, {"risk_types": ["disaster"]}, follow=True)
    assert "已登记线索" in response.content.decode()
    lead = Lead.objects.get(household=household)
    assert lead.sources.get().channel == "cadre"
    again = client.post(url, {"risk_types": ["housing"]}, follow=True)
    assert "已并入" in again.content.decode()


def test_staff_enter_a_hotline_call_and_check_it(client, staff):
    household = make_household(household_type="exited", members=1)
    login(client, staff["village"])
    response = client.post(
        reverse("monitoring:lead_new"),
        {
            "channel": "hotline",
            "name": "李四",
            "village": household.region_id,
            "risk_types": ["unstable_work"],
            "difficulty": "工厂停产，失去工作",
        },
    )
    lead = Lead.objects.get()
    assert response.url == reverse("monitoring:lead_detail", kwargs={"pk": lead.pk})
    worklist = client.get(reverse("monitoring:lead_list")).content.decode()
    assert lead.receipt in worklist
    detail = reverse("monitoring:lead_detail", kwargs={"pk": lead.pk})
    refused = client.post(
        detail, {"outcome": "procedure", "target_kind": "unstable", "version": lead.version}
    )
    assert "请先关联农户" in refused.content.decode()
    client.post(
        detail,
        {
            "outcome": "procedure",
            "target_kind": "unstable",
            "household_number": household.number,
            "reason": "核实属实",
            "version": lead.version,
        },
    )
    lead.refresh_from_db()
    assert lead.status == "procedure" and lead.household == household
    assert lead.procedure.kind == "monitoring"
    export = b"".join(client.get(reverse("monitoring:lead_export")).streaming_content)
    assert lead.receipt.encode() in export
