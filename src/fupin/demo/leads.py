"""Monitoring leads in the demo village: a cadre's report and a 12317 hotline call, waiting
for the home check, so that the lead worklist has something to show."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from fupin.accounts.models import User
from fupin.monitoring import services
from fupin.registry.models import Household

VILLAGE = "430524100201"


def demo_leads() -> int:
    cadre = User.objects.filter(username="bangfu").first()
    clerk = User.objects.filter(username="cun").first()
    if cadre is None or clerk is None:
        return 0
    today = timezone.localdate()
    # Households without a procedure under way (the demo procedures took the first ones).
    households = list(
        Household.objects.filter(
            region_id=VILLAGE, household_type="general", procedures=None
        ).order_by("-number")[:2]
    )
    made = 0
    if households:
        services.lead_report(
            actor=cadre,
            channel="cadre",
            household=households[0],
            risk_types=["disaster", "housing"],
            difficulty="暴雨致房屋后墙开裂，需鉴定",
            today=today - timedelta(days=2),
        )
        made += 1
    if len(households) > 1:
        services.lead_report(
            actor=clerk,
            channel="hotline",
            household=households[1],
            risk_types=["unstable_work"],
            difficulty="12317 来电：外出务工的儿子失业返乡，家中无其他收入",
            today=today,
        )
        made += 1
    return made
