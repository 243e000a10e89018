"""Leads (线索) of a household's risk of falling (back) into poverty, from the household
itself, from cadres and from departments, with every source kept; the home check; and how
each lead ended (a monitoring-inclusion procedure, a household already monitored, or closed
with a reason)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Department
from fupin.core.fields import HashField
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
    id_hash = HashField(blank=True)
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
    address_hash = HashField(blank=True, db_index=True)

    class Meta:
        verbose_name = _("线索来源")
        verbose_name_plural = _("线索来源")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.received_at:%Y-%m-%d}"


class WarningRuleSet(models.Model):
    """A county's own thresholds for one department's warnings, over the defaults of
    warning_rules.toml (only the keys it sets)."""

    region = models.ForeignKey(
        "regions.Region", verbose_name=_("县"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.CharField(_("部门"), max_length=30, choices=Department.choices)
    values = models.JSONField(_("预警规则"), default=dict)
    # The county document that set these figures, as people cite it.
    basis = models.CharField(_("依据"), max_length=200, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), default=timezone.now)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("部门预警规则")
        verbose_name_plural = _("部门预警规则")
        ordering = ["region_id", "department"]
        constraints = [
            models.UniqueConstraint(fields=["region", "department"], name="warning_rules_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.department}"


class WarningUpload(models.Model):
    """One department file: who sent it, for which area, and what became of its rows."""

    department = models.CharField(_("部门"), max_length=30, choices=Department.choices)
    # The area the file was matched in: the uploader's own region (none from the command
    # line without --region: the whole database).
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("范围"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    filename = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    read = models.PositiveIntegerField(_("读取"), default=0)
    rejected = models.PositiveIntegerField(_("拒绝"), default=0)
    unmatched = models.PositiveIntegerField(_("未匹配"), default=0)
    matched = models.PositiveIntegerField(_("匹配"), default=0)
    leads = models.PositiveIntegerField(_("线索"), default=0)
    report_file = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("部门预警导入")
        verbose_name_plural = _("部门预警导入")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.filename


class WarningRecord(models.Model):
    """A matched row of a department file, kept so that amounts add up over several files
    (a year of hospital bills) and a warning is given once. Only what the rules need is
    kept: no diagnosis, no free text."""

    upload = models.ForeignKey(WarningUpload, on_delete=models.CASCADE, related_name="records")
    department = models.CharField(max_length=30)
    row = models.PositiveIntegerField()
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="warning_records"
    )
    rule_key = models.CharField(max_length=80, blank=True)
    amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    on = models.DateField(null=True, blank=True)
    # HMAC of the department, the ID number and every cell: the same row imported again is
    # recognised and neither counted twice nor warned twice.
    row_hash = HashField()
    lead = models.ForeignKey(
        Lead, null=True, blank=True, on_delete=models.SET_NULL, related_name="warning_records"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "row_hash"], name="warning_row_once")
        ]
        indexes = [
            models.Index(fields=["person", "department", "rule_key"], name="warning_person_rule")
        ]

    def __str__(self) -> str:
        return f"{self.department} {self.row}"


class DepartmentNotice(models.Model):
    """A department's lead has ended: the department's users see how (status, date)."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="department_notices")
    department = models.CharField(max_length=30)
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=200)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["lead", "department"], name="department_notice_once")
        ]

    def __str__(self) -> str:
        return self.outcome
