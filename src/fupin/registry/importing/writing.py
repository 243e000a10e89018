"""Stage 3: the accepted rows compared with the registry and written in one transaction.

A row counts as written when anything it carries (its household, that household's income,
its person) changed; as unchanged otherwise. Only columns present in the file are compared
and written, so a file without, say, the 民族 column leaves 民族 as it is. Existing records
are read as plain values; new households and persons are written as Arrow columns taken from
the staged ones (columns.py), changes to existing ones as tuples (core/bulk.py): a county of
a million persons is one pass, not a million ORM objects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.utils import timezone

from fupin.core import bulk, crypto, idnumbers
from fupin.core.import_report import Problem
from fupin.registry import choices as c
from fupin.registry.identity import phone_forms
from fupin.registry.importing import columns
from fupin.registry.importing.checks import Rows
from fupin.registry.importing.columns import money_value
from fupin.registry.importing.lookups import PERSON_FIELDS, Keys, households_by_key
from fupin.registry.importing.staging import Staged
from fupin.registry.models import (
    Designation,
    Household,
    HouseholdEvent,
    HouseholdIncome,
    Membership,
    Person,
)
from fupin.registry.services.households import transition_event_kind
from fupin.registry.template import HOUSEHOLD_COLUMNS

HOUSEHOLD_FIELDS = [
    col.name
    for col in HOUSEHOLD_COLUMNS
    if col.level == "household" and col.name not in ("region", "number", "phone")
]
INCOME_FIELDS = [
    col.name for col in HOUSEHOLD_COLUMNS if col.level == "income" and col.name != "year"
]
# The parts of net income, in the order services.income.derived_figures takes them.
INCOME_PARTS_FOR_NET = ["wages", "business", "property_income", "transfers", "business_costs"]
_TEXT = {
    f.name
    for model in (Household, Person)
    for f in model._meta.concrete_fields
    if f.get_internal_type() in ("CharField", "TextField")
}
_CENT = Decimal("0.01")


def _value(name: str, value):
    """A parsed cell as the model stores it: text columns hold "" not NULL, lists [] not NULL."""
    if value is None:
        if name in _TEXT:
            return ""
        if name == "other_causes":
            return []
    return value


def _norm(value):
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(_CENT)
    if isinstance(value, Decimal):
        return value.quantize(_CENT)
    return value


def _changes(values: dict, level: str, fields: list[str], i: int, current: dict) -> dict:
    """The fields whose value in row ``i`` differs from the stored one, with the new value."""
    changes = {}
    for f in fields:
        value = _value(f, values[f"{level}.{f}"][i])
        if _norm(value) != _norm(current[f]):
            changes[f] = value
    return changes


@dataclass
class Plan:
    status: list[str] = field(default_factory=list)  # per row: written / unchanged / rejected
    existing: dict[tuple[str, str], dict] = field(default_factory=dict)
    new_households: dict[tuple[str, str], int] = field(default_factory=dict)  # key → first row
    changed_households: dict[tuple[str, str], dict] = field(default_factory=dict)
    type_changes: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    new_persons: list[int] = field(default_factory=list)
    rejoining: dict[int, dict] = field(default_factory=dict)
    changed_persons: dict[int, tuple[dict, dict]] = field(default_factory=dict)
    incomes: dict[tuple[str, str], tuple[int, int]] = field(
        default_factory=dict
    )  # key → (year, row)


def _existing_households(keys: list[tuple[str, str]]) -> dict[tuple[str, str], dict]:
    wanted = ["id", "county_code", "phone_hash", "household_type", "exit_year", *HOUSEHOLD_FIELDS]
    return households_by_key(keys, wanted)


def plan(staged: Staged, rows: Rows, *, as_of: date | None = None) -> Plan:
    present = staged.present
    v = rows.values
    accepted = _accepted(rows)
    result = Plan(status=["rejected"] * rows.n)
    existing = result.existing = _existing_households(
        dict.fromkeys(map(rows.key.__getitem__, accepted))
    )
    persons = rows.persons  # read by the checks, for every person of the file
    incomes: dict[tuple[int, int], dict] = {}
    if "income.year" in present and existing:
        ids = Keys(h["id"] for h in existing.values())
        for row in HouseholdIncome.objects.filter(household_id__any_of=ids).values(
            "household_id", "year", *INCOME_FIELDS
        ):
            incomes[(row["household_id"], row["year"])] = row

    has_phone, has_year = "household.phone" in present, "income.year" in present
    if not existing and not persons:
        years = staged.columns["income.year"] if has_year else None
        return _all_new(rows, accepted, result, years=years)
    household_fields = [f for f in HOUSEHOLD_FIELDS if f"household.{f}" in present]
    person_fields = [f for f in PERSON_FIELDS if f"person.{f}" in present]
    income_fields = [f for f in INCOME_FIELDS if f"income.{f}" in present]
    household_changed: dict[tuple[str, str], bool] = {}
    for i in accepted:
        key = rows.key[i]
        if key not in household_changed:
            household = existing.get(key)
            if household is None:
                result.new_households[key] = i
                changed = True
            else:
                changes = _changes(v, "household", household_fields, i, household)
                phone = v["household.phone"][i] if has_phone else None
                if phone and crypto.lookup_hash(phone) != household["phone_hash"]:
                    changes["phone"] = phone
                if "household_type" in changes:
                    result.type_changes[key] = (
                        household["household_type"],
                        changes["household_type"],
                    )
                if changes:
                    result.changed_households[key] = changes
                changed = bool(changes)
            year = v["income.year"][i] if has_year else None
            if year is not None:
                current = incomes.get((household["id"], year)) if household is not None else None
                if current is None or any(
                    _norm(v[f"income.{f}"][i]) != _norm(current[f]) for f in income_fields
                ):
                    result.incomes[key] = (year, i)
                    changed = True
            household_changed[key] = changed
        person = persons.get(rows.id_hash[i])
        if person is None:
            result.new_persons.append(i)
            person_changed = True
        elif person["household_id"] is None:
            result.rejoining[i] = person
            person_changed = True
        else:
            changes = _changes(v, "person", person_fields, i, person)
            if changes:
                result.changed_persons[i] = (person, changes)
            person_changed = bool(changes)
        result.status[i] = "written" if household_changed[key] or person_changed else "unchanged"
    if as_of is not None and result.type_changes:
        _type_changes_after_current(staged, rows, result, as_of)
    return result


def _accepted(rows: Rows) -> list[int]:
    accepted = np.ones(rows.n, dtype=bool)
    accepted[list(rows.rejected)] = False
    return np.flatnonzero(accepted).tolist()


def _all_new(rows: Rows, accepted: list[int], result: Plan, *, years: pa.Array | None) -> Plan:
    """The plan when nothing in the file is registered yet (a county's first load): what the
    row-by-row comparison would find, without comparing a million rows with nothing."""
    key = rows.key
    first = result.new_households = dict.fromkeys(map(key.__getitem__, accepted))
    for i in reversed(accepted):  # each household's first row, in the order they come
        first[key[i]] = i
    if years is not None:
        first_years = years.take(pa.array(list(first.values()), pa.int64())).to_pylist()
        result.incomes = {
            k: (year, i)
            for (k, i), year in zip(first.items(), first_years, strict=True)
            if year is not None
        }
    result.new_persons = accepted
    if len(accepted) == rows.n:
        result.status = ["written"] * rows.n
    else:
        for i in accepted:
            result.status[i] = "written"
    return result


def _type_changes_after_current(staged: Staged, rows: Rows, result: Plan, as_of: date) -> None:
    """A new 户类型 starts on ``as_of``, which must come after the current one's start:
    otherwise the file is older than the registry and would rewrite history."""
    ids = {result.existing[k]["id"]: k for k in result.type_changes}
    starts = dict(
        Designation.objects.filter(
            household_id__any_of=Keys(ids),
            category=c.DesignationCategory.POVERTY,
            end__isnull=True,
        ).values_list("household_id", "start")
    )
    late = {ids[h]: start for h, start in starts.items() if as_of <= start}
    if not late:
        return
    for i, key in enumerate(rows.key):
        if key in late and result.status[i] != "rejected":
            staged.problems.append(
                Problem(
                    staged.row_numbers[i],
                    "户类型",
                    rows.values["household.household_type"][i] or "",
                    f"数据日期 {as_of} 不晚于该户现有户类型的开始日期 {late[key]}，不能改变户类型；"
                    "请用更晚的数据日期导入",
                )
            )
            result.status[i] = "rejected"
    for key in late:
        del result.type_changes[key]
        result.changed_households.pop(key, None)


def write(staged: Staged, rows: Rows, p: Plan, *, actor, as_of: date, source: str) -> set[int]:
    """Apply the plan inside the caller's transaction; returns the touched households' ids."""
    v = rows.values
    present = staged.present
    now = timezone.now()
    user_id = actor.pk if getattr(actor, "is_authenticated", False) else None
    reason = f"批量导入：{source}"[:2000]
    household_id: dict[tuple[str, str], int] = {k: h["id"] for k, h in p.existing.items()}
    region_of: dict[tuple[str, str], str] = {}

    # New households, their 建档 events, designation histories and incomes, as columns.
    # Every id is taken before the first row is sent: on PostgreSQL the rows go behind
    # (bulk.copying_behind), and any statement would wait for them.
    ids = bulk.reserve_ids(Household, len(p.new_households))
    event_ids = bulk.reserve_ids(HouseholdEvent, len(p.new_households) + len(p.changed_households))
    person_ids = bulk.reserve_ids(Person, len(p.new_persons))
    new = columns.New.of(rows, p, ids, event_ids[: len(ids)])
    year_ends = columns.person_year_ends(staged, new)
    starts = columns.member_starts(staged, new, as_of, year_ends)
    derived = columns.derive(staged, p, rows, new, starts, year_ends)
    household_fields = [f for f in HOUSEHOLD_FIELDS if f"household.{f}" in present]
    new_regions = columns.insert_households(staged, new, derived, household_fields, now)
    columns.insert_events(new, as_of=as_of, user_id=user_id, reason=reason, now=now)
    columns.insert_designations(staged, new, as_of)
    income_fields = [f for f in INCOME_FIELDS if f"income.{f}" in present]
    columns.insert_incomes(staged, new, derived, income_fields, INCOME_PARTS_FOR_NET)
    household_id.update(zip(new.keys, ids, strict=True))
    region_of.update(zip(new.keys, new_regions.to_pylist(), strict=True))
    event_of = dict(zip(ids, event_ids, strict=False))
    event_maker = bulk.RowMaker(HouseholdEvent)
    designation_maker = bulk.RowMaker(Designation, with_id=False)
    event_rows, designation_rows = [], []

    # Changes to existing households: fields, a correction (or transition) event, 户类型.
    changed_ids = []
    updates_by_columns: dict[tuple[str, ...], list] = defaultdict(list)
    for (key, changes), event_pk in zip(
        p.changed_households.items(), event_ids[len(ids) :], strict=True
    ):
        household = p.existing[key]
        pk = household["id"]
        changed_ids.append(pk)
        values = {f: val for f, val in changes.items() if f != "phone"}
        if "phone" in changes:
            values.update(_phone_forms(changes["phone"]))
        if (
            key in p.type_changes
            and changes["household_type"] == c.HouseholdType.EXITED
            and not household["exit_year"]
            and not values.get("exit_year")
        ):
            values["exit_year"] = as_of.year
        names = tuple(sorted(values))
        updates_by_columns[names].append([values[col] for col in names] + [now, pk])
        shown = {k: ("***" if k == "phone" else _json(val)) for k, val in changes.items()}
        event_rows.append(
            event_maker.make(
                id=event_pk,
                household_id=pk,
                kind=_transition_kind(p.type_changes.get(key)),
                date=as_of,
                actor_id=user_id,
                reason=reason,
                recorded_at=now,
                details={"after": shown},
            )
        )
        event_of[pk] = event_pk
        if key in p.type_changes:
            designation_rows.append(
                designation_maker.make(
                    household_id=pk,
                    category=c.DesignationCategory.POVERTY,
                    kind=changes["household_type"],
                    start=as_of,
                    event_id=event_pk,
                )
            )
    for names, updates in updates_by_columns.items():
        bulk.update(Household, [*names, "updated_at"], updates)
    if changed_ids:
        _bump_versions(Household, changed_ids)
    if p.type_changes:
        ended = Keys(p.existing[k]["id"] for k in p.type_changes)
        Designation.objects.filter(
            household_id__any_of=ended, category=c.DesignationCategory.POVERTY, end__isnull=True
        ).update(end=as_of - timedelta(days=1))
    bulk.insert(event_maker, event_rows)
    bulk.insert(designation_maker, designation_rows)

    # Persons: new ones (as columns, encrypted in one batch), returning ones, changed ones.
    person_fields = [f for f in PERSON_FIELDS if f"person.{f}" in present]
    regions = _regions_of(household_id, region_of, p)
    _insert_new_persons(
        staged,
        rows,
        new,
        person_fields,
        ids=person_ids,
        household_id=household_id,
        regions=regions,
        new_regions=new_regions,
        event_of=event_of,
        starts=starts,
        now=now,
    )
    membership_maker = bulk.RowMaker(Membership, with_id=False)
    membership_rows = []
    person_updates: dict[tuple[str, ...], list] = defaultdict(list)
    touched_persons = []
    for i, person in p.rejoining.items():
        key = rows.key[i]
        values = {f: _value(f, v[f"person.{f}"][i]) for f in person_fields}
        values.update(household_id=household_id[key], region_id=regions[key])
        names = tuple(sorted(values))
        person_updates[names].append([values[col] for col in names] + [now, person["id"]])
        touched_persons.append(person["id"])
        membership_rows.append(
            membership_maker.make(
                person_id=person["id"],
                household_id=household_id[key],
                relation=values.get("relation", ""),
                start=as_of,
                start_event_id=event_of.get(household_id[key]),
            )
        )
    relation_changed = []
    for person, changes in p.changed_persons.values():
        names = tuple(sorted(changes))
        person_updates[names].append([changes[col] for col in names] + [now, person["id"]])
        touched_persons.append(person["id"])
        if "relation" in changes:
            relation_changed.append((changes["relation"], person["id"]))
    for names, updates in person_updates.items():
        bulk.update(Person, [*names, "updated_at"], updates)
    if touched_persons:
        _bump_versions(Person, touched_persons)
    bulk.insert(membership_maker, membership_rows)
    for relation, person_pk in relation_changed:
        Membership.objects.filter(person_id=person_pk, end__isnull=True).update(relation=relation)

    joining = new.joining_existing()
    _member_events(
        rows,
        p,
        household_id,
        event_of,
        added=[*joining, *p.rejoining],
        as_of=as_of,
        user_id=user_id,
        reason=reason,
        now=now,
    )
    _write_incomes(rows, p, household_id, staged)
    touched = set(ids) | set(changed_ids) | {household_id[k] for k in p.incomes}
    touched |= {household_id[rows.key[i]] for i in (*joining, *p.rejoining, *p.changed_persons)}
    refresh(touched - set(new.ids.filter(derived.done).to_pylist()))
    return touched


def _insert_new_persons(
    staged: Staged,
    rows: Rows,
    new: columns.New,
    fields: list[str],
    *,
    ids: list[int],
    household_id: dict,
    regions: dict,
    new_regions: pa.Array,
    event_of: dict,
    starts: pa.Array,
    now,
) -> None:
    """The new persons and their memberships, built as Arrow columns from the staged ones:
    a county's first import is a million of these, and a Python tuple per row was most of
    its time."""
    n = len(new.persons)
    if n == 0:
        return
    take = new.persons
    parsed = staged.columns["person.parsed_id"]
    numbers = staged.columns["person.id_number"].take(take)
    joining = new.joining_existing()
    keys = [rows.key[i] for i in joining]
    households = new.per_person(new.ids, [household_id[k] for k in keys], pa.int64())
    ids = pa.array(ids, pa.int64())
    values = {f: _stored(f, staged.columns[f"person.{f}"].take(take)) for f in fields}
    values.update(
        id=ids,
        id_hash=rows.id_hash_array.take(take),
        id_encrypted=pa.array(crypto.encrypt_many(numbers.to_pylist()), pa.binary()),
        # A disability certificate is masked as the ID number it begins with.
        id_masked=idnumbers.mask_array(pc.utf8_slice_codeunits(numbers, 0, 18)),
        id_kind=parsed.column("kind").take(take),
        sex=parsed.column("sex").take(take),
        birth_date=parsed.column("birth_date").take(take),
        household_id=households,
        region_id=new.per_person(new_regions, [regions[k] for k in keys], pa.string()),
        updated_at=pa.repeat(pa.scalar(now, pa.timestamp("us", tz="UTC")), n),
    )
    bulk.insert_columns(Person, values)
    events = [event_of.get(household_id[k]) for k in keys]
    bulk.insert_columns(
        Membership,
        {
            "person_id": ids,
            "household_id": households,
            "relation": values.get("relation", pa.repeat("", n)),
            "start": starts,
            "start_event_id": new.per_person(new.event_ids, events, pa.int64()),
        },
        with_id=False,
    )


def _stored(name: str, column):
    """A staged column as the model stores it (:func:`_value` for a whole column)."""
    return pc.fill_null(column, "") if name in _TEXT else column


def _member_events(
    rows: Rows, p: Plan, household_id: dict, event_of: dict, *, added: list[int], **common
) -> None:
    """Existing households whose members joined (the rows ``added``) or changed get an event
    too, so the change history shows every import that touched them (new households have
    their 建档 event)."""
    counts, corrected = defaultdict(int), defaultdict(int)
    for i in added:
        counts[household_id[rows.key[i]]] += 1
    for i in p.changed_persons:
        corrected[household_id[rows.key[i]]] += 1
    maker = bulk.RowMaker(HouseholdEvent, with_id=False)
    events = []
    for pk in sorted(set(counts) | set(corrected)):
        if pk in event_of:
            continue
        kind = c.EventKind.MEMBER_ADDED if counts.get(pk) else c.EventKind.CORRECTION
        details = {"members_added": counts.get(pk, 0), "members_corrected": corrected.get(pk, 0)}
        events.append(
            maker.make(
                household_id=pk,
                kind=kind,
                date=common["as_of"],
                actor_id=common["user_id"],
                reason=common["reason"],
                recorded_at=common["now"],
                details=details,
            )
        )
    bulk.insert(maker, events)


def _regions_of(household_id: dict, region_of: dict, p: Plan) -> dict[tuple[str, str], str]:
    regions = dict(region_of)
    for key in p.existing:
        regions.setdefault(key, None)
    missing = [k for k, r in regions.items() if r is None]
    if not missing:
        return regions
    ids = Keys(household_id[k] for k in missing)
    found = dict(Household.objects.filter(pk__any_of=ids).values_list("id", "region_id"))
    for key in missing:
        regions[key] = found[household_id[key]]
    return regions


def _bump_versions(model, ids: list[int]) -> None:
    from django.db.models import F

    model.objects.filter(pk__any_of=Keys(ids)).update(version=F("version") + 1)


def _json(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value


def _phone_forms(phone: str | None) -> dict:
    if not phone:
        return {}
    encrypted, digest, masked = phone_forms(phone)
    return {"phone_encrypted": encrypted, "phone_hash": digest, "phone_masked": masked}


def _transition_kind(change: tuple[str, str] | None) -> str:
    return transition_event_kind(*change) if change else c.EventKind.CORRECTION


def _write_incomes(rows: Rows, p: Plan, household_id: dict, staged: Staged) -> None:
    """The incomes the file gives for existing households (new ones': columns.insert_incomes)."""
    wanted = {
        (household_id[key], year): i
        for key, (year, i) in p.incomes.items()
        if key not in p.new_households
    }
    if not wanted:
        return
    v = rows.values
    fields = [f for f in INCOME_FIELDS if f"income.{f}" in staged.present]
    current = {
        (hid, year): pk
        for pk, hid, year in HouseholdIncome.objects.filter(
            household_id__any_of=Keys(h for h, _y in wanted)
        ).values_list("id", "household_id", "year")
    }
    maker = bulk.RowMaker(HouseholdIncome, with_id=False)
    new, changed = [], []
    for (hid, year), i in wanted.items():
        values = {f: money_value(v[f"income.{f}"][i]) for f in fields}
        pk = current.get((hid, year))
        if pk is None:
            new.append(maker.make(household_id=hid, year=year, **values))
        else:
            changed.append([values[f] for f in fields] + [pk])
    bulk.insert(maker, new)
    bulk.update(HouseholdIncome, fields, changed)
    if changed:
        _bump_versions(HouseholdIncome, [row[-1] for row in changed])


_HEAD_AND_SIZE = """
UPDATE registry_household SET
  member_count = (SELECT COUNT(*) FROM registry_person p
                  WHERE p.household_id = registry_household.id AND p.death_date IS NULL),
  head_name = COALESCE((SELECT MIN(p.name) FROM registry_person p
                        WHERE p.household_id = registry_household.id AND p.relation = %s), '')
WHERE id IN (SELECT id FROM fupin_touched)"""

_MEMBERS_COUNTED = """
UPDATE registry_householdincome SET members_counted = (
  SELECT COUNT(*) FROM registry_membership m JOIN registry_person p ON p.id = m.person_id
  WHERE m.household_id = registry_householdincome.household_id
    AND m.start <= %s AND (m."end" IS NULL OR m."end" > %s)
    AND (p.death_date IS NULL OR p.death_date > %s))
WHERE year = %s AND household_id IN (SELECT id FROM fupin_touched)"""

# "* 1.0": SQLite divides integers as integers. ROUND is half away from zero, as the
# services round (ROUND_HALF_UP) for these non-negative amounts.
_NET = "wages + business + property_income + transfers - business_costs"
_DERIVED = f"""
UPDATE registry_householdincome SET
  net_income = {_NET},
  per_capita_net_income = CASE WHEN members_counted > 0
                               THEN ROUND(({_NET}) * 1.0 / members_counted, 2) END
WHERE household_id IN (SELECT id FROM fupin_touched)"""  # noqa: S608  (constants only)


def refresh(household_ids: set[int]) -> None:
    """Re-derive member counts, head names and income figures of these households, set-wise:
    per-capita income = (wages + business + property + transfers − costs) ÷ members at the
    end of the income year, alive then, rounded half up to the fen."""
    if not household_ids:
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS fupin_touched")
        cursor.execute("CREATE TEMPORARY TABLE fupin_touched (id bigint PRIMARY KEY)")
        if connection.vendor == "postgresql":
            with cursor.cursor.copy("COPY fupin_touched (id) FROM STDIN") as copy:
                for pk in household_ids:
                    copy.write_row((pk,))
        else:
            rows = [(pk,) for pk in household_ids]
            cursor.cursor.executemany("INSERT INTO fupin_touched (id) VALUES (?)", rows)
        cursor.execute(_HEAD_AND_SIZE, [c.Relation.HEAD])
        cursor.execute(
            "SELECT DISTINCT year FROM registry_householdincome "
            "WHERE household_id IN (SELECT id FROM fupin_touched)"
        )
        for (year,) in cursor.fetchall():
            year_end = date(year, 12, 31)
            cursor.execute(_MEMBERS_COUNTED, [year_end, year_end, year_end, year])
        cursor.execute(_DERIVED)
        cursor.execute("DROP TABLE fupin_touched")
