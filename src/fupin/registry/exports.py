"""The registry exported in the import template: one row per current member, scoped to the
user, personal numbers masked unless the user's role may see them (and then audited)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import xlsxwriter
from django.db import transaction
from django.db.models import Prefetch

from fupin.accounts import roles
from fupin.core import audit, crypto, scope
from fupin.regions import codes
from fupin.registry import choices as c
from fupin.registry.models import HEALTH_FIELDS, MASK, Household, HouseholdIncome, Person
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
        elif name in HEALTH_FIELDS and not full:
            row.append(MASK if getattr(person, name) not in (None, "") else "")
            continue
        else:
            value = getattr(person, name)
        row.append(_label(column, value))
    return row


def export_rows(*, actor, within: str | None = None, reveal: bool = False) -> Iterator[list[str]]:
    """Rows for every current member of every household the actor may see.

    Households are read in chunks with their members and latest income prefetched, so
    memory stays flat for a whole county. A full (unmasked) export is one audited reveal."""
    # ``actor`` None is the operator's command line, which reads the database anyway; it
    # shows full numbers only when asked to, and that is audited like any reveal.
    full = reveal if actor is None else roles.may(actor, roles.Capability.REVEAL_PERSONAL_DATA)
    base = Household.objects.all()
    if actor is None:
        base = base.filter(region__code__startswith=codes.prefix(within)) if within else base
    else:
        base = scope.visible(actor, base, within=within)
    households = (
        base.filter(member_count__gt=0)
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
                region_code=within or getattr(actor, "region_id", None),
                after={"within": within or getattr(actor, "region_id", None)},
            )
    for household in households.iterator(chunk_size=1000):
        incomes = list(household.incomes.all())
        income = incomes[0] if incomes else None
        for person in household.members.all():
            if person.death_date is not None and person.household_id is None:
                continue
            yield _row(household, income, person, full)


def write_export(path, rows: Iterator[list[str]]) -> int:
    """Write rows to .csv (UTF-8 with BOM) or .xlsx (constant memory); returns the count."""
    path = Path(path)
    count = 0
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(export_header())
            for row in rows:
                writer.writerow(row)
                count += 1
        return count
    options = {
        "constant_memory": True,
        "strings_to_numbers": False,
        "strings_to_formulas": False,
        "strings_to_urls": False,
    }
    workbook = xlsxwriter.Workbook(str(path), options)
    sheet = workbook.add_worksheet("家庭成员信息")
    text = workbook.add_format({"num_format": "@"})
    sheet.write_row(0, 0, export_header())
    for count, row in enumerate(rows, start=1):
        sheet.write_row(count, 0, row, text)
    workbook.close()
    return count


__all__ = ["c", "export_header", "export_rows", "write_export"]
