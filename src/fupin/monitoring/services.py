"""Every write of leads: a report from any channel (merged into the household's recent lead
when there is one), and the home check's outcome. One transaction each, audited."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.core import audit, crypto, idnumbers, scope, workdays
from fupin.monitoring.models import Channel, DepartmentNotice, Lead, LeadSource, RiskType
from fupin.procedures import access
from fupin.procedures import services as procedures
from fupin.procedures.deadlines import days
from fupin.procedures.models import Flag, Kind, Origin, Procedure
from fupin.regions import codes
from fupin.regions.models import Region
from fupin.registry import choices as c
from fupin.registry.identity import phone_forms
from fupin.registry.models import Household, Person

# Who checks a lead at home: the village's own people.
CHECKERS = (roles.Role.VILLAGE, roles.Role.WORK_TEAM, roles.Role.PAIRED_CADRE)
STAFF_CHANNELS = (Channel.WRITTEN, Channel.HOTLINE, Channel.CADRE)
_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


def _receipt() -> str:
    return "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(10))


def _risks(risk_types) -> list[str]:
    chosen = [r for r in dict.fromkeys(risk_types or []) if r]
    unknown = [r for r in chosen if r not in RiskType.values]
    if not chosen or unknown:
        raise ValidationError({"risk_types": _("请选择风险类型（可多选）。")})
    return chosen


def _village(code: str) -> Region:
    region = Region.objects.filter(code=code, level__in=["village", "group"]).first()
    if region is None:
        raise ValidationError({"village": _("请选择所在的村（社区）。")})
    return region


def _household_of(id_hash: str) -> Household | None:
    if not id_hash:
        return None
    person = (
        Person.objects.filter(id_hash=id_hash, household__isnull=False)
        .select_related("household")
        .first()
    )
    return person.household if person else None


def _deadlines(province: str, received: date) -> tuple[date, date]:
    check = workdays.add_working_days(received, days(province, "lead_check_working_days", received))
    decision = received + timedelta(days=days(province, "monitoring_decision_days", received))
    return check, decision


@transaction.atomic
def lead_report(
    *,
    channel: str,
    village_code: str = "",
    risk_types,
    difficulty: str = "",
    household: Household | None = None,
    name: str = "",
    phone: str = "",
    id_number: str = "",
    amount: Decimal | None = None,
    department: str = "",
    details: dict | None = None,
    actor=None,
    address: str = "",
    today: date | None = None,
) -> tuple[Lead, bool]:
    """Record a lead. Returns (lead, merged): a report about a household that already has a
    lead from the last days (policy: ``lead_merge_days``) and not closed is added to that
    lead as one more source rather than opening another."""
    today = today or timezone.localdate()
    if channel not in Channel.values:
        raise ValidationError({"channel": _("未知的线索渠道。")})
    risks = _risks(risk_types)
    difficulty, name = difficulty.strip(), name.strip()
    errors: dict[str, str] = {}
    id_hash = id_masked = ""
    if id_number.strip():
        try:
            parsed = idnumbers.parse(id_number)
        except idnumbers.IdNumberError as error:
            errors["id_number"] = str(error)
        else:
            id_hash = crypto.lookup_hash(parsed.resident_number)
            id_masked = idnumbers.mask(parsed.number[:18])
    if channel == Channel.SELF:
        for field, value, message in (
            ("name", name, _("请填写姓名。")),
            ("phone", phone.strip(), _("请填写联系电话。")),
            ("id_number", id_number.strip(), _("请填写身份证号码。")),
            ("difficulty", difficulty, _("请说明遇到的困难。")),
        ):
            if not value:
                errors.setdefault(field, message)
    if len(difficulty) > 2000:
        errors["difficulty"] = _("困难情况不能超过 2000 字。")
    try:
        encrypted, _digest, masked = phone_forms(phone) if phone.strip() else (None, "", "")
    except ValidationError as error:
        errors["phone"] = error.messages[0]
        encrypted, masked = None, ""
    if errors:
        raise ValidationError(errors)

    household = household or _household_of(id_hash)
    village = _village(household.region_id if household is not None else village_code)
    _check_reporter(channel, actor, village.code, household, address)
    if household is not None:
        # Two reports on one household at once must find each other's lead.
        household = Household.objects.select_for_update().get(pk=household.pk)

    lead = _recent_lead(household, id_hash, today)
    merged = lead is not None
    if lead is None:
        check_due, decision_due = _deadlines(village.code[:2], today)
        lead = Lead.objects.create(
            receipt=_receipt(),
            household=household,
            region=village,
            risk_types=";".join(risks),
            received_on=today,
            check_due=check_due,
            decision_due=decision_due,
        )
    else:
        lead.risk_types = ";".join(dict.fromkeys([*lead.risk_list, *risks]))
        if lead.household_id is None and household is not None:
            lead.household = household
        lead.version += 1
        lead.save()
    source = LeadSource.objects.create(
        lead=lead,
        channel=channel,
        department=department,
        name=name[:50],
        phone_encrypted=encrypted,
        phone_masked=masked,
        id_hash=id_hash,
        id_masked=id_masked,
        risk_types=";".join(risks),
        difficulty=difficulty,
        amount=amount,
        details=details or {},
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        address_hash=_address_hash(address) if channel == Channel.SELF else "",
    )
    refresh_flags([lead], today)
    audit.record(
        actor=actor,
        action="lead.merge" if merged else "lead.create",
        target=lead,
        region_code=village.code,
        after={"source": source.pk, "channel": channel, "risk_types": risks},
    )
    return lead, merged


def _address_hash(address: str) -> str:
    return crypto.lookup_hash(f"apply-address:{address}") if address else ""


def _check_reporter(channel, actor, village_code, household, address) -> None:
    if channel == Channel.SELF:
        hashed = _address_hash(address)
        limit = settings.FUPIN_APPLICATIONS_PER_HOUR
        recent = LeadSource.objects.filter(
            address_hash=hashed, received_at__gte=timezone.now() - timedelta(hours=1)
        ).count()
        if hashed and recent >= limit:
            raise ValidationError(
                _("同一网络地址一小时内最多提交 %(n)s 次申请，请稍后再试或拨打 12317。")
                % {"n": limit}
            )
        return
    if channel == Channel.DEPARTMENT:
        return  # the department import checks its user
    if not roles.may(actor, roles.Capability.WRITE) or actor.role == roles.Role.DEPARTMENT:
        raise PermissionDenied(_("您的角色不能登记监测线索。"))
    scope.require_write(actor, village_code)
    if channel == Channel.CADRE and household is None:
        raise ValidationError({"household": _("干部报告须从农户页面发起。")})


def _recent_lead(household, id_hash: str, today: date) -> Lead | None:
    if household is None and not id_hash:
        return None
    province = household.region_id[:2] if household is not None else "00"
    since = today - timedelta(days=days(province, "lead_merge_days", today))
    found = Lead.objects.select_for_update().exclude(status=Lead.Status.CLOSED)
    found = found.filter(received_on__gte=since)
    if household is not None:
        found = found.filter(household=household)
    else:
        found = found.filter(household__isnull=True, sources__id_hash=id_hash)
    return found.order_by("-received_on", "-id").first()


@transaction.atomic
def lead_check(
    *,
    actor,
    lead: Lead,
    outcome: str,
    reason: str = "",
    target_kind: str = "",
    household: Household | None = None,
    version: int | None = None,
    today: date | None = None,
) -> Lead:
    """The home check's outcome: start a monitoring-inclusion procedure, attach the lead to
    the household's current monitoring, or close it with a reason."""
    from fupin.registry.errors import StaleVersion

    today = today or timezone.localdate()
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    if version is not None and version != lead.version:
        raise StaleVersion(lead)
    if lead.status != Lead.Status.OPEN:
        raise ValidationError({"outcome": _("该线索已核实。")})
    if not may_check(actor, lead):
        raise PermissionDenied(_("线索由村扶贫专干、驻村工作队或帮扶责任人入户核实。"))
    if household is not None:
        if not codes.contains(lead.region_id[:6] + "000000", household.region_id):
            raise ValidationError({"household": _("关联的农户应在本县。")})
        lead.household = household
    reason = reason.strip()
    if outcome == "procedure":
        if lead.household is None:
            raise ValidationError({"household": _("请先关联农户，再启动纳入监测程序。")})
        lead.procedure = procedures.procedure_start(
            actor=actor,
            household=lead.household,
            kind=Kind.MONITORING,
            target_kind=target_kind,
            origin=Origin.LEAD,
            reason=reason or lead.risk_labels(),
            lead_received_on=lead.received_on,
            today=today,
        )
        lead.status = Lead.Status.PROCEDURE
    elif outcome == "monitored":
        if lead.household is None or lead.household.household_type not in c.MONITORED_TYPES:
            raise ValidationError({"outcome": _("该户不是监测对象。")})
        lead.status = Lead.Status.MONITORED
        lead.decided_on = today
    elif outcome == "closed":
        if not reason:
            raise ValidationError({"reason": _("不纳入监测时须写明核实情况。")})
        lead.status = Lead.Status.CLOSED
        lead.decided_on = today
    else:
        raise ValidationError({"outcome": _("请选择核实结果。")})
    lead.checked_on = today
    lead.checked_by = actor
    lead.outcome_reason = reason
    lead.version += 1
    lead.save()
    if lead.decided_on is not None:
        notify_departments(lead)
    refresh_flags([lead], today)
    audit.record(
        actor=actor,
        action="lead.check",
        target=lead,
        region_code=lead.region_id,
        after={"outcome": outcome, "reason": reason, "procedure": lead.procedure_id},
    )
    return lead


def outcome_text(lead: Lead) -> str:
    """How a lead ended, in the words a department reads (no household details)."""
    if lead.status == Lead.Status.PROCEDURE and lead.procedure is not None:
        if lead.procedure.status == Procedure.Status.DONE:
            text = _("经程序认定，已纳入监测")
        else:
            text = _("经评议，未纳入监测")
    elif lead.status == Lead.Status.MONITORED:
        text = _("该户已是监测对象，线索并入现有监测")
    else:
        text = _("入户核实后不纳入监测")
    return f"{text}（{lead.decided_on:%Y-%m-%d}）" if lead.decided_on else text


def notify_departments(lead: Lead) -> int:
    """Tell each department that sent a warning on ``lead`` how it ended (once)."""
    departments = set(
        lead.sources.filter(channel=Channel.DEPARTMENT)
        .exclude(department="")
        .values_list("department", flat=True)
    )
    outcome = outcome_text(lead)
    for department in departments:
        DepartmentNotice.objects.get_or_create(
            lead=lead, department=department, defaults={"outcome": outcome}
        )
    return len(departments)


def may_check(actor, lead: Lead) -> bool:
    return access.may_act_as(
        actor, level="village", step_roles=CHECKERS, region_code=lead.region_id
    )


def flag_for(lead: Lead, today: date) -> str:
    """Open leads are due for the home check, leads in a procedure for the county decision;
    orange within the warning working days of the deadline, red after it."""
    if lead.status == Lead.Status.OPEN:
        due = lead.check_due
    elif lead.status == Lead.Status.PROCEDURE and lead.decided_on is None:
        due = lead.decision_due
    else:
        return Flag.NONE
    if today > due:
        return Flag.OVERDUE
    warning = days(lead.region_id[:2], "lead_warning_working_days", today)
    if workdays.working_days_until(today, due) <= warning:
        return Flag.SOON
    return Flag.NONE


def refresh_flags(leads, today: date | None = None) -> int:
    today = today or timezone.localdate()
    changed = []
    for lead in leads:
        flag = flag_for(lead, today)
        if flag != lead.flag:
            lead.flag = flag
            changed.append(lead)
    Lead.objects.bulk_update(changed, ["flag"], batch_size=1000)
    return len(changed)


def recompute_all(today: date | None = None) -> int:
    """The daily recomputation, and the county decision of leads whose procedure ended."""
    today = today or timezone.localdate()
    with transaction.atomic():
        ended = Lead.objects.filter(
            status=Lead.Status.PROCEDURE,
            decided_on__isnull=True,
            procedure__finished_at__isnull=False,
        ).select_related("procedure")
        for lead in ended:
            lead.decided_on = timezone.localtime(lead.procedure.finished_at).date()
            lead.save(update_fields=["decided_on"])
            notify_departments(lead)
        waiting = Lead.objects.filter(status__in=[Lead.Status.OPEN, Lead.Status.PROCEDURE])
        return refresh_flags(waiting.iterator(chunk_size=2000), today)


@transaction.atomic
def warning_rules_set(
    *, actor, county: str, department: str, values: dict, basis: str = "", version=None
):
    """A county's own thresholds for a department's warnings (checked, audited)."""
    from fupin.monitoring import warning_specs as specs
    from fupin.monitoring.models import WarningRuleSet
    from fupin.registry.errors import StaleVersion

    if not roles.may(actor, roles.Capability.SET_WARNING_RULES):
        raise PermissionDenied(_("只有县级乡村振兴部门可以设置部门预警规则。"))
    if codes.level_of(county) != "county":
        raise ValidationError({"county": _("预警规则按县设置。")})
    scope.require_write(actor, county)
    try:
        cleaned = specs.clean_settings(department, values)
    except ValueError as error:
        raise ValidationError(str(error)) from None
    rules = (
        WarningRuleSet.objects.select_for_update()
        .filter(region_id=county, department=department)
        .first()
    )
    before = dict(rules.values) if rules else dict(specs.defaults()[department])
    if rules is None:
        rules = WarningRuleSet(region_id=county, department=department)
    elif version is not None and version != rules.version:
        raise StaleVersion(rules)
    else:
        rules.version += 1
    rules.values, rules.basis = cleaned, basis.strip()[:200]
    rules.updated_by, rules.updated_at = actor, timezone.now()
    rules.save()
    audit.record(
        actor=actor,
        action="warnings.rules",
        target=rules,
        region_code=county,
        before=before,
        after={"values": cleaned, "basis": rules.basis},
    )
    return rules


@transaction.atomic
def notices_read(*, actor, notices) -> int:
    """A department user has seen these outcomes."""
    ids = [n.pk for n in notices if n.read_at is None]
    return DepartmentNotice.objects.filter(pk__in=ids).update(read_at=timezone.now())
