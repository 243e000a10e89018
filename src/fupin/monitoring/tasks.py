from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def leads_daily() -> int:
    from fupin.monitoring.services import recompute_all

    changed = recompute_all()
    logger.info("lead flags recomputed: %s changed", changed)
    return changed


def warnings_summary(result) -> str:
    from django.utils.translation import gettext as _

    return _(
        "读取 %(read)d 行，拒绝 %(rejected)d 行，未匹配 %(unmatched)d 行，匹配 %(matched)d 行，"
        "线索 %(leads)d 条。"
    ) % {
        "read": result.read,
        "rejected": result.rejected,
        "unmatched": result.unmatched,
        "matched": result.matched,
        "leads": result.leads,
    }


@task()
def warnings_import(job_id: str) -> None:
    """Run an uploaded department file as its uploader (whose area and department apply)
    and keep the report with the upload."""
    from pathlib import Path

    from django.core.exceptions import PermissionDenied

    from fupin.core import jobs
    from fupin.core.models import Job
    from fupin.core.spreadsheets import SpreadsheetError
    from fupin.monitoring.warning_import import warnings_import as run

    job = Job.objects.select_related("owner").get(pk=job_id)
    params = job.params
    path = Path(params["path"])
    jobs.job_running(job_id)

    def progress(stage: str, done: int = 0, total: int = 0) -> None:
        jobs.job_progress(job_id, done=done, total=total or None)

    result = jobs.run_upload(
        job_id,
        path,
        lambda: run(
            department=params["department"],
            path=path,
            actor=job.owner,
            filename=params.get("filename"),
            progress=progress,
        ),
        refused=(SpreadsheetError, PermissionDenied),
    )
    if result is None:
        return
    report_name = ""
    if result.problems or result.unknown_columns:
        report_name = f"warnings-report-{result.upload.pk}.xlsx"
        result.write_report(jobs.report_path(report_name))
        type(result.upload).objects.filter(pk=result.upload.pk).update(report_file=report_name)
    jobs.job_finish(job_id, result_file=report_name, message=warnings_summary(result))
