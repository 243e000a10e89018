"""Pairings in the demo village (红星村): its poor and monitored households are held by the
demo paired cadre (bangfu), so that the register and the household pages show a
responsible cadre. Made through the service, as the village cadre would."""

from __future__ import annotations

from fupin.accounts.models import User
from fupin.assistance import services
from fupin.registry import choices as c
from fupin.registry.models import Household

VILLAGE = "430524100201"


def demo_pairings() -> int:
    clerk = User.objects.filter(username="cun").first()
    cadre = User.objects.filter(username="bangfu").first()
    if clerk is None or cadre is None:
        return 0
    households = Household.objects.filter(
        region_id=VILLAGE,
        household_type__in=[*c.POOR_TYPES, *c.MONITORED_TYPES],
        pairings__isnull=True,
    ).order_by("number")
    made = 0
    for household in households:
        services.pairing_set(actor=clerk, household=household, cadre=cadre, reason="结对帮扶")
        made += 1
    return made
