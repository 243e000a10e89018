from __future__ import annotations

from datetime import date
from pathlib import Path

from django.utils.translation import gettext as _
from django_tasks import task

from fupin.core import jobs
from fupin.core.import_report import write_report
from fupin.core.models import Job
from fupin.registry.importing import ImportFileError, import_households


def summary_text(result) -> str:
    return _(
        "读取 %(read)d 行，写入 %(written)d 行，未变化 %(unchanged)d 行，拒绝 %(rejected)d 行。"
    ) % {
        "read": result.read,
        "written": result.written,
        "unchanged": result.unchanged,
        "rejected": result.rejected,
    }


@task()
def household_import(job_id: str) -> None:
    """Run an uploaded import as its owner (so the owner's scope applies) and keep the report."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    params = job.params
    path = Path(params["path"])
    stages = {
        "read": _("正在读取文件"),
        "checked": _("已完成校验，正在写入"),
        "written": _("已写入"),
    }

    def progress(stage: str, done: int = 0, total: int = 0) -> None:
        jobs.job_progress(
            job_id, done=done, total=total or None, message=str(stages.get(stage, stage))
        )

    jobs.job_running(job_id)
    result = jobs.run_upload(
        job_id,
        path,
        lambda: import_households(
            path=path,
            actor=job.owner,
            dry_run=params.get("dry_run", False),
            as_of=date.fromisoformat(params["as_of"]) if params.get("as_of") else None,
            filename=params.get("filename"),
            progress=progress,
        ),
        refused=(ImportFileError,),
    )
    if result is None:
        return
    report_name = ""
    if result.problems or result.unknown_columns:
        report_name = f"import-report-{job.pk}.xlsx"
        write_report(result, jobs.report_path(report_name))
    prefix = _("（试导入，未写入）") if params.get("dry_run") else ""
    jobs.job_finish(job_id, result_file=report_name, message=prefix + summary_text(result))
    if result.written and not params.get("dry_run"):
        from fupin.reports.tasks import rebuild_soon

        rebuild_soon("import")
