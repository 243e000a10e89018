"""Stage 3: the accepted rows compared with the registry and written in one transaction.

A row counts as written when anything it carries (its household, that household's income,
its person) changed; as unchanged otherwise. Only columns present in the file are compared
and written, so a file without, say, the 民族 column leaves 民族 as it is."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone

from fupin.core import crypto, idnumbers
from fupin.registry import choices as c
from fupin.registry.importing.checks import Rows
from fupin.registry.importing.staging import Staged
from fupin.registry.models import (
    Designation,
    Household,
    HouseholdEvent,
    HouseholdIncome,
    Membership,
    Person,
)
from fupin.registry.services.income import derive
from fupin.registry.template import HOUSEHOLD_COLUMNS, MEMBER_COLUMNS

BATCH = 5000
_HOUSEHOLD_FIELDS = [
    col.name
    for col in HOUSEHOLD_COLUMNS
    if col.level == "household" and col.name not in ("region", "number", "phone")
]
_PERSON_FIELDS = [col.name for col in MEMBER_COLUMNS if col.name not in ("id_number",)]
_INCOME_FIELDS = [
    col.name for col in HOUSEHOLD_COLUMNS if col.level == "income" and col.name != "year"
]


@dataclass
class Plan:
    status: list[str] = field(default_factory=list)  # per row: written / unchanged / rejected
    new_households: dict[tuple[str, str], int] = field(default_factory=dict)  # key → first row
    changed_households: dict[tuple[str, str], dict] = field(default_factory=dict)
    type_changes: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    new_persons: list[int] = field(default_factory=list)
    rejoining: dict[int, Person] = field(default_factory=dict)
    changed_persons: dict[int, tuple[Person, dict]] = field(default_factory=dict)
    incomes: dict[tuple[str, str], tuple[int, int]] = field(
        default_factory=dict
    )  # key → (year, row)


def _field_value(model, name: str, value):
    """A parsed cell as the model stores it: text columns hold "" not NULL, lists [] not NULL."""
    if value is None:
        field = model._meta.get_field(name)
        if field.get_internal_type() in ("CharField", "TextField"):
            return ""
        if field.get_internal_type() == "JSONField":
            return []
    return value


def _norm(value):
    if isinstance(value, float):
        return Decimal(str(round(value, 2))).quantize(Decimal("0.01"))
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, list):
        return list(value)
    return value


def _chunks(items: list, size: int = BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def plan(staged: Staged, rows: Rows) -> Plan:
    present = staged.present
    v = rows.values
    accepted = [i for i in range(rows.n) if i not in rows.rejected]
    keys = sorted({rows.key[i] for i in accepted})
    existing: dict[tuple[str, str], Household] = {}
    by_county = defaultdict(list)
    for county, number in keys:
        by_county[county].append(number)
    for county, numbers in by_county.items():
        for chunk in _chunks(numbers):
            existing.update(
                {
                    (h.county_code, h.number): h
                    for h in Household.objects.filter(county_code=county, number__in=chunk)
                }
            )
    persons: dict[str, Person] = {}
    for chunk in _chunks([rows.id_hash[i] for i in accepted]):
        persons.update({p.id_hash: p for p in Person.objects.filter(id_hash__in=chunk)})
    incomes = {}
    if "income.year" in present:
        wanted = {
            (existing[rows.key[i]].pk, v["income.year"][i])
            for i in accepted
            if rows.key[i] in existing and v["income.year"][i] is not None
        }
        ids = sorted({h for h, _y in wanted})
        for chunk in _chunks(ids):
            incomes.update(
                {
                    (inc.household_id, inc.year): inc
                    for inc in HouseholdIncome.objects.filter(household_id__in=chunk)
                }
            )

    result = Plan(status=["rejected"] * rows.n)
    household_fields = [f for f in _HOUSEHOLD_FIELDS if f"household.{f}" in present]
    person_fields = [f for f in _PERSON_FIELDS if f"person.{f}" in present]
    income_fields = [f for f in _INCOME_FIELDS if f"income.{f}" in present]
    household_changed: dict[tuple[str, str], bool] = {}
    for i in accepted:
        key = rows.key[i]
        if key not in household_changed:
            household = existing.get(key)
            if household is None:
                result.new_households[key] = i
                household_changed[key] = True
            else:
                changes = {}
                for f in household_fields:
                    value = _field_value(Household, f, v[f"household.{f}"][i])
                    if _norm(value) != _norm(getattr(household, f)):
                        changes[f] = value
                if (
                    "household.phone" in present
                    and v["household.phone"][i]
                    and (crypto.lookup_hash(v["household.phone"][i]) != household.phone_hash)
                ):
                    changes["phone"] = v["household.phone"][i]
                if "household_type" in changes:
                    result.type_changes[key] = (household.household_type, changes["household_type"])
                if changes:
                    result.changed_households[key] = changes
                household_changed[key] = bool(changes)
            year = v["income.year"][i] if "income.year" in present else None
            if year is not None:
                result.incomes[key] = (year, i)
                current = incomes.get((existing[key].pk, year)) if key in existing else None
                if current is None or any(
                    _norm(v[f"income.{f}"][i]) != _norm(getattr(current, f)) for f in income_fields
                ):
                    household_changed[key] = True
                    result.incomes[key] = (year, i)
                elif key not in result.new_households:
                    del result.incomes[key]
        person = persons.get(rows.id_hash[i])
        person_changed = False
        if person is None:
            result.new_persons.append(i)
            person_changed = True
        elif person.household_id is None:
            result.rejoining[i] = person
            person_changed = True
        else:
            changes = {}
            for f in person_fields:
                value = _field_value(Person, f, v[f"person.{f}"][i])
                if _norm(value) != _norm(getattr(person, f)):
                    changes[f] = value
            if changes:
                result.changed_persons[i] = (person, changes)
                person_changed = True
        result.status[i] = "written" if household_changed[key] or person_changed else "unchanged"
    result.existing = existing  # type: ignore[attr-defined]
    return result


def write(staged: Staged, rows: Rows, p: Plan, *, actor, as_of: date, source: str) -> set[int]:
    """Apply the plan; returns the ids of the households touched. Runs inside the caller's
    transaction."""
    v = rows.values
    present = staged.present
    existing: dict[tuple[str, str], Household] = p.existing  # type: ignore[attr-defined]
    now = timezone.now()
    user = actor if getattr(actor, "is_authenticated", False) else None

    # Households: new ones, then changes to existing ones.
    new = []
    for key, i in p.new_households.items():
        household = Household(
            region_id=v["household.region"][i],
            county_code=key[0],
            number=key[1],
            created_at=now,
            updated_at=now,
        )
        for f in _HOUSEHOLD_FIELDS:
            if f"household.{f}" in present:
                setattr(household, f, _field_value(Household, f, v[f"household.{f}"][i]))
        _set_phone(household, v["household.phone"][i] if "household.phone" in present else None)
        new.append(household)
    Household.objects.bulk_create(new, batch_size=2000)
    households = dict(existing)
    households.update({(h.county_code, h.number): h for h in new})
    changed = []
    update_fields = {"version", "updated_at"}
    for key, changes in p.changed_households.items():
        household = existing[key]
        for f, value in changes.items():
            if f == "phone":
                _set_phone(household, value)
                update_fields |= {"phone_encrypted", "phone_hash", "phone_masked"}
            else:
                setattr(household, f, value)
                update_fields.add(f)
        household.version += 1
        household.updated_at = now
        changed.append(household)
    if changed:
        Household.objects.bulk_update(changed, sorted(update_fields), batch_size=2000)

    events = []
    for household in new:
        events.append(
            HouseholdEvent(
                household=household,
                kind=c.EventKind.IMPORTED,
                date=as_of,
                actor=user,
                reason=f"批量导入：{source}",
                details={"new": True},
            )
        )
    for key, changes in p.changed_households.items():
        shown = {k: ("***" if k == "phone" else val) for k, val in changes.items()}
        events.append(
            HouseholdEvent(
                household=existing[key],
                kind=_transition_kind(p.type_changes.get(key)),
                date=as_of,
                actor=user,
                reason=f"批量导入：{source}",
                details={"after": {k: _json(val) for k, val in shown.items()}},
            )
        )
    HouseholdEvent.objects.bulk_create(events, batch_size=2000)
    event_of = {e.household_id: e for e in events}

    designations = []
    for household in new:
        designations += _history(household, as_of, event_of[household.pk])
    for key, (_old, new_kind) in p.type_changes.items():
        household = existing[key]
        Designation.objects.filter(
            household=household, category=c.DesignationCategory.POVERTY, end__isnull=True
        ).update(end=as_of - timedelta(days=1))
        designations.append(
            Designation(
                household=household,
                category=c.DesignationCategory.POVERTY,
                kind=new_kind,
                start=as_of,
                event=event_of[household.pk],
            )
        )
        if new_kind == c.HouseholdType.EXITED and not household.exit_year:
            Household.objects.filter(pk=household.pk).update(exit_year=as_of.year)
    Designation.objects.bulk_create(designations, batch_size=5000)

    # Persons.
    person_fields = [f for f in _PERSON_FIELDS if f"person.{f}" in present]
    numbers = [v["person.id_number"][i] for i in p.new_persons]
    encrypted = crypto.encrypt_many(numbers)
    created = []
    for i, token in zip(p.new_persons, encrypted, strict=True):
        household = households[rows.key[i]]
        person = Person(
            id_hash=rows.id_hash[i],
            id_encrypted=token,
            id_masked=idnumbers.mask(_resident(v["person.id_number"][i])),
            id_kind=rows.id_kind[i],
            sex=rows.sex[i],
            birth_date=rows.birth[i],
            household=household,
            region_id=household.region_id,
            updated_at=now,
        )
        for f in person_fields:
            setattr(person, f, _field_value(Person, f, v[f"person.{f}"][i]))
        created.append(person)
    Person.objects.bulk_create(created, batch_size=2000)
    memberships = [
        Membership(
            person=person,
            household=person.household,
            relation=person.relation,
            start=as_of,
            start_event=event_of.get(person.household_id),
        )
        for person in created
    ]
    rejoined = []
    for i, person in p.rejoining.items():
        household = households[rows.key[i]]
        person.household, person.region_id = household, household.region_id
        for f in person_fields:
            setattr(person, f, _field_value(Person, f, v[f"person.{f}"][i]))
        person.version += 1
        person.updated_at = now
        rejoined.append(person)
        memberships.append(
            Membership(
                person=person,
                household=household,
                relation=person.relation,
                start=as_of,
                start_event=event_of.get(household.pk),
            )
        )
    updated = list(rejoined)
    fields = {"household", "region", "version", "updated_at", *person_fields}
    for person, changes in p.changed_persons.values():
        for f, value in changes.items():
            setattr(person, f, value)
        person.version += 1
        person.updated_at = now
        updated.append(person)
    if updated:
        Person.objects.bulk_update(updated, sorted(fields), batch_size=2000)
    Membership.objects.bulk_create(memberships, batch_size=5000)
    for person, changes in p.changed_persons.values():
        if "relation" in changes:
            Membership.objects.filter(person=person, end__isnull=True).update(
                relation=person.relation
            )

    # Income, then the derived figures of every household touched.
    touched = (
        {h.pk for h in new}
        | {h.pk for h in changed}
        | {households[rows.key[i]].pk for i in p.new_persons}
    )
    touched |= {households[rows.key[i]].pk for i in p.rejoining} | {
        person.household_id for person, _ in p.changed_persons.values()
    }
    _write_incomes(rows, p, households, staged)
    touched |= {households[key].pk for key in p.incomes}
    refresh(touched)
    return touched


def _resident(number: str) -> str:
    return number[:18]


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value


def _set_phone(household: Household, phone: str | None) -> None:
    if phone:
        household.phone_encrypted = crypto.encrypt(phone)
        household.phone_hash = crypto.lookup_hash(phone)
        household.phone_masked = phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def _transition_kind(change: tuple[str, str] | None) -> str:
    if change is None:
        return c.EventKind.CORRECTION
    old, new = change
    if new in c.POOR_TYPES:
        return (
            c.EventKind.RETURNED
            if old in (c.HouseholdType.EXITED, *c.MONITORED_TYPES)
            else c.EventKind.IDENTIFIED
        )
    if new == c.HouseholdType.EXITED and old in c.POOR_TYPES:
        return c.EventKind.EXITED
    if new in c.MONITORED_TYPES:
        return c.EventKind.MONITORED
    if old in c.MONITORED_TYPES:
        return c.EventKind.RISK_ELIMINATED
    return c.EventKind.CORRECTION


def _history(household: Household, as_of: date, event: HouseholdEvent) -> list[Designation]:
    """The 户类型 timeline a template row implies: poor from 1 January of the identification
    year, exited from 31 December of the exit year, a monitoring kind from ``as_of``."""
    kind, ident, exit_year = (
        household.household_type,
        household.identification_year,
        household.exit_year,
    )
    poverty = c.DesignationCategory.POVERTY
    out = []
    if kind in c.POOR_TYPES:
        out.append(
            Designation(
                household=household,
                category=poverty,
                kind=kind,
                start=date(ident, 1, 1) if ident else as_of,
                event=event,
            )
        )
    elif exit_year and kind in (c.HouseholdType.EXITED, *c.MONITORED_TYPES):
        exit_day = date(exit_year, 12, 31)
        start = date(ident, 1, 1) if ident and ident <= exit_year else date(exit_year, 1, 1)
        out.append(
            Designation(
                household=household,
                category=poverty,
                kind=c.HouseholdType.POOR_GENERAL,
                start=start,
                end=exit_day - timedelta(days=1),
                event=event,
            )
        )
        if kind == c.HouseholdType.EXITED:
            out.append(
                Designation(
                    household=household, category=poverty, kind=kind, start=exit_day, event=event
                )
            )
        else:
            monitored_from = max(as_of, exit_day + timedelta(days=1))
            out.append(
                Designation(
                    household=household,
                    category=poverty,
                    kind=c.HouseholdType.EXITED,
                    start=exit_day,
                    end=monitored_from - timedelta(days=1),
                    event=event,
                )
            )
            out.append(
                Designation(
                    household=household,
                    category=poverty,
                    kind=kind,
                    start=monitored_from,
                    event=event,
                )
            )
    else:
        out.append(
            Designation(household=household, category=poverty, kind=kind, start=as_of, event=event)
        )
    return out


def _write_incomes(rows: Rows, p: Plan, households: dict, staged: Staged) -> None:
    v = rows.values
    fields = [f for f in _INCOME_FIELDS if f"income.{f}" in staged.present]
    wanted = {(households[key].pk, year): i for key, (year, i) in p.incomes.items()}
    current = {}
    for chunk in _chunks(sorted({h for h, _y in wanted})):
        current.update(
            {
                (inc.household_id, inc.year): inc
                for inc in HouseholdIncome.objects.filter(household_id__in=chunk)
            }
        )
    new, changed = [], []
    for (household_id, year), i in wanted.items():
        income = current.get((household_id, year))
        if income is None:
            income = HouseholdIncome(household_id=household_id, year=year)
            new.append(income)
        else:
            income.version += 1
            changed.append(income)
        for f in fields:
            value = v[f"income.{f}"][i]
            setattr(income, f, None if value is None else _norm(value))
    HouseholdIncome.objects.bulk_create(new, batch_size=5000)
    HouseholdIncome.objects.bulk_update(changed, [*fields, "version"], batch_size=5000)


def refresh(household_ids: set[int]) -> None:
    """Re-derive member counts, head names and income figures of these households."""
    ids = sorted(household_ids)
    for chunk in _chunks(ids):
        counts = dict(
            Person.objects.filter(household_id__in=chunk, death_date__isnull=True)
            .values("household_id")
            .annotate(n=Count("id"))
            .values_list("household_id", "n")
        )
        heads = dict(
            Person.objects.filter(household_id__in=chunk, relation=c.Relation.HEAD).values_list(
                "household_id", "name"
            )
        )
        households = list(
            Household.objects.filter(pk__in=chunk).only("id", "member_count", "head_name")
        )
        for household in households:
            household.member_count = counts.get(household.pk, 0)
            household.head_name = heads.get(household.pk, "")
        Household.objects.bulk_update(households, ["member_count", "head_name"], batch_size=BATCH)
        incomes = list(HouseholdIncome.objects.filter(household_id__in=chunk))
        by_year = defaultdict(list)
        for income in incomes:
            by_year[income.year].append(income)
        for year, group in by_year.items():
            year_end = date(year, 12, 31)
            members = dict(
                Membership.objects.filter(
                    household_id__in=[g.household_id for g in group], start__lte=year_end
                )
                .filter(Q(end__isnull=True) | Q(end__gt=year_end))
                .filter(Q(person__death_date__isnull=True) | Q(person__death_date__gt=year_end))
                .values("household_id")
                .annotate(n=Count("id"))
                .values_list("household_id", "n")
            )
            for income in group:
                for f in (
                    "wages",
                    "business",
                    "property_income",
                    "transfers",
                    "business_costs",
                    "rigid_spending",
                ):
                    value = getattr(income, f)
                    if value is not None and not isinstance(value, Decimal):
                        setattr(income, f, Decimal(str(value)))
                derive(income, members.get(income.household_id, 0))
        HouseholdIncome.objects.bulk_update(
            incomes, ["net_income", "members_counted", "per_capita_net_income"], batch_size=BATCH
        )
