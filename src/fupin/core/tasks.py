from __future__ import annotations

import json
import logging
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from fupin.core import jobs, selectors
from fupin.core.export import csv_rows
from fupin.core.models import AUDIT_FIELDS, Job

logger = logging.getLogger(__name__)


def audit_export_header() -> list[str]:
    return [
        _("时间"),
        _("操作人账号"),
        _("操作"),
        _("对象类型"),
        _("对象编号"),
        _("对象"),
        _("所属区划"),
        _("修改前"),
        _("修改后"),
        _("请求编号"),
        _("IP地址"),
        _("渠道"),
    ]


def audit_export_rows(entries):
    """Rows for the CSV: local times, and before/after as JSON text rather than Python."""
    for row in entries.values_list(*AUDIT_FIELDS).iterator(chunk_size=2000):
        at, *middle, before, after, request_id, ip, channel = row
        yield [
            timezone.localtime(at).strftime("%Y-%m-%d %H:%M:%S"),
            *middle,
            "" if before is None else json.dumps(before, ensure_ascii=False),
            "" if after is None else json.dumps(after, ensure_ascii=False),
            request_id,
            ip,
            channel,
        ]


def audit_filters(params: dict) -> dict:
    """Stored (JSON) search filters back into the selector's keyword arguments."""
    filters = dict(params)
    for key in ("date_from", "date_to"):
        if filters.get(key):
            filters[key] = date.fromisoformat(filters[key])
    return filters


@task()
def audit_export(job_id: str) -> None:
    """Write the audit rows the job's owner may see, with its filters, to a CSV file."""
    job = Job.objects.select_related("owner").get(pk=job_id)
    try:
        entries = selectors.audit_search(actor=job.owner, **audit_filters(job.params))
        total = entries.count()
        jobs.job_running(job_id, total=total)
        name = f"audit-{job.pk}.csv"
        written = 0
        with open(jobs.report_path(name), "w", encoding="utf-8", newline="") as out:
            for index, line in enumerate(
                csv_rows(audit_export_header(), audit_export_rows(entries))
            ):
                out.write(line)
                written = index  # the first line is the header
                if written and written % 1000 == 0:
                    jobs.job_progress(job_id, done=written)
        jobs.job_finish(job_id, result_file=name, message=_("共导出 %(n)d 条。") % {"n": written})
    except Exception as error:
        logger.exception("audit export %s failed", job_id)
        jobs.job_fail(job_id, message=_("导出失败：%(error)s") % {"error": error})
        raise
