from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from fupin.accounts import roles
from fupin.core.models import Job, JobStatus
from tests import factories


def _start_audit_export(client, inspector):
    factories.login(client, inspector)
    return client.post(reverse("core:audit_export_start") + "?action=test.")


@pytest.mark.django_db(transaction=True)
def test_a_background_export_runs_in_the_worker_and_its_page_shows_progress(
    client, flushable_audit, settings, tmp_path
):
    settings.FUPIN_EXPORT_DIR = tmp_path
    factories.region_tree()
    inspector = factories.make_user(role=roles.Role.INSPECTOR, region="430524000000")
    for i in range(3):
        factories.make_audit_entry(region_code="430524100201", target_repr=f"行{i}")
    factories.make_audit_entry(region_code="431123100201", target_repr="界外行")

    response = _start_audit_export(client, inspector)
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:job_detail", kwargs={"pk": job.pk}
    )
    assert job.status == JobStatus.QUEUED
    assert "排队中" in client.get(response["Location"]).content.decode()

    # The real database queue and worker, run until the queue is empty.
    call_command("db_worker", batch=True, verbosity=0)

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert (job.done, job.total) == (3, 3)
    progress = client.get(reverse("core:job_detail", kwargs={"pk": job.pk}), HTTP_HX_REQUEST="true")
    text = progress.content.decode()
    assert "已完成" in text and "hx-trigger" not in text  # finished: the page stops polling
    download = client.get(reverse("core:job_download", kwargs={"pk": job.pk}))
    body = b"".join(download.streaming_content).decode("utf-8-sig")
    assert "行0" in body and "行2" in body and "界外行" not in body


@pytest.mark.django_db
def test_a_running_job_page_polls_with_htmx(client, tree):
    user = factories.make_user()
    job = Job.objects.create(
        kind="x", title="测试任务", owner=user, status=JobStatus.RUNNING, done=5, total=10
    )
    factories.login(client, user)
    text = client.get(reverse("core:job_detail", kwargs={"pk": job.pk})).content.decode()
    assert 'hx-trigger="every 1s"' in text
    assert "已处理 5 / 10" in text
    assert 'value="50"' in text


@pytest.mark.django_db
def test_users_see_only_their_own_jobs(client, tree):
    owner = factories.make_user()
    other = factories.make_user()
    job = Job.objects.create(kind="x", title="别人的任务", owner=owner)
    factories.login(client, other)
    assert client.get(reverse("core:job_detail", kwargs={"pk": job.pk})).status_code == 404
    assert client.get(reverse("core:job_download", kwargs={"pk": job.pk})).status_code == 404
    assert "别人的任务" not in client.get(reverse("core:job_list")).content.decode()
    assert client.get(reverse("api:job-detail", kwargs={"pk": job.pk})).status_code == 404
