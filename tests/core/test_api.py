from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from fupin.accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db


def test_unauthenticated_requests_get_the_error_shape_in_chinese(client):
    response = client.get(reverse("api:region-list"))
    assert response.status_code in (401, 403)
    error = response.json()["error"]
    assert error["status"] == response.status_code
    assert (
        error["message"] == "请先登录。" or "权限" in error["message"] or "登录" in error["message"]
    )


def test_not_found_carries_a_chinese_message(client, tree):
    factories.login(client, factories.make_user())
    response = client.get(reverse("api:region-detail", kwargs={"pk": "999999999999"}))
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "未找到该记录，或不在您的管辖范围内。"


def test_validation_errors_keep_field_details(client, tree):
    factories.login(client, factories.make_user(role=roles.Role.COUNTY, region="430524000000"))
    response = client.patch(
        reverse("api:region-detail", kwargs={"pk": "430524100201"}),
        data={"name": "   "},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"] == "请求数据有误。"
    assert "name" in error["details"]


def test_an_unknown_api_path_answers_json_not_a_page(client, tree):
    factories.login(client, factories.make_user())
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["error"]["status"] == 404


def test_token_authentication_and_pagination(client, tree):
    user = factories.make_user(role=roles.Role.COUNTY, region="430524000000")
    token = Token.objects.create(user=user)
    response = client.get(
        reverse("api:region-list"), {"page_size": 2}, HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert response.status_code == 200
    payload = response.json()
    assert set(payload) >= {"count", "next", "previous", "results"}
    assert len(payload["results"]) == 2
    assert payload["count"] == 6  # the county and everything below it in the test tree


def test_me_describes_the_signed_in_user(client, tree):
    user = factories.make_user(role=roles.Role.VILLAGE, region="430524100201", full_name="李四")
    factories.login(client, user)
    assert client.get(reverse("api:me")).json() == {
        "username": user.username,
        "full_name": "李四",
        "role": "village",
        "role_label": "村扶贫专干",
        "region": "430524100201",
        "department": "",
    }


def test_session_users_who_need_a_second_factor_are_refused_until_verified(client, tree):
    user = factories.make_user(role=roles.Role.COUNTY, region="430524000000")
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(reverse("api:region-list"))
    assert response.status_code == 403
    assert "双因素认证" in response.json()["error"]["message"]


def test_openapi_schema_documents_the_api(client):
    response = client.get(reverse("schema"), {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/regions/",
        "/api/v1/audit/",
        "/api/v1/users/",
        "/api/v1/jobs/",
        "/api/v1/me/",
    ):
        assert path in schema["paths"], path
    assert "patch" not in schema["paths"]["/api/v1/audit/{id}/"]


def test_interactive_docs_load_only_local_assets(client):
    response = client.get(reverse("api-docs"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "swagger" in html.lower()
    assert "cdn" not in html.lower() and "https://" not in html
