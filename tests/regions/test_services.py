from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from fupin.accounts import roles
from fupin.regions import services
from fupin.regions.models import Region
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_county_office_adds_a_village_below_a_township(tree):
    county = factories.make_user(role=roles.Role.COUNTY, region="430524000000")
    village = services.region_create(actor=county, code="430524100203", name="新建村")
    assert (village.level, village.parent_id) == ("village", "430524100000")


@pytest.mark.parametrize(
    "code,name,message",
    [
        ("430524100201", "重复村", "已存在"),
        ("430524199201", "孤儿村", "上级区划 430524199000 不存在"),
        ("43052410020", "短码村", "12位数字"),
        ("430524100209", "  ", "名称不能为空"),
    ],
)
def test_bad_regions_are_refused_with_a_chinese_reason(tree, code, name, message):
    county = factories.make_user(role=roles.Role.COUNTY, region="430524000000")
    with pytest.raises(ValidationError) as error:
        services.region_create(actor=county, code=code, name=name)
    assert message in str(error.value)


@pytest.mark.parametrize(
    "role,region",
    [
        (roles.Role.TOWNSHIP, "430524100000"),
        (roles.Role.VILLAGE, "430524100201"),
        (roles.Role.INSPECTOR, "430524000000"),
    ],
)
def test_staff_below_the_county_cannot_change_the_region_tree(client, tree, role, region):
    user = factories.make_user(role=role, region=region)
    with pytest.raises(PermissionDenied):
        services.region_rename(
            actor=user, region=Region.objects.get(pk="430524100201"), name="改名"
        )
    factories.login(client, user)
    assert client.get(reverse("regions:edit", kwargs={"pk": "430524100201"})).status_code in (
        403,
        404,
    )
    response = client.patch(
        reverse("api:region-detail", kwargs={"pk": "430524100201"}),
        data={"name": "改名"},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert Region.objects.get(pk="430524100201").name == "红星村"
