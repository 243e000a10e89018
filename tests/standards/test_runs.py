"""Stored runs: started from the page (background job on the real queue), from the API and
the command line; their pages, verdict lists and exports."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse
from typer.testing import CliRunner

from fupin.accounts.roles import Role
from fupin.cli import app
from fupin.core.models import AuditEntry, Job, JobStatus
from fupin.registry.importing import import_households
from fupin.standards.models import EvaluationRun, Verdict
from fupin.standards.runs import run_create, run_execute
from tests import factories
from tests.registry.test_import import family, write_csv


def _registry(tmp_path):
    poor = {"户类型": "一般贫困户", "主要致贫原因": "因病", "识别年度": "2015"}
    rows = [
        *family("0001", **poor),
        *family("0002", **poor, 饮水安全="否"),
        *family("0003", 工资性收入="5000", 转移性收入="0"),
        *family("0004", region="430524101201", **poor),  # another township
    ]
    result = import_households(path=write_csv(tmp_path / "r.csv", rows), as_of=date(2026, 3, 1))
    assert result.rejected == 0, result.problems


@pytest.mark.django_db(transaction=True)
def test_a_run_started_on_the_page_runs_in_the_worker_and_is_kept(
    client, flushable_audit, tmp_path
):
    factories.region_tree()
    _registry(tmp_path)
    county = factories.make_user(role=Role.COUNTY, region="430524000000")
    factories.login(client, county)
    response = client.post(
        reverse("standards:run_list"),
        {"year": 2025, "region": "430524100000", "engine": "duckdb", "note": "桃洪镇年度核验"},
    )
    run = EvaluationRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("standards:run_detail", kwargs={"pk": run.pk})
    assert run.status == "queued" and run.started_by == county

    call_command("db_worker", batch=True, verbosity=0)

    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert "符合脱贫条件 1 户" in job.message
    assert run.status == "done" and run.counts["households"] == 3  # the township only
    assert run.parameters["43"]["poverty_line"] == "4000.00"
    page = client.get(reverse("standards:run_detail", kwargs={"pk": run.pk})).content.decode()
    assert "红星村" in page and "扶贫标准（贫困线）" in page
    assert Verdict.objects.filter(run=run).count() == 3
    assert AuditEntry.objects.filter(action="evaluation.start").count() == 1


@pytest.mark.django_db
def test_the_verdict_list_filters_by_outcome_and_failed_criterion(client, tree, tmp_path):
    _registry(tmp_path)
    run = run_create(actor=None, year=2025, region_code="430524000000")
    run_execute(run)
    factories.login(client, factories.make_user(role=Role.TOWNSHIP, region="430524100000"))
    url = reverse("standards:verdict_list")
    eligible = client.get(url, {"run": run.pk, "outcome": "exit_eligible"}).content.decode()
    assert ">0001<" in eligible and ">0002<" not in eligible
    water = client.get(url, {"run": run.pk, "failed": "water"}).content.decode()
    assert ">0002<" in water and ">0001<" not in water
    everything = client.get(url, {"run": run.pk}).content.decode()
    assert ">0004<" not in everything  # the other township's household is out of scope
    verdict = Verdict.objects.get(run=run, household_number="0002")
    detail = client.get(reverse("standards:verdict_detail", kwargs={"pk": verdict.pk}))
    assert "饮水安全有保障" in detail.content.decode() and "未达标" in detail.content.decode()
    export = client.get(reverse("standards:verdict_export"), {"run": run.pk})
    body = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "0002" in body and "饮水安全有保障" in body and "0004" not in body


@pytest.mark.django_db
def test_a_run_outside_the_user_s_area_cannot_be_started(client, tree):
    factories.login(client, factories.make_user(role=Role.TOWNSHIP, region="430524100000"))
    client.post(reverse("standards:run_list"), {"year": 2025, "region": "431123000000"})
    assert not EvaluationRun.objects.exists()
    village = factories.make_user(role=Role.VILLAGE, region="430524100201")
    factories.login(client, village)
    response = client.post(reverse("standards:run_list"), {"year": 2025, "region": "430524100201"})
    assert response.status_code == 403 and not EvaluationRun.objects.exists()


@pytest.mark.django_db
def test_the_api_starts_a_run_and_lists_verdicts(client, tree, tmp_path):
    _registry(tmp_path)
    factories.login(client, factories.make_user(role=Role.COUNTY, region="430524000000"))
    started = client.post(
        "/api/v1/evaluation-runs/", {"year": 2025}, content_type="application/json"
    )
    assert started.status_code == 202, started.json()
    run = EvaluationRun.objects.get(pk=started.json()["id"])
    assert run.region_id == "430524000000"  # the user's own area by default
    run_execute(run)
    verdicts = client.get("/api/v1/verdicts/", {"run": run.pk, "outcome": "exit_eligible"})
    numbers = {v["household_number"] for v in verdicts.json()["results"]}
    assert numbers == {"0001", "0004"}
    one = verdicts.json()["results"][0]
    assert one["failed_criteria"] == [] and one["criteria"]["income"] == "met"
    refused = client.post(
        "/api/v1/evaluation-runs/",
        {"year": 2025, "region": "431123000000"},
        content_type="application/json",
    )
    assert refused.status_code in (403, 404)


@pytest.mark.django_db
def test_the_command_line_stores_its_run(tree, tmp_path):
    _registry(tmp_path)
    result = CliRunner().invoke(app, ["evaluate", "--year", "2025", "--region", "430524000000"])
    assert result.exit_code == 0, result.output
    run = EvaluationRun.objects.get()
    assert result.output.startswith(f"run {run.pk}: households 4")
    assert run.started_by is None and run.status == "done"
    assert run.counts["exit_eligible"] == 2
