from __future__ import annotations

import logging

from django.utils.translation import gettext as _
from django_tasks import task

from fupin.core import jobs
from fupin.core.models import Job
from fupin.standards import output
from fupin.standards.models import EvaluationRun
from fupin.standards.runs import run_execute

logger = logging.getLogger(__name__)


def summary_text(counts: dict) -> str:
    return (
        _(
            "核验 %(households)s 户：贫困户 %(poor)s 户，其中符合脱贫条件 %(exit_eligible)s 户；"
            "符合纳入监测条件 %(monitoring_candidates)s 户；"
            "监测户 %(monitored)s 户，其中符合风险消除条件 %(risk_eliminable)s 户。"
        )
        % counts
    )


@task()
def evaluation_run(job_id: str) -> None:
    job = Job.objects.get(pk=job_id)
    run = EvaluationRun.objects.get(pk=job.params["run_id"])
    jobs.job_running(job_id)
    steps = iter(range(1, 4))

    def progress(message: str) -> None:
        jobs.job_progress(job_id, done=next(steps, 3), total=3, message=str(message))

    try:
        verdicts = run_execute(run, progress=progress)
    except Exception as error:
        logger.exception("evaluation run %s failed", run.pk)
        jobs.job_fail(job_id, message=_("核验失败：%(e)s") % {"e": error})
        raise
    jobs.job_finish(job_id, message=summary_text(output.summary(verdicts)))
    from fupin.reports.tasks import rebuild_soon

    rebuild_soon("evaluation")
