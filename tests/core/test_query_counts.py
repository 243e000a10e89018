"""List pages make the same number of queries whatever the number of rows, so an N+1
query cannot creep in unnoticed."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fupin.accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _grow(kind: str, n: int) -> None:
    for _ in range(n):
        if kind == "users":
            factories.make_user(role=roles.Role.VILLAGE, region="430524100201")
        elif kind == "audit":
            factories.make_audit_entry(region_code="430524100201")
        else:
            factories.make_region(parent="430524000000")


@pytest.mark.parametrize(
    "kind,url_name,role",
    [
        ("users", "accounts:user_list", roles.Role.COUNTY),
        ("audit", "core:audit_list", roles.Role.INSPECTOR),
        ("regions", "regions:list", roles.Role.COUNTY),
        ("regions", "core:dashboard", roles.Role.COUNTY),
    ],
)
def test_list_pages_make_a_constant_number_of_queries(client, tree, kind, url_name, role):
    factories.login(client, factories.make_user(role=role, region="430524000000"))
    url = reverse(url_name)
    _grow(kind, 2)
    few = _queries(client, url)
    _grow(kind, 25)
    many = _queries(client, url)
    assert many == few, f"{url}: {few} queries with few rows, {many} with many"
