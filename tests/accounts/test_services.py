from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.accounts import roles
from fupin.accounts.models import User
from fupin.accounts.services import user_create, user_update
from fupin.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def test_creating_an_account_records_it_without_the_password(tree):
    user = user_create(
        actor=None,
        username="chen",
        password="a-long-enough-password",
        role=roles.Role.TOWNSHIP,
        region_code="430524100",
        full_name="陈六",
    )
    assert user.region_id == "430524100000"  # short codes are expanded
    entry = AuditEntry.objects.get(action="user.create")
    assert entry.after["username"] == "chen"
    assert "password" not in entry.after


@pytest.mark.parametrize(
    "role,region,department,field,message",
    [
        (roles.Role.TOWNSHIP, "430524000000", "", "region", "该角色的管辖区域应为"),
        (roles.Role.COUNTY, None, "", "region", "必须有管辖区域"),
        (roles.Role.DEPARTMENT, "430524000000", "", "department", "必须选择部门"),
        (roles.Role.VILLAGE, "430524100201", "health", "department", "只有行业部门"),
        (roles.Role.VILLAGE, "430524100299", "", "region", "不存在"),
        ("mayor", "430524000000", "", "role", "未知角色"),
    ],
)
def test_account_scope_must_fit_the_role(tree, role, region, department, field, message):
    with pytest.raises(ValidationError) as error:
        user_create(
            actor=None,
            username="x",
            password="a-long-enough-password",
            role=role,
            region_code=region,
            department=department,
        )
    assert message in " ".join(error.value.message_dict[field])


def test_weak_passwords_are_refused(tree):
    with pytest.raises(ValidationError):
        user_create(
            actor=None,
            username="weak",
            password="12345678",
            role=roles.Role.VILLAGE,
            region_code="430524100201",
        )


def test_a_county_manager_cannot_create_accounts_in_another_county(tree):
    manager = factories.make_user(role=roles.Role.COUNTY, region="430524000000")
    with pytest.raises(PermissionDenied):
        user_create(
            actor=manager,
            username="x",
            password="a-long-enough-password",
            role=roles.Role.TOWNSHIP,
            region_code="431123100000",
        )
    assert not User.objects.filter(username="x").exists()


def test_a_manager_cannot_deactivate_itself(tree):
    manager = factories.make_user(role=roles.Role.COUNTY, region="430524000000")
    with pytest.raises(ValidationError):
        user_update(actor=manager, user=manager, is_active=False)


def test_updating_an_account_audits_only_what_changed(tree):
    manager = factories.make_user(role=roles.Role.COUNTY, region="430524000000")
    clerk = factories.make_user(role=roles.Role.VILLAGE, region="430524100201", full_name="旧名")
    user_update(actor=manager, user=clerk, full_name="新名", phone=None, is_active=None)
    entry = AuditEntry.objects.get(action="user.update")
    assert entry.before == {"full_name": "旧名"} and entry.after == {"full_name": "新名"}
