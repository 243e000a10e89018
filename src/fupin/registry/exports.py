"""The registry exported in the import template: one row per current member, scoped to the
user, personal numbers masked unless the user's role may see them (and then audited)."""

from __future__ import annotations

from collections.abc import Iterator

from django.db import transaction
from django.db.models import Prefetch

from fupin.accounts import roles
from fupin.core import audit, crypto, scope
from fupin.registry import choices as c
from fupin.registry.models import Household, HouseholdIncome, Person
from fupin.registry.template import COLUMNS, HEADERS, Column

_YES_NO = {True: "是", False: "否", None: ""}


def export_header() -> list[str]:
    return list(HEADERS)


def _label(column: Column, value) -> str:
    if value is None or value == "":
        return ""
    if column.kind == "choice":
        return str(dict(column.choices.choices).get(value, value))
    if column.kind == "choices":
        labels = dict(column.choices.choices)
        return "、".join(str(labels.get(v, v)) for v in value)
    if column.kind == "bool":
        return _YES_NO[value]
    if column.kind == "money":
        return f"{value:.2f}"
    if column.kind == "date":
        return value.isoformat()
    return str(value)


def _row(
    household: Household, income: HouseholdIncome | None, person: Person, full: bool
) -> list[str]:
    row = []
    for column in COLUMNS:
        level, name = column.level, column.name
        if level == "household":
            if name == "region":
                value = household.region_id
            elif name == "phone":
                value = (
                    crypto.decrypt(bytes(household.phone_encrypted))
                    if full and household.phone_encrypted
                    else household.phone_masked
                )
            else:
                value = getattr(household, name)
        elif level == "income":
            value = getattr(income, name) if income is not None else None
        elif name == "id_number":
            value = crypto.decrypt(bytes(person.id_encrypted)) if full else person.id_masked
        else:
            value = getattr(person, name)
        row.append(_label(column, value))
    return row


def export_rows(*, actor, within: str | None = None) -> Iterator[list[str]]:
    """Rows for every current member of every household the actor may see.

    Households are read in chunks with their members and latest income prefetched, so
    memory stays flat for a whole county. A full (unmasked) export is one audited reveal."""
    full = roles.may(actor, roles.Capability.REVEAL_PERSONAL_DATA)
    households = (
        scope.visible(actor, Household.objects.all(), within=within)
        .filter(member_count__gt=0)
        .order_by("region_id", "number")
        .prefetch_related(
            Prefetch("members", queryset=Person.objects.order_by("id")),
            Prefetch("incomes", queryset=HouseholdIncome.objects.order_by("-year")),
        )
    )
    if full:
        with transaction.atomic():
            audit.record(
                actor=actor,
                action="registry.export_full",
                region_code=within or actor.region_id,
                after={"within": within or actor.region_id},
            )
    for household in households.iterator(chunk_size=1000):
        incomes = list(household.incomes.all())
        income = incomes[0] if incomes else None
        for person in household.members.all():
            if person.death_date is not None and person.household_id is None:
                continue
            yield _row(household, income, person, full)


__all__ = ["c", "export_header", "export_rows"]
