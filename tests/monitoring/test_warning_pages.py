"""Department warnings in the pages: a department user uploads a file and sees only its own
department's files and the outcomes of their leads; a county sets its own thresholds."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fupin.monitoring import services
from fupin.monitoring.models import DepartmentNotice, Lead, WarningRuleSet, WarningUpload
from fupin.monitoring.warning_import import warnings_import
from tests import factories
from tests.factories import make_household, make_member, make_staff, make_user, warning_file

pytestmark = pytest.mark.django_db
COUNTY = "430524000000"


@pytest.fixture
def household():
    factories.region_tree()
    found = make_household(household_type="exited", members=1)
    found.id_number = make_member(found, name="张三")
    return found


def department_user(department="medical_insurance", region=COUNTY):
    return make_user(role="department", region=region, department=department)


def test_a_department_user_uploads_a_file_and_sees_the_lead_it_made(
    client, settings, household, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    user = department_user()
    factories.login(client, user)
    page = client.get(reverse("monitoring:warning_list"))
    assert "导入预警名单" in page.content.decode()
    content = (
        "证件号码,姓名,结算日期,就诊类型,总费用,个人自付\n"
        f"{household.id_number},张三,2026-02-01,住院,9000,6000\n"
        "not-an-id,李四,2026-02-01,住院,1,1\n"
    ).encode("utf-8-sig")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("monitoring:warning_list"),
            {"department": "medical_insurance", "file": SimpleUploadedFile("医保.csv", content)},
        )
    assert response.status_code == 302
    upload = WarningUpload.objects.get()
    assert (upload.read, upload.rejected, upload.matched, upload.leads) == (2, 1, 1, 1)
    assert upload.uploaded_by == user and upload.region_id == COUNTY
    job = client.get(response["Location"]).content.decode()
    assert "读取 2 行，拒绝 1 行，未匹配 0 行，匹配 1 行，线索 1 条。" in job

    detail = client.get(reverse("monitoring:warning_detail", args=[upload.pk])).content.decode()
    lead = Lead.objects.get()
    assert lead.receipt in detail and "待核实" in detail
    assert "430524" not in detail.replace(COUNTY, "")  # no ID numbers on the page
    report = client.get(reverse("monitoring:warning_report", args=[upload.pk]))
    assert report.status_code == 200


def test_a_department_user_can_only_send_its_own_departments_file(client, household):
    factories.login(client, department_user("housing"))
    page = client.get(reverse("monitoring:warning_list")).content.decode()
    assert 'value="housing"' in page and 'value="medical_insurance"' not in page
    response = client.post(
        reverse("monitoring:warning_list"),
        {"department": "medical_insurance", "file": SimpleUploadedFile("a.csv", b"x")},
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not WarningUpload.objects.exists()


def test_department_users_see_only_their_own_uploads_and_outcomes(tmp_path, client, household):
    medical, housing = department_user(), department_user("housing")
    path = warning_file(
        tmp_path / "医保.csv",
        ["证件号码", "姓名", "结算日期", "就诊类型", "总费用", "个人自付"],
        [[household.id_number, "张三", "2026-02-01", "住院", "9000", "6000"]],
    )
    warnings_import(
        department="medical_insurance", path=path, actor=medical, today=date(2026, 6, 1)
    )
    lead = Lead.objects.get()
    staff = make_staff()
    services.lead_check(
        actor=staff["village"],
        lead=lead,
        outcome="closed",
        reason="已获大病保险二次报销，家庭收入稳定",
        today=date(2026, 6, 2),
    )
    notice = DepartmentNotice.objects.get()
    assert notice.department == "medical_insurance"
    assert notice.outcome == "入户核实后不纳入监测（2026-06-02）"

    factories.login(client, medical)
    assert "医保.csv" in client.get(reverse("monitoring:warning_list")).content.decode()
    outcomes = client.get(reverse("monitoring:outcome_list")).content.decode()
    assert lead.receipt in outcomes and "入户核实后不纳入监测" in outcomes and ">新<" in outcomes
    client.post(reverse("monitoring:outcome_list"))
    assert DepartmentNotice.objects.get().read_at is not None

    factories.login(client, housing)
    assert "医保.csv" not in client.get(reverse("monitoring:warning_list")).content.decode()
    assert lead.receipt not in client.get(reverse("monitoring:outcome_list")).content.decode()
    upload = WarningUpload.objects.get()
    assert client.get(reverse("monitoring:warning_detail", args=[upload.pk])).status_code == 404
    # Nor do they read leads or households.
    assert client.get(reverse("monitoring:lead_detail", args=[lead.pk])).status_code == 404


def test_the_end_of_a_monitoring_procedure_reaches_the_department(tmp_path, household):
    from fupin.procedures.models import Procedure

    medical = department_user()
    path = warning_file(
        tmp_path / "医保.csv",
        ["证件号码", "姓名", "结算日期", "就诊类型", "总费用", "个人自付"],
        [[household.id_number, "张三", "2026-02-01", "住院", "9000", "6000"]],
    )
    warnings_import(department="medical_insurance", path=path, actor=medical)
    lead = Lead.objects.get()
    staff = make_staff()
    lead = services.lead_check(
        actor=staff["village"], lead=lead, outcome="procedure", target_kind="unstable"
    )
    assert not DepartmentNotice.objects.exists()
    # The procedure ends (rejected at the county): the signal records the decision.
    from fupin.procedures.signals import procedure_finished

    Procedure.objects.filter(pk=lead.procedure_id).update(status="rejected")
    procedure_finished.send(
        sender=Procedure, procedure=Procedure.objects.get(pk=lead.procedure_id), day=date.today()
    )
    notice = DepartmentNotice.objects.get()
    assert notice.outcome.startswith("经评议，未纳入监测")


def test_a_county_sets_its_thresholds_and_a_department_cannot(client, household):
    county = make_user(role="county", region=COUNTY)
    factories.login(client, county)
    rules = client.get(reverse("monitoring:rules_list")).content.decode()
    assert "5,000" in rules and "20,000" in rules
    edit = reverse("monitoring:rules_edit", args=["medical_insurance"])
    response = client.post(
        edit,
        {
            "hospital_year_registered": "-1",
            "hospital_year_other": "20000",
            "outpatient_month": "500",
        },
    )
    assert response.status_code == 200 and "大于或等于0" in response.content.decode()
    assert not WarningRuleSet.objects.exists()
    response = client.post(
        edit,
        {
            "hospital_year_registered": "3000",
            "hospital_year_other": "20000",
            "outpatient_month": "800",
            "basis": "隆医保发〔2026〕3号",
        },
    )
    saved = WarningRuleSet.objects.get()
    assert response.status_code == 302
    assert saved.values["hospital_year_registered"] == 3000
    assert "3,000" in client.get(reverse("monitoring:rules_list")).content.decode()

    factories.login(client, department_user())
    assert client.get(edit).status_code == 403
    # The department reads its own department's county rules.
    assert "隆医保发" in client.get(reverse("monitoring:rules_list")).content.decode()
    factories.login(client, department_user("housing"))
    assert "隆医保发" not in client.get(reverse("monitoring:rules_list")).content.decode()


def test_a_template_downloads_for_each_department(client, household):
    factories.login(client, department_user())
    response = client.get(reverse("monitoring:warning_template", args=["medical_insurance"]))
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("monitoring:warning_template", args=["tax"])).status_code == 404
