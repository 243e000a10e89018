from __future__ import annotations

import pytest
from django.urls import reverse

from fupin.assistance.models import Pairing
from tests import factories
from tests.factories import login, make_cadre, make_household, make_pairing, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    factories.region_tree()
    return make_staff()


def test_the_village_cadre_sets_the_responsible_cadre_from_the_household_page(client, staff):
    household = make_household(household_type="unstable", head_name="周秋菊")
    cadre = make_cadre(full_name="王帮扶")
    make_cadre(village="430524100202", full_name="邻村干部")
    login(client, staff["village"])
    detail = reverse("registry:household_detail", kwargs={"pk": household.pk})
    assert "尚未确定帮扶责任人" in client.get(detail).content.decode()
    url = reverse("assistance:pairing_set", kwargs={"household_pk": household.pk})
    form = client.get(url).content.decode()
    assert "王帮扶" in form and "邻村干部" not in form
    response = client.post(url, {"cadre": cadre.pk, "reason": "新纳入监测"})
    assert response.url == detail
    page = client.get(detail).content.decode()
    assert "王帮扶" in page and "确定或更换帮扶责任人" in page
    assert Pairing.objects.get(household=household).reason == "新纳入监测"


def test_a_paired_cadre_sees_its_households_but_cannot_reassign_them(client, staff):
    household = make_household(household_type="edge", head_name="吴冬梅")
    cadre = make_cadre(full_name="郑帮扶")
    make_pairing(household=household, cadre=cadre)
    make_pairing(household=make_household(household_type="edge", head_name="别人家"))
    login(client, cadre)
    detail = client.get(reverse("registry:household_detail", kwargs={"pk": household.pk}))
    assert "郑帮扶" in detail.content.decode()
    assert "确定或更换帮扶责任人" not in detail.content.decode()
    url = reverse("assistance:pairing_set", kwargs={"household_pk": household.pk})
    assert client.get(url).status_code == 403
    mine = client.get(reverse("assistance:pairing_list"), {"mine": "1"}).content.decode()
    assert "吴冬梅" in mine and "别人家" not in mine


def test_the_pairing_list_and_export_show_current_and_ended_pairings(client, staff):
    household = make_household(household_type="unstable", head_name="钱春生")
    first = make_pairing(household=household, cadre=make_cadre(full_name="甲干部"))
    make_pairing(household=household, cadre=make_cadre(full_name="乙干部"))
    login(client, staff["township"])
    current = client.get(reverse("assistance:pairing_list")).content.decode()
    assert "乙干部" in current and "甲干部" not in current
    everything = client.get(reverse("assistance:pairing_list"), {"all": "1"}).content.decode()
    assert "甲干部" in everything
    export = client.get(reverse("assistance:pairing_export"), {"all": "1"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "钱春生" in text and "甲干部" in text and "乙干部" in text
    detail = client.get(reverse("assistance:pairing_detail", kwargs={"pk": first.pk}))
    assert "乙干部" in detail.content.decode()  # the household's history
    api = client.get(reverse("api:pairing-list")).json()
    assert {row["cadre_name"] for row in api["results"]} == {"乙干部", "甲干部"}
