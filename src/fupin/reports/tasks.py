"""The analytics rebuild as a background task: from the page (a job the user watches), after
imports and batch runs, and nightly."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def analytics_rebuild(job_id: str | None = None, trigger: str = "job") -> None:
    from django.utils.translation import gettext as _

    from fupin.core import jobs
    from fupin.core.models import Job
    from fupin.reports import analytics

    actor = None
    if job_id:
        actor = Job.objects.select_related("owner").get(pk=job_id).owner
        jobs.job_running(job_id)

    def progress(done: int, total: int, message: str) -> None:
        if job_id:
            jobs.job_progress(job_id, done=done, total=total, message=message)

    try:
        build = analytics.rebuild(actor=actor, trigger=trigger, progress=progress)
    except Exception as error:
        logger.exception("analytics rebuild failed")
        if job_id:
            jobs.job_fail(job_id, message=_("统计数据生成失败：%(e)s") % {"e": error})
        raise
    if job_id:
        jobs.job_finish(
            job_id,
            message=_("统计数据已生成：%(n)s 户年记录，用时 %(s)s 秒。")
            % {"n": f"{build.household_rows:,}", "s": f"{build.seconds:.1f}"},
        )


def rebuild_soon(trigger: str) -> None:
    """Queue a rebuild after a change of many records (an import, a batch run); a failure to
    queue never fails the change itself."""
    try:
        analytics_rebuild.enqueue(trigger=trigger)
    except Exception:
        logger.exception("could not queue the analytics rebuild")
