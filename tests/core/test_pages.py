from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from fupin.accounts import roles
from fupin.core.middleware import SESSION_REGION_KEY
from tests import factories

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_the_dashboard_shows_the_users_area_and_the_regions_below(client, tree):
    factories.login(
        client,
        factories.make_user(role=roles.Role.TOWNSHIP, region="430524100000", full_name="王五"),
    )
    text = client.get("/").content.decode()
    assert "工作台" in text and "王五" in text and "乡镇扶贫工作站" in text
    assert "红星村" in text and "新田村" in text
    assert "枫树村" not in text  # another county's village


def test_navigation_shows_only_the_modules_a_role_may_use(client, tree):
    factories.login(client, factories.make_user(role=roles.Role.VILLAGE, region="430524100201"))
    text = client.get("/").content.decode()
    assert "行政区划" in text
    assert "审计日志" not in text and "账号管理" not in text


def test_the_breadcrumb_runs_from_the_province_to_the_current_region(client, tree):
    factories.login(client, factories.make_user(role=roles.Role.TOWNSHIP, region="430524100000"))
    text = client.get("/").content.decode()
    crumbs = [text.index(name) for name in ("湖南省", "邵阳市", "隆回县", "桃洪镇")]
    assert crumbs == sorted(crumbs)


def test_switching_region_narrows_pages_and_refuses_regions_outside_scope(client, tree):
    factories.login(client, factories.make_user(role=roles.Role.COUNTY, region="430524000000"))
    assert (
        client.post(
            reverse("core:region_select"), {"region": "430524101000", "next": "/"}
        ).status_code
        == 302
    )
    assert client.session[SESSION_REGION_KEY] == "430524101000"
    text = client.get(reverse("regions:list")).content.decode()
    assert "大塘村" in text and "红星村" not in text

    refused = client.post(reverse("core:region_select"), {"region": "431123000000"})
    assert refused.status_code == 400
    assert client.session[SESSION_REGION_KEY] == "430524101000"


def test_the_switcher_lists_only_regions_in_scope(client, tree):
    factories.login(client, factories.make_user(role=roles.Role.TOWNSHIP, region="430524100000"))
    text = client.get(reverse("core:region_switcher"), {"code": "430524000000"}).content.decode()
    assert "小沙江镇" not in text  # the sibling township: the request falls back to the scope
    assert "红星村" in text


def test_error_pages_are_in_chinese(client, tree):
    factories.login(client, factories.make_user(role=roles.Role.VILLAGE, region="430524100201"))
    not_found = client.get("/no-such-page/")
    forbidden = client.get(reverse("core:audit_list"))
    assert not_found.status_code == 404 and "页面不存在" in not_found.content.decode()
    assert forbidden.status_code == 403 and "没有权限" in forbidden.content.decode()


def test_a_server_error_shows_the_chinese_page_with_the_request_id(tree, monkeypatch):
    from fupin.core import views

    def explode(request):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.region_selectors, "region_child_counts", lambda **kw: explode(None))
    client = Client(raise_request_exception=False)
    factories.login(client, factories.make_user())
    response = client.get("/", HTTP_X_REQUEST_ID="req-500-abcdef")
    assert response.status_code == 500
    text = response.content.decode()
    assert "服务器内部错误" in text and "req-500-abcdef" in text


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"


def test_pages_reference_no_outside_host(client, tree):
    factories.login(client, factories.make_user())
    text = client.get("/").content.decode()
    assert "http://" not in text and "https://" not in text
    assert "/static/vendor/htmx/htmx.min" in text


def test_english_is_available_through_the_language_switch(client, tree):
    factories.login(client, factories.make_user())
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = client.get("/").content.decode()
    assert "Dashboard" in text
    assert 'lang="en"' in text


def test_the_dashboard_counts_the_regions_below_each_child_in_chart_and_table(client, tree):
    factories.login(client, factories.make_user(role=roles.Role.COUNTY, region="430524000000"))
    response = client.get("/")
    assert response.context["chart"]["categories"] == ["桃洪镇", "小沙江镇"]
    assert response.context["chart"]["values"] == [2, 1]
    text = response.content.decode()
    assert 'id="chart-data"' in text and "/static/vendor/echarts/echarts.min" in text
