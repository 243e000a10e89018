"""Objections (异议) to a notice: filed by anyone on the public page (rate-limited per
address) or recorded by staff from a spoken one; answered by the staff who run the notice
or the offices above them. A notice with an unanswered objection cannot close."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import audit, crypto
from fupin.procedures import access
from fupin.procedures.models import Action, Objection, Step
from fupin.registry.identity import phone_forms

MAX_TEXT = 2000


def address_hash(address: str) -> str:
    return crypto.lookup_hash(f"objection-address:{address}") if address else ""


@transaction.atomic
def objection_file(
    *,
    step: Step,
    text: str,
    name: str = "",
    phone: str = "",
    address: str = "",
    actor=None,
) -> Objection:
    """File an objection to an open notice. Without ``actor`` it comes from the public page
    (``address`` is the sender's, for the rate limit); with one, staff record it."""
    step = Step.objects.select_for_update().select_related("procedure").get(pk=step.pk)
    if step.type != "notice" or step.status != Step.Status.OPEN:
        raise ValidationError({"text": _("该公示已结束，不能再提出异议。")})
    text, name = text.strip(), name.strip()
    if not text:
        raise ValidationError({"text": _("请填写异议内容。")})
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": _("异议内容不能超过 %(n)s 字。") % {"n": MAX_TEXT}})
    if len(name) > 50:
        raise ValidationError({"name": _("姓名不能超过 50 字。")})
    encrypted, _digest, masked = phone_forms(phone) if phone.strip() else (None, "", "")
    channel = Objection.Channel.STAFF if actor is not None else Objection.Channel.PUBLIC
    hashed = ""
    if actor is not None:
        if not access.may_answer(actor, step):
            raise PermissionDenied(_("您不能为该公示登记异议。"))
    else:
        hashed = address_hash(address)
        limit = settings.FUPIN_OBJECTIONS_PER_HOUR
        recent = Objection.objects.filter(
            address_hash=hashed, received_at__gte=timezone.now() - timedelta(hours=1)
        ).count()
        if hashed and recent >= limit:
            raise ValidationError(
                {
                    "text": _("同一网络地址一小时内最多提出 %(n)s 条异议，请稍后再试。")
                    % {"n": limit}
                }
            )
    objection = Objection.objects.create(
        step=step,
        channel=channel,
        name=name,
        phone_encrypted=encrypted,
        phone_masked=masked,
        text=text,
        address_hash=hashed,
        recorded_by=actor,
    )
    Action.objects.create(
        procedure=step.procedure, step=step, verb=Action.Verb.OBJECTION, actor=actor
    )
    audit.record(
        actor=actor,
        action="procedure.objection",
        target=step.procedure,
        region_code=step.procedure.region_id,
        after={"objection": objection.pk, "step": step.key, "channel": channel},
    )
    return objection


@transaction.atomic
def objection_answer(*, actor, objection: Objection, answer: str, upheld: bool) -> Objection:
    """Answer an objection. When it is upheld, the notice is then returned or rejected as
    its own action; the answer alone changes no step."""
    objection = (
        Objection.objects.select_for_update().select_related("step__procedure").get(pk=objection.pk)
    )
    if not access.may_answer(actor, objection.step):
        raise PermissionDenied(_("您不能答复该异议。"))
    if objection.answered:
        raise ValidationError({"answer": _("该异议已答复。")})
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("请填写答复内容。")})
    objection.answer = answer
    objection.upheld = upheld
    objection.answered_by = actor
    objection.answered_at = timezone.now()
    objection.save()
    procedure = objection.step.procedure
    Action.objects.create(
        procedure=procedure,
        step=objection.step,
        verb=Action.Verb.ANSWER,
        actor=actor,
        comment=(_("异议成立：%(a)s") if upheld else _("异议不成立：%(a)s")) % {"a": answer},
    )
    audit.record(
        actor=actor,
        action="procedure.answer",
        target=procedure,
        region_code=procedure.region_id,
        after={"objection": objection.pk, "upheld": upheld},
    )
    return objection
