from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from fupin.core import audit
from fupin.registry.errors import StaleVersion
from fupin.registry.models import Household, HouseholdIncome, Membership
from fupin.registry.services.common import lock

INCOME_PARTS = [
    "wages",
    "business",
    "property_income",
    "transfers",
    "business_costs",
    "rigid_spending",
]
_CENT = Decimal("0.01")


def members_counted(household: Household, year: int) -> int:
    """Members of the household at 31 December of ``year`` and alive then."""
    year_end = date(year, 12, 31)
    return (
        Membership.objects.filter(household=household, start__lte=year_end)
        .filter(Q(end__isnull=True) | Q(end__gt=year_end))
        .filter(Q(person__death_date__isnull=True) | Q(person__death_date__gt=year_end))
        .count()
    )


def derive(income: HouseholdIncome, members: int) -> None:
    """Net income = wages + business + property + transfers − business costs; per capita =
    net ÷ members counted. Unknown parts leave the net unknown rather than guessed."""
    parts = [
        income.wages,
        income.business,
        income.property_income,
        income.transfers,
        income.business_costs,
    ]
    income.members_counted = members
    income.net_income, income.per_capita_net_income = derived_figures(parts, members)


def derived_figures(
    parts: list[Decimal | None], members: int
) -> tuple[Decimal | None, Decimal | None]:
    """(net, per capita) from [wages, business, property, transfers, business costs]."""
    if any(p is None for p in parts):
        return None, None
    wages, business, property_income, transfers, costs = parts
    net = wages + business + property_income + transfers - costs
    per_capita = (net / members).quantize(_CENT, rounding=ROUND_HALF_UP) if members else None
    return net, per_capita


def income_recompute(*, household: Household, years: list[int] | None = None) -> None:
    """Re-derive the figures after members join or leave."""
    incomes = HouseholdIncome.objects.filter(household=household)
    if years is not None:
        incomes = incomes.filter(year__in=years)
    for income in incomes:
        derive(income, members_counted(household, income.year))
        income.save(update_fields=["net_income", "members_counted", "per_capita_net_income"])


@transaction.atomic
def income_set(
    *, actor, household: Household, year: int, parts: dict, version: int | None = None
) -> HouseholdIncome:
    """Record a year's income parts (yuan). Omitted parts are unknown. ``version`` guards a
    change to an existing year against a concurrent one."""
    household = lock(household, actor=actor)
    if not (2000 <= year <= 2100):
        raise ValidationError({"year": _("收入年度不合理：%(y)s") % {"y": year}})
    errors = {}
    for key, value in parts.items():
        if key not in INCOME_PARTS:
            errors[key] = [_("未知的收入项目。")]
        elif value is not None and Decimal(value) < 0:
            errors[key] = [_("金额不能为负数。")]
    if errors:
        raise ValidationError(errors)
    income, created = HouseholdIncome.objects.select_for_update().get_or_create(
        household=household, year=year
    )
    if not created and version is not None and version != income.version:
        raise StaleVersion(income)
    before = audit.snapshot(income, INCOME_PARTS)
    for key, value in parts.items():
        setattr(income, key, None if value is None else Decimal(value))
    derive(income, members_counted(household, year))
    if not created:
        income.version += 1
    income.save()
    old, new = audit.changes(before, audit.snapshot(income, INCOME_PARTS))
    audit.record(
        actor=actor,
        action="household.income",
        target=household,
        region_code=household.region_id,
        before={"year": year, **old},
        after={"year": year, **new},
    )
    return income
