from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from fupin.core.models import AuditEntry
from fupin.procedures import notices, services
from fupin.procedures.models import Attachment, Procedure, Step
from fupin.procedures.services import File
from fupin.standards.models import EvaluationRun, Verdict
from tests import factories
from tests.factories import login, make_household, make_procedure, make_staff, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    factories.region_tree()
    return make_staff()


def test_the_household_page_offers_the_procedures_the_user_may_start(client, staff):
    household = make_household(household_type="poor_general", members=1)
    login(client, staff["village"])
    page = client.get(reverse("registry:household_detail", kwargs={"pk": household.pk}))
    text = page.content.decode()
    assert "发起贫困户退出" in text and "发起贫困户识别" not in text
    login(client, staff["township"])
    page = client.get(reverse("registry:household_detail", kwargs={"pk": household.pk}))
    assert "发起贫困户退出" not in page.content.decode()  # a village step begins it


def test_a_village_cadre_starts_identification_from_the_household_page(client, staff):
    household = make_household(household_type="general", members=1)
    login(client, staff["village"])
    url = reverse("procedures:start", kwargs={"household_pk": household.pk})
    missing = client.post(url, {"kind": "identification", "reason": "因病致贫"})
    assert "请选择拟认定的类型" in missing.content.decode()
    response = client.post(
        url, {"kind": "identification", "target_kind": "poor_general", "reason": "因病致贫"}
    )
    procedure = Procedure.objects.get(household=household)
    assert response.url == reverse("procedures:detail", kwargs={"pk": procedure.pk})
    assert procedure.origin == "household_page"
    page = client.get(reverse("registry:household_detail", kwargs={"pk": household.pk}))
    assert f"贫困户识别 #{procedure.pk}" in page.content.decode()


def test_the_detail_page_acts_with_the_attachments_the_step_needs(client, staff):
    procedure = make_procedure(kind="exit", staff=staff)
    login(client, staff["village"])
    url = reverse("procedures:detail", kwargs={"pk": procedure.pk})
    page = client.get(url).content.decode()
    assert "办理：村民代表大会民主评议" in page and "评议会议记录" in page
    refused = client.post(
        url,
        {"verb": "approve", "version": procedure.version, "votes_for": "3", "votes_against": "5"},
    )
    assert "未超过" in refused.content.decode()
    done = client.post(
        url,
        {
            "verb": "approve",
            "version": procedure.version,
            "votes_for": "25",
            "votes_against": "1",
            "votes_abstain": "0",
            "file_minutes": upload("评议记录.pdf"),
        },
    )
    assert done.status_code == 302
    procedure.refresh_from_db()
    assert procedure.steps.get(status="open").key == "verification"
    attachment = Attachment.objects.get(action__procedure=procedure)
    assert attachment.kind == "minutes" and attachment.name == "评议记录.pdf"
    download = client.get(reverse("procedures:attachment", kwargs={"pk": attachment.pk}))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 signed"
    assert AuditEntry.objects.filter(action="procedure.attachment_download").count() == 1
    stale = client.post(url, {"verb": "submit", "version": procedure.version - 1}, follow=True)
    assert "已被他人办理" in stale.content.decode()


def test_the_worklist_shows_waiting_steps_and_acts_on_many(client, staff):
    today = timezone.localdate()
    first = make_procedure(kind="monitoring", staff=staff)
    second = make_procedure(kind="monitoring", staff=staff)
    for procedure in (first, second):
        for verb, files in (("submit", [File("consent", upload())]), ("approve", [])):
            services.step_act(
                actor=staff["village"],
                step=procedure.steps.get(status="open"),
                verb=verb,
                files=files,
                today=today - timedelta(days=6),
            )
        services.step_act(
            actor=staff["village"],
            step=procedure.steps.get(status="open"),
            verb="close_notice",
            today=today - timedelta(days=1),
        )
    login(client, staff["township"])
    page = client.get(reverse("procedures:worklist")).content.decode()
    assert page.count("乡镇审核") == 2
    steps = Step.objects.filter(status="open", key="township_review").values_list("pk", flat=True)
    response = client.post(
        reverse("procedures:worklist_bulk"),
        {"verb": "approve", "step": [str(pk) for pk in steps]},
        follow=True,
    )
    assert "已办理 2 件" in response.content.decode()
    assert Step.objects.filter(status="open", key="county_decision").count() == 2
    login(client, staff["village"])
    assert "没有待办" in client.get(reverse("procedures:worklist")).content.decode()


def test_exits_start_from_the_verdicts_for_many_households(client, staff):
    households = [make_household(household_type="poor_general", members=1) for _ in range(2)]
    run = EvaluationRun.objects.create(year=2025, status="done", finished_at=timezone.now())
    verdicts = [
        Verdict.objects.create(
            run=run,
            household=h,
            region_id=h.region_id,
            household_number=h.number,
            criteria={},
            exit_eligible=True,
        )
        for h in households
    ]
    login(client, staff["village"])
    url = reverse("procedures:start_from_verdicts", kwargs={"kind": "exit"})
    page = client.get(url).content.decode()
    assert all(h.number in page for h in households)
    response = client.post(url, {"verdict": [str(v.pk) for v in verdicts]}, follow=True)
    assert "已发起 2 户" in response.content.decode()
    started = Procedure.objects.filter(kind="exit", origin="verdict")
    assert started.count() == 2 and {p.verdict_id for p in started} == {v.pk for v in verdicts}
    assert "没有符合条件的农户" in client.get(url).content.decode()


def test_objections_are_listed_and_answered_by_staff(client, staff):
    today = timezone.localdate()
    procedure = make_procedure(kind="monitoring", staff=staff)
    services.step_act(
        actor=staff["village"],
        step=procedure.steps.get(status="open"),
        verb="submit",
        files=[File("consent", upload())],
        today=today,
    )
    services.step_act(
        actor=staff["village"], step=procedure.steps.get(status="open"), verb="approve", today=today
    )
    objection = notices.objection_file(
        step=procedure.steps.get(status="open"), text="情况不属实", address="198.51.100.7"
    )
    login(client, staff["township"])
    listing = client.get(reverse("procedures:objection_list"), {"waiting": "1"})
    assert "情况不属实" not in listing.content.decode()  # the text is on the detail page
    assert f"#{objection.pk}" in listing.content.decode()
    client.post(
        reverse("procedures:objection_answer", kwargs={"pk": objection.pk}),
        {"answer-answer": "经入户核实，情况属实，异议不成立。", "answer-upheld": "no"},
    )
    objection.refresh_from_db()
    assert objection.answered and objection.upheld is False
    export = b"".join(client.get(reverse("procedures:objection_export")).streaming_content)
    row = export.decode("utf-8-sig").splitlines()[1]
    assert "不成立" in row and "经入户核实" in row and "情况不属实" in row


def test_the_api_starts_and_acts_and_answers_409_on_a_stale_version(client, staff):
    household = make_household(household_type="exited", members=1)
    login(client, staff["village"])
    created = client.post(
        reverse("api:procedure-list"),
        data=json.dumps(
            {"household": household.pk, "kind": "monitoring", "target_kind": "unstable"}
        ),
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    step = next(s for s in body["steps"] if s["status"] == "open")
    act = reverse("api:procedure-act", kwargs={"pk": body["id"]})
    needs_file = client.post(
        act,
        data=json.dumps({"step": step["id"], "verb": "submit", "version": body["version"]}),
        content_type="application/json",
    )
    assert needs_file.status_code == 400 and "承诺授权书" in needs_file.content.decode()
    stale = client.post(
        act,
        data=json.dumps({"step": step["id"], "verb": "submit", "version": body["version"] - 1}),
        content_type="application/json",
    )
    assert stale.status_code == 409
    assert stale.json()["error"]["current"]["version"] == body["version"]
