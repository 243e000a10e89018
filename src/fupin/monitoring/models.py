"""Leads (线索) of a household's risk of falling (back) into poverty, from the household
itself, from cadres and from departments, with every source kept; the home check; and how
each lead ended (a monitoring-inclusion procedure, a household already monitored, or closed
with a reason)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.procedures.models import Flag


class RiskType(models.TextChoices):
    ILLNESS = "illness", _("因病")
    SCHOOLING = "schooling", _("因学")
    DISABILITY = "disability", _("因残")
    DISASTER = "disaster", _("因自然灾害")
    ACCIDENT = "accident", _("因意外事故")
    BUSINESS_FAILURE = "business_failure", _("因产业项目失败")
    UNSTABLE_WORK = "unstable_work", _("因务工就业不稳")
    NO_LABOUR = "no_labour", _("缺劳动力")
    HOUSING = "housing", _("住房出现安全问题")
    WATER = "water", _("饮水安全问题")
    OTHER = "other", _("其他")


class Channel(models.TextChoices):
    SELF = "self", _("农户自主申报（网上）")
    WRITTEN = "written", _("农户书面申请")
    HOTLINE = "hotline", _("12317 热线")
    CADRE = "cadre", _("干部排查")
    DEPARTMENT = "department", _("部门预警")


class Lead(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待核实")
        PROCEDURE = "procedure", _("已启动纳入监测程序")
        MONITORED = "monitored", _("已是监测对象")
        CLOSED = "closed", _("核实后不纳入")

    # What an applicant types on the status page; random, so that it reveals nothing.
    receipt = models.CharField(_("受理编号"), max_length=16, unique=True)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("农户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("责任村"), on_delete=models.PROTECT, related_name="+"
    )
    risk_types = models.CharField(_("风险类型"), max_length=200)  # ';'-separated codes
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    received_on = models.DateField(_("受理日期"))
    check_due = models.DateField(_("入户核实期限"))
    decision_due = models.DateField(_("县级确定期限"))
    flag = models.CharField(_("期限提醒"), max_length=10, choices=Flag.choices, blank=True)
    checked_on = models.DateField(_("入户核实日期"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outcome_reason = models.TextField(_("核实情况"), blank=True)
    procedure = models.ForeignKey(
        "procedures.Procedure",
        verbose_name=_("纳入监测程序"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    decided_on = models.DateField(_("办结日期"), null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("监测线索")
        verbose_name_plural = _("监测线索")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["region", "status"], name="lead_region_status"),
            models.Index(fields=["household", "received_on"], name="lead_household_received"),
        ]

    def __str__(self) -> str:
        return f"{_('线索')} {self.receipt}"

    @property
    def risk_list(self) -> list[str]:
        return [r for r in self.risk_types.split(";") if r]

    def risk_labels(self) -> str:
        return "、".join(str(RiskType(r).label) for r in self.risk_list if r in RiskType.values)


class LeadSource(models.Model):
    """One report of a lead: a lead merged from several keeps all of them."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="sources")
    channel = models.CharField(_("渠道"), max_length=12, choices=Channel.choices)
    department = models.CharField(_("部门"), max_length=30, blank=True)
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone_encrypted = models.BinaryField(null=True, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    id_hash = models.CharField(max_length=64, blank=True)
    id_masked = models.CharField(_("证件号码"), max_length=22, blank=True)
    risk_types = models.CharField(_("风险类型"), max_length=200)
    difficulty = models.TextField(_("困难情况"), blank=True)
    amount = models.DecimalField(
        _("金额（元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    details = models.JSONField(_("其他内容"), default=dict, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address_hash = models.CharField(max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("线索来源")
        verbose_name_plural = _("线索来源")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.received_at:%Y-%m-%d}"
