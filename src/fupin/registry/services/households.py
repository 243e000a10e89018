from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import audit
from fupin.registry import choices as c
from fupin.registry.errors import StaleVersion
from fupin.registry.identity import bank_account_forms, phone_forms
from fupin.registry.models import Designation, Household
from fupin.registry.services.common import (
    lock,
    record_event,
    require_registry_writer,
    require_village,
    touch,
)

# Fields a user edits directly (phone and bank account go through their own forms).
HOUSEHOLD_FIELDS = [
    "group_name",
    "address",
    "identification_standard",
    "family_planning",
    "main_cause",
    "other_causes",
    "bank_name",
    "housing_area",
    "housing_structure",
    "housing_build_year",
    "housing_grade",
    "housing_renovated_or_relocated",
    "electricity",
    "broadband",
    "main_fuel",
    "sanitary_toilet",
    "road_distance_km",
    "cultivated_land_mu",
    "forest_land_mu",
    "water_quantity_ok",
    "water_quality_ok",
    "water_convenience_ok",
    "water_assurance_ok",
    "water_safe",
    "food_clothing_secure",
]
_PERSONAL = ("phone", "bank_account")


def _validate(household: Household) -> None:
    errors: dict[str, list[str]] = {}
    causes = household.other_causes or []
    if not isinstance(causes, list) or len(causes) > 2:
        errors.setdefault("other_causes", []).append(_("其他致贫原因最多填两项。"))
    elif any(cause not in c.Cause.values for cause in causes):
        errors.setdefault("other_causes", []).append(_("其他致贫原因不在规定的选项中。"))
    elif household.main_cause and household.main_cause in causes:
        errors.setdefault("other_causes", []).append(_("其他致贫原因不能与主要致贫原因相同。"))
    if household.household_type in c.POOR_TYPES and not household.main_cause:
        errors.setdefault("main_cause", []).append(_("贫困户必须填写主要致贫原因。"))
    try:
        household.full_clean(
            exclude=["region", "county_code", "other_causes"], validate_unique=False
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _apply_personal(household: Household, fields: dict) -> list[str]:
    changed = []
    if "phone" in fields:
        household.phone_encrypted, household.phone_hash, household.phone_masked = phone_forms(
            fields["phone"]
        )
        changed += ["phone_encrypted", "phone_hash", "phone_masked"]
    if "bank_account" in fields:
        household.bank_account_encrypted, household.bank_account_masked = bank_account_forms(
            fields["bank_account"]
        )
        changed += ["bank_account_encrypted", "bank_account_masked"]
    return changed


def _snapshot(household: Household) -> dict:
    # Masked forms only: the audit log must not become a second copy of personal numbers.
    return audit.snapshot(household, [*HOUSEHOLD_FIELDS, "phone_masked", "bank_account_masked"])


@transaction.atomic
def household_create(
    *,
    actor,
    region_code: str,
    number: str,
    fields: dict | None = None,
    household_type: str = c.HouseholdType.GENERAL,
    identification_year: int | None = None,
    exit_year: int | None = None,
    on: date | None = None,
    reason: str = "",
) -> Household:
    """Register a household in a village: unique number in the county, its first 户类型
    as a dated designation, and a 建档 event."""
    require_village(region_code)
    require_registry_writer(actor, region_code)
    number = (number or "").strip()
    if not number:
        raise ValidationError({"number": _("户编号不能为空。")})
    existing = Household.objects.filter(county_code=region_code[:6], number=number).first()
    if existing is not None:
        raise ValidationError(
            {"number": _("户编号 %(n)s 在本县已被 %(h)s 使用。") % {"n": number, "h": existing}}
        )
    fields = dict(fields or {})
    household = Household(
        region_id=region_code,
        county_code=region_code[:6],
        number=number,
        household_type=household_type,
        identification_year=identification_year,
        exit_year=exit_year,
        **{k: v for k, v in fields.items() if k in HOUSEHOLD_FIELDS},
    )
    _apply_personal(household, fields)
    _validate(household)
    household.save()
    on = on or timezone.localdate()
    event = record_event(
        actor=actor,
        household=household,
        kind=c.EventKind.REGISTERED,
        on=on,
        reason=reason,
        details={"after": _snapshot(household)},
    )
    Designation.objects.create(
        household=household,
        category=c.DesignationCategory.POVERTY,
        kind=household_type,
        start=on,
        event=event,
    )
    return household


@transaction.atomic
def household_update(
    *, actor, household: Household, version: int, fields: dict, reason: str = ""
) -> Household:
    """Correct a household's own fields (信息更正). ``version`` must be the one the user
    saw: an older one raises StaleVersion instead of overwriting someone else's change."""
    household = lock(household, actor=actor)
    if version != household.version:
        raise StaleVersion(household)
    before = _snapshot(household)
    for key, value in fields.items():
        if key in HOUSEHOLD_FIELDS:
            setattr(household, key, value)
    personal = _apply_personal(household, fields)
    _validate(household)
    after = _snapshot(household)
    old, new = audit.changes(before, after)
    if not old and not new and not personal:
        return household
    touch(household, [k for k in fields if k in HOUSEHOLD_FIELDS] + personal)
    record_event(
        actor=actor,
        household=household,
        kind=c.EventKind.CORRECTION,
        reason=reason,
        details={"before": old, "after": new},
    )
    return household


def transition_event_kind(old: str | None, new: str) -> str:
    """The change event a move from one 户类型 to another is (新识别, 标注脱贫, 返贫 …)."""
    if old is None or old == new:
        return c.EventKind.CORRECTION
    if new in c.POOR_TYPES:
        returned = old in (c.HouseholdType.EXITED, *c.MONITORED_TYPES)
        return c.EventKind.RETURNED if returned else c.EventKind.IDENTIFIED
    if new == c.HouseholdType.EXITED and old in c.POOR_TYPES:
        return c.EventKind.EXITED
    if new in c.MONITORED_TYPES:
        return c.EventKind.MONITORED
    if old in c.MONITORED_TYPES:
        return c.EventKind.RISK_ELIMINATED
    return c.EventKind.CORRECTION


@transaction.atomic
def designation_set(
    *,
    actor,
    household: Household,
    kind: str,
    on: date,
    event_kind: str,
    reason: str,
    category: str = c.DesignationCategory.POVERTY,
    evidence: dict | None = None,
) -> Designation:
    """Give a household a new 户类型 (or civil-affairs tier) from ``on``: the open one
    ends the day before, so the timeline has no gaps and no overlaps. ``evidence`` (the
    procedure that decided it) goes into the event's details."""
    household = lock(household, actor=actor)
    allowed = c.HouseholdType if category == c.DesignationCategory.POVERTY else c.CivilAffairsTier
    if kind not in allowed.values:
        raise ValidationError({"kind": _("未知的户类型：%(k)s") % {"k": kind}})
    current = Designation.objects.filter(
        household=household, category=category, end__isnull=True
    ).first()
    if current is not None:
        if current.kind == kind:
            raise ValidationError({"kind": _("该户已是此类型。")})
        if on <= current.start:
            raise ValidationError(
                {"on": _("变更日期应晚于当前类型的开始日期 %(d)s。") % {"d": current.start}}
            )
        current.end = on - timezone.timedelta(days=1)
        current.save(update_fields=["end"])
    event = record_event(
        actor=actor,
        household=household,
        kind=event_kind,
        on=on,
        reason=reason,
        details={
            "category": category,
            "from": current.kind if current else None,
            "to": kind,
            **(evidence or {}),
        },
    )
    designation = Designation.objects.create(
        household=household, category=category, kind=kind, start=on, event=event
    )
    if category == c.DesignationCategory.POVERTY:
        household.household_type = kind
        changed = ["household_type"]
        if kind in c.POOR_TYPES and household.identification_year is None:
            household.identification_year = on.year
            changed.append("identification_year")
        if kind == c.HouseholdType.EXITED:
            household.exit_year = on.year
            changed.append("exit_year")
        _validate(household)
        touch(household, changed)
    return designation
