"""Background jobs: a Job row a user can watch, and a django-tasks task that does the work
in the worker process (`fupin worker`) and reports progress on the row."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import audit
from fupin.core.models import Job, JobStatus

logger = logging.getLogger(__name__)
T = TypeVar("T")


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


def run_upload(
    job_id, path: Path, run: Callable[[], T], *, refused: tuple[type[Exception], ...]
) -> T | None:
    """Run a job's import of an uploaded file, which is removed afterwards whatever happens.
    A file the import refuses as a whole (``refused``) fails the job with the import's own
    message and gives None; any other error fails it as "nothing written" and goes on to the
    worker's log."""
    try:
        return run()
    except refused as error:
        message = getattr(error, "message", None) or str(error)
        job_fail(job_id, message=_("无法导入：%(m)s") % {"m": message})
        return None
    except Exception as error:
        logger.exception("job %s failed", job_id)
        job_fail(job_id, message=_("导入失败，未写入任何数据：%(e)s") % {"e": error})
        raise
    finally:
        path.unlink(missing_ok=True)


def report_path(name: str) -> Path:
    """Where a job keeps the report file it offers for download."""
    settings.FUPIN_EXPORT_DIR.mkdir(parents=True, exist_ok=True)
    return settings.FUPIN_EXPORT_DIR / name
