from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.core import audit, scope
from fupin.regions import codes
from fupin.registry import choices as c
from fupin.registry.models import Household, HouseholdEvent


def require_village(region_code: str) -> None:
    if not codes.is_valid(region_code) or codes.level_of(region_code) not in ("village", "group"):
        raise ValidationError(
            {"region": _("行政区划代码应为村（社区）的12位代码：%(code)s") % {"code": region_code}}
        )


def require_registry_writer(actor, region_code: str | None) -> None:
    """Registry changes: a role that keeps the registry, within its region."""
    if not roles.may(actor, roles.Capability.EDIT_REGISTRY):
        raise PermissionDenied(_("您的角色不能修改农户信息。"))
    scope.require_write(actor, region_code)


def registry_editable(actor, queryset):
    """``scope.editable`` narrowed further to roles that keep the registry."""
    if not roles.may(actor, roles.Capability.EDIT_REGISTRY):
        return queryset.none()
    return scope.editable(actor, queryset)


def lock(household: Household, *, actor) -> Household:
    """The household row, locked for the rest of the transaction, after a scope check."""
    locked = Household.objects.select_for_update().get(pk=household.pk)
    require_registry_writer(actor, locked.region_id)
    return locked


def record_event(
    *,
    actor,
    household: Household,
    kind: str,
    on: date | None = None,
    reason: str = "",
    details: dict | None = None,
    related: Household | None = None,
) -> HouseholdEvent:
    event = HouseholdEvent.objects.create(
        household=household,
        kind=kind,
        date=on or timezone.localdate(),
        reason=reason,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        details=audit._clean(details or {}),
        related_household=related,
    )
    audit.record(
        actor=actor,
        action=f"household.{kind}",
        target=household,
        region_code=household.region_id,
        after={"event": event.pk, "reason": reason, **(details or {})},
    )
    return event


def touch(household: Household, fields: list[str]) -> None:
    household.version += 1
    household.updated_at = timezone.now()
    household.save(update_fields=[*fields, "version", "updated_at"])


POVERTY_TYPE_LABEL = dict(c.HouseholdType.choices)
