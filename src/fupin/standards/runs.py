"""Batch runs: started by a person (page, API) or the command line, executed by the engine,
stored with the figures used and a verdict per household. A run writes no designation."""

from __future__ import annotations

import time
from decimal import Decimal

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

_CENT = Decimal("0.01")


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


def run_execute(run: EvaluationRun, *, progress=None):
    """Take the snapshot, evaluate, store the verdicts; returns the verdict table."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    EvaluationRun.objects.filter(pk=run.pk).update(status=EvaluationRun.Status.RUNNING)
    region_code = run.region_id or ""
    try:
        engine.check_engine(run.engine)
        policies = parameters.policies(engine.provinces_of(region_code), run.year)
        say(_("正在读取农户数据"))
        snap = snapshot.take(run.year, region_prefix=engine.prefix(region_code), policies=policies)
        say(_("正在核验 %(n)s 户") % {"n": snap.households.num_rows})
        verdicts = engine.run(snap, engine=run.engine)
        say(_("正在保存核验结果"))
        counts = output.summary(verdicts)
        with transaction.atomic():
            store(run, verdicts)
            EvaluationRun.objects.filter(pk=run.pk).update(
                status=EvaluationRun.Status.DONE,
                finished_at=timezone.now(),
                seconds=round(time.perf_counter() - started, 3),
                parameters={p: policy.as_json()["values"] for p, policy in policies.items()},
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
                    net_income=_yuan(v["net_income"]),
                    per_capita_net_income=_yuan(v["per_capita_net_income"]),
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


def _yuan(fen: int | None) -> Decimal | None:
    return None if fen is None else (Decimal(fen) / 100).quantize(_CENT)
