"""Batch runs: started by a person (page, API) or the command line, executed by the engine,
stored with the figures used and a verdict per household. A run writes no designation."""

from __future__ import annotations

import time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.core import audit, bulk, scope
from fupin.regions import codes
from fupin.regions.models import Region
from fupin.standards import engine, output, parameters, rules, snapshot
from fupin.standards.models import EvaluationRun, Verdict


def may_run(user) -> bool:
    return roles.may(user, roles.Capability.RUN_EVALUATION)


@transaction.atomic
def run_create(
    *, actor, year: int, region_code: str = "", engine_name: str = "duckdb", note: str = ""
) -> EvaluationRun:
    """Record a run to be executed. ``actor`` None is the command line (no scope limit)."""
    if actor is not None:
        if not may_run(actor):
            raise PermissionDenied(_("您的角色不能发起批量核验。"))
        region_code = region_code or (actor.region_id or "")
        if region_code:
            scope.require_read(actor, region_code)
        elif scope.user_prefix(actor) != "":
            raise PermissionDenied(_("请选择您管辖范围内的区域。"))
    errors = {}
    if region_code and not codes.is_valid(region_code):
        errors["region"] = _("行政区划代码应为 12 位数字。")
    elif region_code and not Region.objects.filter(code=region_code).exists():
        errors["region"] = _("行政区划代码在系统中不存在")
    if not (parameters.FIRST_YEAR <= int(year) <= 2100):
        errors["year"] = _("年度应在 %(y)s 年以后。") % {"y": parameters.FIRST_YEAR}
    if engine_name not in engine.ENGINES:
        errors["engine"] = _("不支持的计算引擎：%(e)s") % {"e": engine_name}
    if errors:
        raise ValidationError(errors)
    run = EvaluationRun.objects.create(
        year=year,
        region_id=region_code or None,
        engine=engine_name,
        note=note[:200],
        started_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(
        actor=actor,
        action="evaluation.start",
        target=run,
        region_code=region_code or None,
        after={"year": year, "region": region_code, "engine": engine_name},
    )
    return run


@transaction.atomic
def run_start(**fields) -> EvaluationRun:
    """``run_create`` for a person, with the background job that executes it (the page
    and the API); the job is enqueued when the transaction commits."""
    from fupin.core import jobs
    from fupin.standards import tasks

    run = run_create(**fields)
    run.job = jobs.job_start(
        actor=fields["actor"],
        kind="evaluation_run",
        title=_("批量核验：%(run)s") % {"run": run},
        task=tasks.evaluation_run,
        params={"run_id": run.pk},
    )
    run.save(update_fields=["job"])
    return run


def run_execute(run: EvaluationRun, *, progress=None):
    """Take the snapshot, evaluate, store the verdicts; returns the verdict table."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    EvaluationRun.objects.filter(pk=run.pk).update(status=EvaluationRun.Status.RUNNING)
    try:
        snap, verdicts = engine.evaluate_area(
            run.year, run.region_id or "", engine=run.engine, progress=say
        )
        say(_("正在保存核验结果"))
        counts = output.summary(verdicts)
        with transaction.atomic():
            store(run, verdicts)
            EvaluationRun.objects.filter(pk=run.pk).update(
                status=EvaluationRun.Status.DONE,
                finished_at=timezone.now(),
                seconds=round(time.perf_counter() - started, 3),
                parameters={p: policy.as_json()["values"] for p, policy in snap.policies.items()},
                counts={**counts, "persons": snap.persons},
            )
    except Exception as error:
        EvaluationRun.objects.filter(pk=run.pk).update(
            status=EvaluationRun.Status.FAILED, finished_at=timezone.now(), message=str(error)
        )
        raise
    return verdicts


def store(run: EvaluationRun, verdicts) -> int:
    maker = bulk.RowMaker(Verdict, with_id=False)
    columns = rules.OUTPUT
    rows = []
    for batch in verdicts.to_batches(100_000):
        data = [batch.column(name).to_pylist() for name in columns]
        for values in zip(*data, strict=True):
            v = dict(zip(columns, values, strict=True))
            rows.append(
                maker.make(
                    run_id=run.pk,
                    household_id=v["household_id"],
                    region_id=v["region_code"],
                    household_number=v["household_number"],
                    members_counted=v["members_counted"],
                    net_income=snapshot.yuan(v["net_income"]),
                    per_capita_net_income=snapshot.yuan(v["per_capita_net_income"]),
                    criteria={name: v[name] for name in rules.CRITERIA},
                    failed_criteria=v["failed_criteria"] or "",
                    exit_eligible=v["exit_eligible"],
                    monitoring_candidate=v["monitoring_candidate"],
                    monitoring_kind=v["monitoring_kind"] or "",
                    monitoring_reasons=v["monitoring_reasons"] or "",
                    risk_eliminable=v["risk_eliminable"],
                )
            )
        bulk.insert(maker, rows)
        rows = []
    return verdicts.num_rows
