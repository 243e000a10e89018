"""Background jobs: a Job row a user can watch, and a django-tasks task that does the work
in the worker process (`fupin worker`) and reports progress on the row."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from fupin.core import audit
from fupin.core.models import Job, JobStatus


@transaction.atomic
def job_start(*, actor, kind: str, title: str, task, params: dict) -> Job:
    """Create the job and enqueue ``task`` (called with ``job_id``) once the row is
    committed, so the worker never picks up a job it cannot see."""
    job = Job.objects.create(kind=kind, title=title, owner=actor, params=params)
    audit.record(actor=actor, action=f"job.start.{kind}", target=job, after={"params": params})

    def enqueue() -> None:
        result = task.enqueue(job_id=str(job.pk))
        Job.objects.filter(pk=job.pk).update(task_result_id=str(result.id))

    transaction.on_commit(enqueue)
    return job


def job_running(job_id, *, total: int | None = None) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.RUNNING, started_at=timezone.now(), total=total, done=0
    )


def job_progress(job_id, *, done: int, total: int | None = None, message: str = "") -> None:
    updates = {"done": done}
    if total is not None:
        updates["total"] = total
    if message:
        updates["message"] = message
    Job.objects.filter(pk=job_id).update(**updates)


def job_finish(job_id, *, result_file: str = "", message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED,
        finished_at=timezone.now(),
        result_file=result_file,
        message=message,
        done=Coalesce(F("total"), F("done")),
    )


def job_fail(job_id, *, message: str) -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.FAILED, finished_at=timezone.now(), message=message
    )


def save_upload(upload) -> Path:
    """Keep an uploaded file under var/uploads for the worker, under a fresh name (the
    user's name is kept in the job's params for messages)."""
    folder = Path(settings.FUPIN_VAR_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path
