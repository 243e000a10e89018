"""Every read of pairings, through the reader's scope (the household's village)."""

from __future__ import annotations

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf

from fupin.accounts.models import User
from fupin.accounts.roles import Role
from fupin.assistance.models import CADRE_ROLES, Pairing
from fupin.core import scope
from fupin.registry.models import Household


def pairings(
    *, actor, within: str | None = None, current: bool = False, cadre=None, search: str = ""
) -> QuerySet[Pairing]:
    found = scope.visible(actor, Pairing.objects.all(), within=within).select_related(
        "household", "household__region", "cadre", "set_by"
    )
    if current:
        found = found.filter(end__isnull=True)
    if cadre is not None:
        found = found.filter(cadre=cadre)
    term = search.strip()
    if term:
        found = found.filter(
            Q(household__head_name__startswith=term)
            | Q(household__number=term)
            | Q(cadre__full_name__startswith=term)
        )
    return found


def for_household(*, actor, household: Household) -> list[Pairing]:
    """The household's pairings, the current one first."""
    newest = (F("end").desc(nulls_first=True), "-start", "-id")
    return list(pairings(actor=actor).filter(household=household).order_by(*newest))


def cadres_for(household: Household) -> QuerySet[User]:
    """Who may be the household's responsible cadre: active cadres of its village, and paired
    cadres of its township."""
    village = household.region_id
    return User.objects.filter(
        Q(region_id=village) | Q(region_id=village[:9] + "000", role=Role.PAIRED_CADRE),
        role__in=CADRE_ROLES,
        is_active=True,
    ).order_by("role", "full_name", "username")


def current_cadre(household_ref: str = "pk") -> Subquery:
    """For annotating a queryset: the display name of the household's current responsible
    cadre (``household_ref`` names the household's id in the outer query)."""
    current = Pairing.objects.filter(household=OuterRef(household_ref), end__isnull=True)
    name = Coalesce(NullIf("cadre__full_name", Value("")), "cadre__username")
    return Subquery(current.annotate(name=name).values("name")[:1])
