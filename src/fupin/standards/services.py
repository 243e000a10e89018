"""Changing policy figures: by province administrators for their province, by system
administrators for any (and for the national row, ``00``); validated, versioned, audited."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.core import audit
from fupin.registry.errors import StaleVersion
from fupin.standards.models import PolicyValue
from fupin.standards.parameters import FIRST_YEAR, NATIONAL, PARAMETERS


def may_set(user, province: str) -> bool:
    """``user`` None is the command line, run by the operator: any province."""
    if user is None:
        return True
    if not roles.may(user, roles.Capability.SET_POLICY):
        return False
    if user.role == roles.Role.SYSADMIN and not user.region_id:
        return True
    return province != NATIONAL and (user.region_id or "")[:2] == province


@transaction.atomic
def policy_set(
    *, actor, province: str, year: int, key: str, value, note: str = "", version: int | None = None
) -> PolicyValue:
    """Set ``key`` for ``province`` from ``year`` on. ``version`` guards a change to an
    existing figure against a concurrent one."""
    if not may_set(actor, province):
        raise PermissionDenied(_("您不能修改该省份的政策参数。"))
    parameter = PARAMETERS.get(key)
    if parameter is None:
        raise ValidationError({"key": _("未知的政策参数：%(k)s") % {"k": key}})
    if not (FIRST_YEAR <= int(year) <= 2100):
        raise ValidationError({"year": _("年度应在 %(y)s 年以后。") % {"y": FIRST_YEAR}})
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise ValidationError({"value": _("数值应为数字。")}) from error
    if not (parameter.minimum <= number <= parameter.maximum):
        raise ValidationError(
            {
                "value": _("数值应在 %(lo)s 到 %(hi)s 之间。")
                % {"lo": parameter.minimum, "hi": parameter.maximum}
            }
        )
    if parameter.kind in ("age", "days") and number != number.to_integral_value():
        raise ValidationError({"value": _("年龄和天数应为整数。")})
    row = (
        PolicyValue.objects.select_for_update()
        .filter(province=province, year=year, key=key)
        .first()
    )
    before = None
    if row is None:
        row = PolicyValue(province=province, year=year, key=key, value=number)
    else:
        if version is not None and version != row.version:
            raise StaleVersion(row)
        before = {"value": str(row.value), "note": row.note}
        row.value = number
        row.version += 1
    row.note = note[:200]
    row.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    row.updated_at = timezone.now()
    row.save()
    _check_school_ages(province, int(year))
    audit.record(
        actor=actor,
        action="policy.set",
        target=row,
        region_code=None if province == NATIONAL else f"{province}0000000000",
        before=before,
        after={"province": province, "year": year, "key": key, "value": str(number), "note": note},
    )
    return row


def _check_school_ages(province: str, year: int) -> None:
    from fupin.standards.parameters import policy

    p = policy(province, year)
    both = p.school_age_from is not None and p.school_age_to is not None
    if both and p.school_age_from > p.school_age_to:
        raise ValidationError({"value": _("义务教育起始年龄不能大于终止年龄。")})
