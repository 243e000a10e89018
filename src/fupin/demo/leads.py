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


def demo_warnings(folder) -> int:
    """One month's list from the county's medical insurance office, sent as its clerk would:
    a few members of the demo township with hospital bills, one of them over the line, and
    one person the registry does not hold. Returns the leads it made."""
    from pathlib import Path

    from fupin.core import crypto, idnumbers
    from fupin.monitoring.warning_import import warnings_import
    from fupin.registry.models import Person

    clerk = User.objects.filter(username="yibao").first()
    if clerk is None:
        return 0
    people = list(
        Person.objects.filter(
            region__code__startswith=VILLAGE[:9], household__household_type="exited"
        )
        .order_by("id")
        .values_list("name", "id_encrypted")[:4]
    )
    if not people:
        return 0
    today = timezone.localdate()
    day = (today - timedelta(days=20)).isoformat()
    rows = []
    for index, (name, token) in enumerate(people):
        self_pay = "6800.50" if index == 0 else f"{300 + index * 150}.00"
        rows.append(
            f"{crypto.decrypt(token)},{name},{day},住院,{float(self_pay) * 3:.2f},{self_pay}"
        )
    stranger = idnumbers.check_character("43052419700101012")
    rows.append(f"43052419700101012{stranger},外县人员,{day},门诊,80.00,40.00")
    path = Path(folder) / "隆回县医保局-住院结算.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "证件号码,姓名,结算日期,就诊类型,总费用,个人自付\n" + "\n".join(rows) + "\n",
        encoding="utf-8-sig",
    )
    try:
        result = warnings_import(
            department="medical_insurance", path=path, actor=clerk, filename=path.name
        )
    finally:
        path.unlink(missing_ok=True)
    return result.leads
