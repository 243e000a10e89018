"""Procedures (识别, 退出, 纳入监测, 风险消除): the steps a household's case goes through,
each action taken in them, the files attached, the notices and the objections to them.
The step sequences come from flows/*.toml; a procedure copies its steps when it starts, so
a later change to a flow never rewrites a case already under way."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core.fields import HashField
from fupin.core.models import StoredFile


class Kind(models.TextChoices):
    IDENTIFICATION = "identification", _("贫困户识别")
    EXIT = "exit", _("贫困户退出")
    MONITORING = "monitoring", _("纳入监测")
    ELIMINATION = "elimination", _("风险消除")


class Origin(models.TextChoices):
    HOUSEHOLD_PAGE = "household_page", _("农户页面")
    VERDICT = "verdict", _("核验结果")
    LEAD = "lead", _("监测线索")
    DIRECT = "direct", _("直接发起")


class Flag(models.TextChoices):
    NONE = "", _("正常")
    SOON = "soon", _("临近期限")
    OVERDUE = "overdue", _("已逾期")


class Procedure(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("办理中")
        DONE = "done", _("已办结")
        REJECTED = "rejected", _("未通过")

    kind = models.CharField(_("程序"), max_length=20, choices=Kind.choices)
    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="procedures",
    )
    # The household's village when the procedure started: scope reads it without a join.
    region = models.ForeignKey(
        "regions.Region", verbose_name=_("所在村"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    # The 户类型 the procedure records when it ends well.
    target_kind = models.CharField(_("拟认定类型"), max_length=20, blank=True)
    origin = models.CharField(_("发起来源"), max_length=20, choices=Origin.choices)
    verdict = models.ForeignKey(
        "standards.Verdict",
        verbose_name=_("核验结果"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.TextField(_("发起理由"), blank=True)
    # Monitoring: when the first lead came in; the county decision is due within the
    # policy's days of it.
    lead_received_on = models.DateField(_("发现线索日期"), null=True, blank=True)
    due = models.DateField(_("办结期限"), null=True, blank=True)
    # Risk elimination the standards engine does not support: the county's stated reason.
    override_reason = models.TextField(_("不符合核验结果时的说明"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("发起时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    result_event = models.ForeignKey(
        "registry.HouseholdEvent",
        verbose_name=_("认定记录"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("程序")
        verbose_name_plural = _("程序")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "kind"],
                condition=Q(status="open"),
                name="one_open_procedure_per_kind",
            )
        ]
        indexes = [models.Index(fields=["region", "status"], name="procedure_region_status")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class Step(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("未开始")
        OPEN = "open", _("待办理")
        DONE = "done", _("已完成")
        RETURNED = "returned", _("已退回")
        REJECTED = "rejected", _("未通过")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("序号"))
    key = models.CharField(max_length=40)
    label = models.CharField(_("环节"), max_length=100)
    level = models.CharField(_("层级"), max_length=10)
    roles = models.CharField(_("办理角色"), max_length=100)  # ';'-separated
    type = models.CharField(_("类型"), max_length=10)
    # The flow's other attributes of the step (vote, attachments, bulk, gate, choose_kind,
    # days), copied when the procedure starts.
    rules = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    opened_on = models.DateField(_("开始日期"), null=True, blank=True)
    due = models.DateField(_("办理期限"), null=True, blank=True)
    flag = models.CharField(
        _("期限提醒"), max_length=10, choices=Flag.choices, blank=True, default=""
    )
    notice_starts = models.DateField(_("公示开始"), null=True, blank=True)
    notice_ends = models.DateField(_("公示截止"), null=True, blank=True)
    closed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("办理环节")
        verbose_name_plural = _("办理环节")
        ordering = ["procedure_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["procedure", "position"], name="one_step_per_position")
        ]
        indexes = [models.Index(fields=["status", "level", "due"], name="step_worklist")]

    def __str__(self) -> str:
        return f"{self.procedure} · {self.label}"

    @property
    def role_list(self) -> list[str]:
        return [r for r in self.roles.split(";") if r]


class Action(models.Model):
    """One thing a person did in a procedure: the timeline of the household page."""

    class Verb(models.TextChoices):
        START = "start", _("发起")
        SUBMIT = "submit", _("提交")
        APPROVE = "approve", _("同意")
        RETURN = "return", _("退回修改")
        REJECT = "reject", _("不予通过")
        OPEN_NOTICE = "open_notice", _("开始公示")
        CLOSE_NOTICE = "close_notice", _("公示期满结束")
        OBJECTION = "objection", _("收到异议")
        ANSWER = "answer", _("答复异议")
        COMPLETE = "complete", _("办结并认定")

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="actions")
    step = models.ForeignKey(
        Step, null=True, blank=True, on_delete=models.CASCADE, related_name="actions"
    )
    verb = models.CharField(_("操作"), max_length=20, choices=Verb.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    comment = models.TextField(_("意见"), blank=True)
    # 民主评议: {"for": n, "against": n, "abstain": n}.
    votes = models.JSONField(_("表决结果"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_verb_display()} {self.at:%Y-%m-%d}"


def _attachment_path(instance: Attachment, filename: str) -> str:
    procedure = instance.action.procedure
    return f"procedures/{procedure.region_id[:6]}/{procedure.pk}/{filename}"


class Attachment(StoredFile):
    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("材料类型"), max_length=20)
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=300)

    class Meta:
        verbose_name = _("办理材料")
        verbose_name_plural = _("办理材料")


class Objection(models.Model):
    """An objection (异议) to a notice, from the public page or recorded by staff."""

    class Channel(models.TextChoices):
        PUBLIC = "public", _("网上提出")
        STAFF = "staff", _("工作人员登记")

    step = models.ForeignKey(Step, on_delete=models.PROTECT, related_name="objections")
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    name = models.CharField(_("异议人"), max_length=50, blank=True)
    phone_encrypted = models.BinaryField(null=True, blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    text = models.TextField(_("异议内容"))
    received_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    # A keyed hash of the sender's address: enough to limit how often one address files,
    # without keeping the address.
    address_hash = HashField(blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answer = models.TextField(_("答复"), blank=True)
    upheld = models.BooleanField(_("异议成立"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"{self.step} · {self.received_at:%Y-%m-%d}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None
