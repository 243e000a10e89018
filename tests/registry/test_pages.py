from __future__ import annotations

import pytest
from django.urls import reverse

from fupin.accounts import roles
from fupin.core.models import AuditEntry
from fupin.registry.models import Household
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk_client(client, tree):
    factories.login(client, factories.make_user(role=roles.Role.TOWNSHIP, region="430524100000"))
    return client


def test_the_list_filters_by_type_and_finds_by_name_or_number(clerk_client):
    factories.make_household(number="P001", household_type="poor_general", head_name="孙甲")
    factories.make_household(number="G001", head_name="周乙")
    poor = clerk_client.get(
        reverse("registry:household_list"), {"household_type": "poor_general"}
    ).content.decode()
    assert "孙甲" in poor and "周乙" not in poor
    by_name = clerk_client.get(reverse("registry:household_list"), {"q": "周乙"}).content.decode()
    assert "G001" in by_name and "P001" not in by_name


def test_the_household_page_shows_members_masked_and_reveals_on_request(clerk_client):
    household = factories.make_household(members=2, head_name="吴丙")
    page = clerk_client.get(
        reverse("registry:household_detail", kwargs={"pk": household.pk})
    ).content.decode()
    head = household.members.get(relation="head")
    assert "吴丙" in page and head.id_masked in page
    revealed = clerk_client.post(
        reverse("registry:person_reveal_id", kwargs={"pk": head.pk})
    ).content.decode()
    assert "*" not in revealed and revealed.count(head.id_masked[-4:]) == 1
    assert AuditEntry.objects.filter(action="person.reveal_id").count() == 1


def test_the_edit_form_explains_bad_input_in_chinese_beside_the_field(clerk_client):
    household = factories.make_household()
    response = clerk_client.post(
        reverse("registry:household_edit", kwargs={"pk": household.pk}),
        {"version": household.version, "housing_grade": "E", "phone": "12"},
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "联系电话应为11位手机号" in text or "E" in text
    assert Household.objects.get(pk=household.pk).version == household.version


def test_a_member_is_added_through_the_page(clerk_client):
    household = factories.make_household(members=1)
    response = clerk_client.post(
        reverse("registry:member_add", kwargs={"pk": household.pk}),
        {"id_number": factories.valid_id(), "name": "郑丁", "relation": "daughter"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    household.refresh_from_db()
    assert household.member_count == 2


def test_the_export_is_in_the_template_with_masked_numbers_for_roles_that_may_not_see_them(
    client, tree
):
    household = factories.make_household(members=2, head_name="冯戊")
    cadre = factories.make_user(role=roles.Role.PAIRED_CADRE, region="430524100201")
    factories.login(client, cadre)
    body = b"".join(client.get(reverse("registry:export")).streaming_content).decode("utf-8-sig")
    lines = body.splitlines()
    assert lines[0].startswith("行政区划代码,村民小组,户编号,户类型")
    assert len(lines) == 3 and "冯戊" in body
    assert household.members.first().id_masked in body


@pytest.mark.parametrize("role", [roles.Role.PAIRED_CADRE, roles.Role.INSPECTOR])
def test_health_conditions_are_hidden_from_roles_that_may_not_see_personal_data(client, tree, role):
    household = factories.make_household(members=1)
    person = household.members.get()
    from fupin.registry import services

    services.member_update(
        actor=factories._system_actor("430524100201"),
        person=person,
        version=person.version,
        fields={"health": "serious"},
    )
    factories.login(client, factories.make_user(role=role, region="430524100201"))
    page = client.get(
        reverse("registry:household_detail", kwargs={"pk": household.pk})
    ).content.decode()
    api = client.get(reverse("api:household-members", kwargs={"pk": household.pk})).json()
    export = b"".join(client.get(reverse("registry:export")).streaming_content).decode("utf-8-sig")
    assert "患有大病" not in page and "***" in page
    assert api[0]["health"] == "***"
    assert "患有大病" not in export


def test_roles_that_may_see_personal_data_see_health(clerk_client):
    household = factories.make_household(members=1)
    person = household.members.get()
    from fupin.registry import services

    services.member_update(
        actor=factories._system_actor("430524100201"),
        person=person,
        version=person.version,
        fields={"health": "serious"},
    )
    page = clerk_client.get(
        reverse("registry:household_detail", kwargs={"pk": household.pk})
    ).content.decode()
    assert "患有大病" in page


def test_department_staff_cannot_create_households_or_open_the_import(client, tree):
    factories.login(
        client,
        factories.make_user(
            role="department", region="430524000000", department="medical_insurance"
        ),
    )
    assert client.get(reverse("registry:household_create")).status_code == 403
    assert client.get(reverse("registry:import")).status_code == 403
    response = client.post(
        reverse("api:household-list"),
        {"region": "430524100201", "number": "X1"},
        content_type="application/json",
    )
    assert response.status_code in (403, 400)
    assert not Household.objects.exists()


def test_a_clerk_changes_the_household_type_and_records_a_departure_from_the_page(clerk_client):
    from datetime import date

    from fupin.registry.models import Designation, Membership

    household = factories.make_household(members=2, household_type="poor_general")
    Designation.objects.filter(household=household).update(start=date(2016, 1, 1))
    Membership.objects.filter(household=household).update(start=date(2016, 1, 1))
    url = reverse("registry:household_detail", kwargs={"pk": household.pk})
    assert "变更户类型" in clerk_client.get(url).content.decode()

    clerk_client.post(
        reverse("registry:designation_change", kwargs={"pk": household.pk}),
        {"kind": "exited", "on": "2019-12-31", "reason": "达到脱贫标准"},
    )
    member = household.members.exclude(relation="head").get()
    clerk_client.post(
        reverse("registry:member_remove", kwargs={"pk": member.pk}),
        {"reason_code": "marriage_out", "on": "2020-05-01", "note": "出嫁"},
    )

    household.refresh_from_db()
    assert (household.household_type, household.exit_year, household.member_count) == (
        "exited",
        2019,
        1,
    )
    assert set(household.events.values_list("kind", flat=True)) >= {"exited", "member_removed"}


def test_the_audit_link_shows_only_for_roles_that_can_open_the_log(client, tree):
    household = factories.make_household(members=1)
    url = reverse("registry:household_detail", kwargs={"pk": household.pk})
    factories.login(client, factories.make_user(role="township", region="430524100000"))
    assert "审计记录" not in client.get(url).content.decode()
    factories.login(client, factories.make_user(role="inspector", region="430524000000"))
    assert "审计记录" in client.get(url).content.decode()
