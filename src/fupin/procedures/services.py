"""Every write of a procedure: start it, act on a step, and, when its last step is done,
record the household's new designation through the registry's services. One transaction
each, validated, with an audit record; the step sequence comes from the flow data."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import audit
from fupin.procedures import access, deadlines, flows
from fupin.procedures.models import Action, Attachment, Kind, Origin, Procedure, Step
from fupin.procedures.signals import procedure_finished
from fupin.registry import choices as c
from fupin.registry.errors import StaleVersion
from fupin.registry.models import Designation, Household
from fupin.registry.services.households import designation_set, transition_event_kind

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
VERBS_BY_TYPE = {
    "task": (Action.Verb.SUBMIT, Action.Verb.REJECT),
    "review": (Action.Verb.APPROVE, Action.Verb.RETURN, Action.Verb.REJECT),
    "notice": (Action.Verb.CLOSE_NOTICE, Action.Verb.RETURN, Action.Verb.REJECT),
}
FORWARD = (Action.Verb.SUBMIT, Action.Verb.APPROVE, Action.Verb.CLOSE_NOTICE)
# The 户类型 each procedure may record, and the ones a household must have to start it.
TARGETS = {
    Kind.IDENTIFICATION: tuple(c.POOR_TYPES),
    Kind.EXIT: (c.HouseholdType.EXITED,),
    Kind.MONITORING: tuple(c.MONITORED_TYPES),
    Kind.ELIMINATION: (c.HouseholdType.EXITED, c.HouseholdType.GENERAL),
}


@dataclass(frozen=True)
class File:
    """An attachment handed to a service: its kind (flows.ATTACHMENT_KINDS) and the upload."""

    kind: str
    upload: UploadedFile


def why_not_start(kind: str, household: Household) -> str | None:
    """Why ``household`` cannot enter ``kind`` now, or None."""
    current = household.household_type
    if kind == Kind.IDENTIFICATION and current in c.POOR_TYPES:
        return _("该户已是贫困户，无需识别。")
    if kind == Kind.EXIT and current not in c.POOR_TYPES:
        return _("只有贫困户可以办理退出。")
    if kind == Kind.MONITORING and (current in c.POOR_TYPES or current in c.MONITORED_TYPES):
        return _("贫困户和已纳入监测的农户不能再纳入监测。")
    if kind == Kind.ELIMINATION and current not in c.MONITORED_TYPES:
        return _("只有监测对象可以办理风险消除。")
    return None


def _target(kind: str, household: Household, chosen: str) -> str:
    if kind == Kind.EXIT:
        return c.HouseholdType.EXITED
    if kind == Kind.ELIMINATION:
        return ""  # decided when it ends: see _elimination_target
    if chosen not in TARGETS[kind]:
        choices = "、".join(str(c.HouseholdType(t).label) for t in TARGETS[kind])
        raise ValidationError({"target_kind": _("请选择拟认定的类型：%(c)s。") % {"c": choices}})
    return chosen


def _elimination_target(household: Household) -> str:
    """After risk elimination a household returns to what it was before monitoring: 脱贫户 if
    it was ever registered poor, otherwise an ordinary household."""
    was_poor = Designation.objects.filter(
        household=household,
        category=c.DesignationCategory.POVERTY,
        kind__in=[*c.POOR_TYPES, c.HouseholdType.EXITED],
    ).exists()
    return c.HouseholdType.EXITED if was_poor else c.HouseholdType.GENERAL


@transaction.atomic
def procedure_start(
    *,
    actor,
    household: Household,
    kind: str,
    target_kind: str = "",
    origin: str = Origin.DIRECT,
    reason: str = "",
    verdict=None,
    lead_received_on: date | None = None,
    today: date | None = None,
) -> Procedure:
    """Open a procedure for ``household`` with its first step waiting. The actor must be
    one who may act on that first step."""
    today = today or timezone.localdate()
    if kind not in Kind.values:
        raise ValidationError({"kind": _("未知的程序：%(k)s") % {"k": kind}})
    household = Household.objects.select_for_update().get(pk=household.pk)
    flow = flows.flow(kind, household.region_id)
    first = flow.steps[0]
    if not access.may_act_as(
        actor, level=first.level, step_roles=first.roles, region_code=household.region_id
    ):
        raise PermissionDenied(
            _("“%(p)s”由%(level)s的工作人员发起，您不能发起。")
            % {"p": Kind(kind).label, "level": access.level_label(first.level)}
        )
    why_not = why_not_start(kind, household)
    if why_not:
        raise ValidationError({"kind": why_not})
    target = _target(kind, household, target_kind)
    running = Procedure.objects.filter(
        household=household, kind=kind, status=Procedure.Status.OPEN
    ).first()
    if running is not None:
        raise ValidationError(
            {
                "kind": _("该户已有办理中的%(p)s程序（#%(n)s）。")
                % {"p": Kind(kind).label, "n": running.pk}
            }
        )
    due = None
    if kind == Kind.MONITORING:
        received = lead_received_on or today
        if received > today:
            raise ValidationError({"lead_received_on": _("发现线索日期不能晚于今天。")})
        lead_received_on = received
        due = received + timedelta(
            days=deadlines.days(household.region_id, "monitoring_decision_days", today)
        )
    procedure = Procedure.objects.create(
        kind=kind,
        household=household,
        region_id=household.region_id,
        target_kind=target,
        origin=origin,
        verdict=verdict,
        reason=reason.strip(),
        lead_received_on=lead_received_on,
        due=due,
        started_by=actor,
    )
    steps = Step.objects.bulk_create(
        [
            Step(
                procedure=procedure,
                position=n,
                key=s.key,
                label=s.label,
                level=s.level,
                roles=";".join(s.roles),
                type=s.type,
                rules={
                    "vote": s.vote,
                    "attachments": list(s.attachments),
                    "bulk": s.bulk,
                    "gate": s.gate,
                    "choose_kind": s.choose_kind,
                    "days": s.days,
                },
            )
            for n, s in enumerate(flow.steps, start=1)
        ]
    )
    Action.objects.create(procedure=procedure, verb=Action.Verb.START, actor=actor, comment=reason)
    _open(procedure, steps[0], actor=actor, today=today)
    audit.record(
        actor=actor,
        action="procedure.start",
        target=procedure,
        region_code=household.region_id,
        after={"kind": kind, "household": household.pk, "target_kind": target, "origin": origin},
    )
    return procedure


def _open(procedure: Procedure, step: Step, *, actor, today: date) -> None:
    step.status = Step.Status.OPEN
    step.opened_on = today
    step.closed_at = None
    if step.type == "notice":
        length = deadlines.days(procedure.region_id, step.rules["days"], today)
        # A notice of N days runs from today through its N-th day; it closes after that.
        step.notice_starts = today
        step.notice_ends = today + timedelta(days=length - 1)
        Action.objects.create(
            procedure=procedure,
            step=step,
            verb=Action.Verb.OPEN_NOTICE,
            actor=actor,
            comment=_("公示 %(n)s 天：%(a)s 至 %(b)s")
            % {"n": length, "a": step.notice_starts, "b": step.notice_ends},
        )
    step.due = deadlines.step_due(step, procedure, today)
    step.save()
    deadlines.refresh([step], today)


@transaction.atomic
def step_act(
    *,
    actor,
    step: Step,
    verb: str,
    version: int | None = None,
    comment: str = "",
    votes: dict | None = None,
    files: list[File] | tuple[File, ...] = (),
    target_kind: str = "",
    override_reason: str = "",
    today: date | None = None,
) -> Procedure:
    """Do ``verb`` on an open step. ``version`` is the procedure's version the user saw; an
    older one raises StaleVersion rather than acting on a case someone else moved on."""
    today = today or timezone.localdate()
    procedure = Procedure.objects.select_for_update().get(pk=step.procedure_id)
    if version is not None and version != procedure.version:
        raise StaleVersion(procedure)
    step = Step.objects.select_related("procedure").get(pk=step.pk)
    access.require_act(actor, step)
    if verb not in VERBS_BY_TYPE[step.type]:
        raise ValidationError({"verb": _("该环节不能执行此操作。")})
    comment = comment.strip()
    if verb in (Action.Verb.RETURN, Action.Verb.REJECT) and not comment:
        raise ValidationError({"comment": _("退回或不予通过时须填写理由。")})
    votes = _votes(step, verb, votes)
    if verb in FORWARD:
        _require_attachments(step, files)
    if verb == Action.Verb.CLOSE_NOTICE:
        _require_notice_over(step, today)
    if step.rules.get("choose_kind") and target_kind and verb == Action.Verb.APPROVE:
        procedure.target_kind = _target(procedure.kind, procedure.household, target_kind)
    if step.rules.get("gate") == "risk_eliminable" and verb == Action.Verb.APPROVE:
        procedure.override_reason = _gate(procedure, override_reason)
    action = Action.objects.create(
        procedure=procedure, step=step, verb=verb, actor=actor, comment=comment, votes=votes
    )
    for file in files:
        _attach(action, file, actor)
    steps = list(procedure.steps.order_by("position"))
    if verb in FORWARD:
        _close(step, Step.Status.DONE)
        later = [s for s in steps if s.position > step.position]
        if later:
            _open(procedure, later[0], actor=actor, today=today)
        else:
            _complete(procedure, actor=actor, today=today)
    elif verb == Action.Verb.RETURN:
        _return(procedure, step, steps, actor=actor, today=today)
    else:
        _close(step, Step.Status.REJECTED)
        procedure.status = Procedure.Status.REJECTED
        procedure.finished_at = timezone.now()
    procedure.version += 1
    procedure.save()
    if procedure.finished_at is not None:
        procedure_finished.send(sender=Procedure, procedure=procedure, day=today)
    audit.record(
        actor=actor,
        action=f"procedure.{verb}",
        target=procedure,
        region_code=procedure.region_id,
        after={
            "step": step.key,
            "comment": comment,
            "votes": votes,
            "files": [f.upload.name for f in files],
            "override_reason": procedure.override_reason if override_reason else "",
        },
    )
    return procedure


def _close(step: Step, status: str) -> None:
    step.status = status
    step.closed_at = timezone.now()
    step.flag = ""
    step.save(update_fields=["status", "closed_at", "flag"])


def _votes(step: Step, verb: str, votes: dict | None) -> dict | None:
    if not step.rules.get("vote"):
        return None
    if verb == Action.Verb.RETURN:
        return None
    try:
        counted = {k: int((votes or {}).get(k, "") or 0) for k in ("for", "against", "abstain")}
    except (TypeError, ValueError) as error:
        raise ValidationError({"votes": _("票数应为整数。")}) from error
    if any(v < 0 for v in counted.values()) or not any(counted.values()):
        raise ValidationError({"votes": _("请填写民主评议的赞成、反对、弃权票数。")})
    total = sum(counted.values())
    if verb == Action.Verb.APPROVE and counted["for"] * 2 <= total:
        raise ValidationError(
            {
                "votes": _("赞成 %(f)s 票，未超过参会代表（%(t)s 人）半数，不能通过。")
                % {"f": counted["for"], "t": total}
            }
        )
    return counted


def _require_attachments(step: Step, files) -> None:
    wanted = set(step.rules.get("attachments", []))
    if not wanted:
        return
    have = set(Attachment.objects.filter(action__step=step).values_list("kind", flat=True)) | {
        f.kind for f in files
    }
    missing = [k for k in flows.ATTACHMENT_KINDS if k in wanted - have]
    if missing:
        names = "、".join(flows.attachment_label(k) for k in missing)
        raise ValidationError({"files": _("本环节须上传：%(n)s。") % {"n": names}})


def _require_notice_over(step: Step, today: date) -> None:
    if today <= step.notice_ends:
        raise ValidationError(
            {"verb": _("公示期至 %(d)s，期满后才能结束公示。") % {"d": step.notice_ends}}
        )
    waiting = step.objections.filter(answered_at__isnull=True).count()
    if waiting:
        raise ValidationError(
            {"verb": _("还有 %(n)s 条异议未答复，答复后才能结束公示。") % {"n": waiting}}
        )


def _gate(procedure: Procedure, override_reason: str) -> str:
    """Risk elimination needs the standards engine's agreement, or the county's reason."""
    from fupin.standards.engine import evaluate_household

    verdict = evaluate_household(procedure.household)
    if verdict.get("risk_eliminable"):
        return ""
    reason = override_reason.strip()
    if not reason:
        raise ValidationError(
            {
                "override_reason": _(
                    "按 %(y)s 年核验，该户暂不符合风险消除条件。如确需消除，请写明理由。"
                )
                % {"y": verdict["year"]}
            }
        )
    return reason


def _return(procedure: Procedure, step: Step, steps: list[Step], *, actor, today: date) -> None:
    """Back to the nearest earlier step that is not a notice; the steps from there on wait
    again (a notice is posted anew when its turn comes)."""
    earlier = [s for s in steps if s.position < step.position and s.type != "notice"]
    if not earlier:
        raise ValidationError({"verb": _("第一个环节不能退回。")})
    back_to = earlier[-1]
    for s in steps:
        if back_to.position < s.position <= step.position:
            s.status = Step.Status.PENDING if s.pk != step.pk else Step.Status.RETURNED
            s.notice_starts = s.notice_ends = s.due = s.opened_on = None
            s.flag = ""
            s.save()
    _open(procedure, back_to, actor=actor, today=today)


def _attach(action: Action, file: File, actor) -> Attachment:
    if file.kind not in flows.ATTACHMENT_KINDS:
        raise ValidationError({"files": _("未知的材料类型：%(k)s") % {"k": file.kind}})
    upload = file.upload
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"files": _("“%(n)s”超过 20 MB。") % {"n": upload.name}})
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return Attachment.objects.create(
        action=action,
        kind=file.kind,
        file=upload,
        name=upload.name[:200],
        sha256=digest.hexdigest(),
        size=upload.size,
        uploaded_by=actor,
    )


def _complete(procedure: Procedure, *, actor, today: date) -> None:
    household = procedure.household
    target = procedure.target_kind
    if procedure.kind == Kind.ELIMINATION:
        target = procedure.target_kind = _elimination_target(household)
    old = household.household_type
    designation = designation_set(
        actor=actor,
        household=household,
        kind=target,
        on=today,
        event_kind=transition_event_kind(old, target),
        reason=_("%(p)s程序 #%(n)s 办结") % {"p": Kind(procedure.kind).label, "n": procedure.pk},
        evidence={"procedure": procedure.pk},
    )
    procedure.status = Procedure.Status.DONE
    procedure.finished_at = timezone.now()
    procedure.result_event = designation.event
    Action.objects.create(
        procedure=procedure,
        verb=Action.Verb.COMPLETE,
        actor=actor,
        comment=str(c.HouseholdType(target).label),
    )
