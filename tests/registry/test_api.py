from __future__ import annotations

import pytest
from django.urls import reverse

from fupin.accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, tree):
    factories.login(client, factories.make_user(role=roles.Role.TOWNSHIP, region="430524100000"))
    return client


def test_an_update_with_a_stale_version_gets_409_with_the_current_record(api):
    household = factories.make_household()
    url = reverse("api:household-detail", kwargs={"pk": household.pk})
    version = api.get(url).json()["version"]

    first = api.patch(url, {"address": "一组", "version": version}, content_type="application/json")
    second = api.patch(
        url, {"address": "二组", "version": version}, content_type="application/json"
    )

    assert first.status_code == 200 and first.json()["version"] == version + 1
    assert second.status_code == 409
    error = second.json()["error"]
    assert error["code"] == "stale_version" and "已被他人修改" in error["message"]
    assert error["current"]["address"] == "一组" and error["current"]["version"] == version + 1


def test_an_update_without_a_version_is_refused(api):
    household = factories.make_household()
    response = api.patch(
        reverse("api:household-detail", kwargs={"pk": household.pk}),
        {"address": "x"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "version" in response.json()["error"]["details"]


def test_the_api_sends_only_masked_personal_numbers(api):
    household = factories.make_household(members=1)
    api.patch(
        reverse("api:household-detail", kwargs={"pk": household.pk}),
        {"new_phone": "13912345678", "version": household.version},
        content_type="application/json",
    )
    body = api.get(reverse("api:household-detail", kwargs={"pk": household.pk})).content.decode()
    assert "13912345678" not in body and "139****5678" in body
    members = api.get(reverse("api:household-members", kwargs={"pk": household.pk})).json()
    assert "*" in members[0]["id_number"]


def test_income_is_written_and_read_through_the_api_with_derived_figures(api):
    household = factories.make_household(members=2)
    url = reverse("api:household-income", kwargs={"pk": household.pk})
    response = api.put(
        url,
        {
            "year": 2025,
            "wages": "8000",
            "business": "0",
            "property_income": "0",
            "transfers": "2000",
            "business_costs": "0",
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["net_income"] == "10000.00"
    stale = api.put(
        url, {"year": 2025, "wages": "9000", "version": 0}, content_type="application/json"
    )
    assert stale.status_code == 409


def test_a_household_is_created_through_the_api(api):
    response = api.post(
        reverse("api:household-list"),
        {
            "region": "430524100201",
            "number": "API1",
            "household_type": "poor_general",
            "main_cause": "disability",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["household_type"] == "poor_general"


def test_searching_by_a_full_id_number_finds_the_household(api):
    household = factories.make_household(members=1)
    from fupin.registry import services

    number = services.person_id_reveal(
        actor=factories._system_actor("430524100201"), person=household.members.get()
    )
    response = api.get(reverse("api:household-list"), {"q": number})
    assert [h["id"] for h in response.json()["results"]] == [household.pk]


def test_the_schema_documents_households_persons_and_income(client):
    schema = client.get(reverse("schema"), {"format": "json"}).json()
    for path in (
        "/api/v1/households/",
        "/api/v1/households/{id}/",
        "/api/v1/households/{id}/income/",
        "/api/v1/persons/",
    ):
        assert path in schema["paths"], path
