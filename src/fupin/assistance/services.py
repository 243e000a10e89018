"""Every write of pairings: one service that gives a household its responsible cadre."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.assistance.models import CADRE_ROLES, Pairing
from fupin.core import audit, scope
from fupin.registry.models import Household


def may_pair(actor, household: Household) -> bool:
    """Pairings are kept by those who keep the household's records (village, work team,
    township, county), inside their scope; a paired cadre does not assign itself."""
    return roles.may(actor, roles.Capability.EDIT_REGISTRY) and scope.region_in_scope(
        actor, household.region_id
    )


@transaction.atomic
def pairing_set(
    *, actor, household: Household, cadre, today: date | None = None, reason: str = ""
) -> Pairing:
    """Make ``cadre`` the household's responsible cadre from ``today``: the current pairing
    (if any) ends that day. The cadre must be a paired cadre, work-team member or village
    cadre, active, whose own area covers the household's village."""
    today = today or timezone.localdate()
    scope.require_write(actor, household.region_id)
    if not may_pair(actor, household):
        raise PermissionDenied(_("您的角色不能确定帮扶责任人。"))
    if (
        cadre is None
        or cadre.role not in CADRE_ROLES
        or not cadre.is_active
        or not scope.region_in_scope(cadre, household.region_id)
    ):
        raise ValidationError(
            {"cadre": _("帮扶责任人应是该村的帮扶责任人、驻村工作队员或村扶贫专干。")}
        )
    # Two hand-overs of one household at once must see each other.
    household = Household.objects.select_for_update().get(pk=household.pk)
    current = Pairing.objects.filter(household=household, end__isnull=True).first()
    if current is not None:
        if current.cadre_id == cadre.pk:
            raise ValidationError({"cadre": _("该户已由此人帮扶。")})
        if today < current.start:
            raise ValidationError(
                {
                    "cadre": _("更换日期不能早于现任帮扶责任人的开始日期 %(d)s。")
                    % {"d": current.start}
                }
            )
        current.end = today
        current.save(update_fields=["end"])
    pairing = Pairing.objects.create(
        household=household, cadre=cadre, start=today, reason=reason.strip()[:200], set_by=actor
    )
    audit.record(
        actor=actor,
        action="pairing.set",
        target=pairing,
        region_code=household.region_id,
        target_repr=f"{household} · {cadre.display_name}",
        before={"cadre": current.cadre_id, "start": current.start} if current else None,
        after={"household": household.pk, "cadre": cadre.pk, "start": today, "reason": reason},
    )
    return pairing
