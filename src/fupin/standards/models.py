from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicyValue(models.Model):
    """One policy figure set for a province (``00``: national) from a year on."""

    province = models.CharField(_("省份代码"), max_length=2)
    year = models.PositiveSmallIntegerField(_("年度"))
    key = models.CharField(_("参数"), max_length=40)
    value = models.DecimalField(_("数值"), max_digits=12, decimal_places=2)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "key"], name="one_policy_value")
        ]
        ordering = ["key", "province", "year"]

    def __str__(self) -> str:
        return f"{self.province} {self.year} {self.key}={self.value}"


class EvaluationRun(models.Model):
    """One batch check of an area for a year: who started it, on which engine, with which
    figures, how it came out. Runs are kept; they change no designation."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("运行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    year = models.PositiveSmallIntegerField(_("核验年度"))
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("核验区域"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    engine = models.CharField(_("计算引擎"), max_length=10, default="duckdb")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    seconds = models.FloatField(_("用时（秒）"), null=True, blank=True)
    parameters = models.JSONField(_("所用政策参数"), default=dict, blank=True)
    counts = models.JSONField(_("计数"), default=dict, blank=True)
    message = models.TextField(_("消息"), blank=True)
    job = models.ForeignKey(
        "core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("批量核验")
        verbose_name_plural = _("批量核验")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        area = self.region.name if self.region_id else _("全部")
        return f"{area} {self.year} #{self.pk}"


class Verdict(models.Model):
    """One household's result in a run, with every criterion that failed."""

    run = models.ForeignKey(EvaluationRun, on_delete=models.PROTECT, related_name="verdicts")
    household = models.ForeignKey(
        "registry.Household", on_delete=models.PROTECT, related_name="verdicts"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在村")
    )
    household_number = models.CharField(_("户编号"), max_length=40)
    members_counted = models.PositiveSmallIntegerField(_("计算人口"), default=0)
    net_income = models.DecimalField(
        _("家庭纯收入"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    per_capita_net_income = models.DecimalField(
        _("人均纯收入"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    criteria = models.JSONField(_("各项结果"), default=dict)  # criterion → met/not_met/unknown
    # Joined with ";" in the order of rules.CRITERIA, as in the CSV: filterable everywhere.
    failed_criteria = models.CharField(_("未达标项"), max_length=80, blank=True)
    exit_eligible = models.BooleanField(_("符合脱贫条件"), null=True)
    monitoring_candidate = models.BooleanField(_("符合纳入监测条件"), null=True)
    monitoring_kind = models.CharField(_("监测类型"), max_length=10, blank=True)
    monitoring_reasons = models.CharField(_("纳入监测原因"), max_length=60, blank=True)
    risk_eliminable = models.BooleanField(_("符合风险消除条件"), null=True)

    class Meta:
        verbose_name = _("核验结果")
        verbose_name_plural = _("核验结果")
        ordering = ["run", "id"]
        indexes = [models.Index(fields=["run", "region"], name="verdict_run_region")]
        constraints = [
            models.UniqueConstraint(fields=["run", "household"], name="one_verdict_per_run")
        ]

    def __str__(self) -> str:
        return f"{self.household_number} @ {self.run_id}"

    @property
    def failed_list(self) -> list[str]:
        return [f for f in self.failed_criteria.split(";") if f]

    @property
    def reasons_list(self) -> list[str]:
        return [r for r in self.monitoring_reasons.split(";") if r]


class CountyExitEvaluation(models.Model):
    """The sampled counts of a county's exit evaluation (贫困县退出专项评估检查) for a year,
    entered by the evaluators; the indicators are computed from them and the registry."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("评估年度"))
    sampled_exited_persons = models.PositiveIntegerField(_("抽查已脱贫人口"))
    wrong_exit_persons = models.PositiveIntegerField(_("其中错退人口"))
    sampled_other_persons = models.PositiveIntegerField(_("抽查未建档立卡农村人口"))
    missed_persons = models.PositiveIntegerField(_("其中漏评人口"))
    surveyed_households = models.PositiveIntegerField(_("调查户数"))
    approving_households = models.PositiveIntegerField(_("其中认可户数"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now)

    class Meta:
        verbose_name = _("贫困县退出评估")
        verbose_name_plural = _("贫困县退出评估")
        ordering = ["-year", "region_id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="one_exit_evaluation_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year}"
