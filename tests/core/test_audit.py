from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from fupin.accounts import roles
from fupin.core import audit, context
from fupin.core.models import AppendOnlyError, AuditEntry
from fupin.regions import services as region_services
from fupin.regions.models import Region
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_service_writes_who_what_before_after_request_and_address(client, tree):
    clerk = factories.make_user(role=roles.Role.COUNTY, region="430524000000")
    factories.login(client, clerk)

    response = client.post(
        reverse("regions:edit", kwargs={"pk": "430524100201"}),
        {"name": "红星新村"},
        HTTP_X_REQUEST_ID="req-test-0001",
        REMOTE_ADDR="10.20.30.40",
    )

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="region.rename")
    assert entry.actor == clerk
    assert entry.actor_username == clerk.username
    assert entry.target_type == "regions.region"
    assert entry.target_id == "430524100201"
    assert entry.region_code == "430524100201"
    assert entry.before == {"name": "红星村", "version": 1}
    assert entry.after == {"name": "红星新村", "version": 2}
    assert entry.request_id == "req-test-0001"
    assert entry.ip_address == "10.20.30.40"
    assert response["X-Request-ID"] == "req-test-0001"


def test_audit_rows_cannot_be_changed_or_removed_through_the_orm(tree):
    entry = factories.make_audit_entry(region_code="430524100201")

    entry.action = "tampered"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditentry SET action = 'tampered'",
        "DELETE FROM core_auditentry",
    ],
)
def test_audit_rows_cannot_be_changed_or_removed_in_sql(tree, sql):
    entry = factories.make_audit_entry(region_code="430524100201")

    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert AuditEntry.objects.get(pk=entry.pk).action == "test.action"


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction(flushable_audit):
    with pytest.raises(audit.AuditOutsideTransaction):
        audit.record(actor=None, action="outside")


def test_a_failed_service_leaves_no_audit_row(tree):
    clerk = factories.make_user(role=roles.Role.COUNTY, region="430524000000")
    before = AuditEntry.objects.count()
    with pytest.raises(Exception, match="名称不能为空"):
        region_services.region_rename(
            actor=clerk, region=Region.objects.get(pk="430524100201"), name="  "
        )
    assert AuditEntry.objects.count() == before


def test_commands_are_recorded_with_a_cli_request_id(tree):
    context.begin(context.Origin(request_id="cli-abc", channel="cli"))
    try:
        with transaction.atomic():
            entry = audit.record(actor=None, action="cli.test")
    finally:
        context.begin(context.Origin(request_id="local-reset", channel="local"))
    assert entry.request_id == "cli-abc"
    assert entry.channel == "cli"


def test_sign_ins_and_failed_sign_ins_are_audited_under_the_accounts_region(client, tree):
    clerk = factories.make_user(role=roles.Role.TOWNSHIP, region="430524100000", username="clerk")

    client.post(reverse("accounts:login"), {"username": "clerk", "password": "wrong-password"})
    client.post(reverse("accounts:login"), {"username": "clerk", "password": factories.PASSWORD})

    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.region_code == "430524100000"
    assert failed.after == {"username": "clerk"}
    assert "password" not in str(failed.after)
    assert AuditEntry.objects.get(action="auth.login").actor == clerk


def test_inspector_searches_the_log_by_action_and_user(client, tree):
    inspector = factories.make_user(role=roles.Role.INSPECTOR, region="430524000000")
    clerk = factories.make_user(role=roles.Role.COUNTY, region="430524000000", username="zhang")
    region_services.region_rename(
        actor=clerk, region=Region.objects.get(pk="430524100201"), name="红星新村"
    )
    factories.make_audit_entry(region_code="430524100202", action="other.thing")
    factories.login(client, inspector)

    page = client.get(reverse("core:audit_list"), {"action": "region.", "username": "zhang"})

    text = page.content.decode()
    assert page.status_code == 200
    assert "region.rename" in text and "修改区划名称" in text  # the code and its meaning
    assert "other.thing" not in text
    detail = client.get(
        reverse(
            "core:audit_detail", kwargs={"pk": AuditEntry.objects.get(action="region.rename").pk}
        )
    )
    assert "红星新村" in detail.content.decode() and "红星村" in detail.content.decode()


def test_audit_search_rejects_a_reversed_date_range_in_chinese(client, tree):
    inspector = factories.make_user(role=roles.Role.INSPECTOR, region="430524000000")
    factories.login(client, inspector)
    page = client.get(
        reverse("core:audit_list"), {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert "起始日期不能晚于截止日期" in page.content.decode()


@pytest.mark.parametrize("role", [roles.Role.COUNTY, roles.Role.TOWNSHIP, roles.Role.DEPARTMENT])
def test_staff_who_are_not_auditors_cannot_open_the_log(client, tree, role):
    user = factories.make_user(
        role=role,
        region="430524000000" if role != roles.Role.TOWNSHIP else "430524100000",
        department="medical_insurance" if role == roles.Role.DEPARTMENT else "",
    )
    factories.login(client, user)
    assert client.get(reverse("core:audit_list")).status_code == 403
    assert client.get(reverse("core:audit_export")).status_code == 403
    assert client.get(reverse("api:audit-list")).status_code == 403


def test_the_audit_export_is_a_csv_excel_can_open(client, tree):
    inspector = factories.make_user(role=roles.Role.INSPECTOR, region="430524000000")
    factories.make_audit_entry(region_code="430524100201", target_repr="导出对象")
    factories.login(client, inspector)

    response = client.get(reverse("core:audit_export"))

    body = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff".encode())
    text = body.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("时间,操作人账号,操作")
    assert "导出对象" in text
    assert '{""value"": 1}' in text
