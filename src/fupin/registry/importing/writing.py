"""Stage 3: the accepted rows compared with the registry and written in one transaction.

A row counts as written when anything it carries (its household, that household's income,
its person) changed; as unchanged otherwise. Only columns present in the file are compared
and written, so a file without, say, the 民族 column leaves 民族 as it is. Existing records
are read as plain values and new ones written as tuples (core/bulk.py): a county of a million
persons is one pass, not a million ORM objects."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection
from django.utils import timezone

from fupin.core import bulk, crypto, idnumbers
from fupin.core.import_report import Problem
from fupin.registry import choices as c
from fupin.registry.identity import phone_forms
from fupin.registry.importing.checks import Rows
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
from fupin.registry.services.income import derived_figures
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


def _money(value):
    return None if value is None else Decimal(repr(value)).quantize(_CENT)


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
    accepted = [i for i in range(rows.n) if i not in rows.rejected]
    result = Plan(status=["rejected"] * rows.n)
    existing = result.existing = _existing_households(dict.fromkeys(rows.key[i] for i in accepted))
    persons = rows.persons  # read by the checks, for every person of the file
    incomes: dict[tuple[int, int], dict] = {}
    if "income.year" in present and existing:
        ids = Keys(h["id"] for h in existing.values())
        for row in HouseholdIncome.objects.filter(household_id__any_of=ids).values(
            "household_id", "year", *INCOME_FIELDS
        ):
            incomes[(row["household_id"], row["year"])] = row

    household_fields = [f for f in HOUSEHOLD_FIELDS if f"household.{f}" in present]
    person_fields = [f for f in PERSON_FIELDS if f"person.{f}" in present]
    income_fields = [f for f in INCOME_FIELDS if f"income.{f}" in present]
    has_phone, has_year = "household.phone" in present, "income.year" in present
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

    # New households, their 建档 events and designation histories.
    new_keys = list(p.new_households)
    # Every id is taken before the first row is sent: on PostgreSQL the rows go behind
    # (bulk.copying_behind), and any statement would wait for them.
    ids = bulk.reserve_ids(Household, len(new_keys))
    event_ids = bulk.reserve_ids(HouseholdEvent, len(new_keys) + len(p.changed_households))
    person_ids = bulk.reserve_ids(Person, len(p.new_persons))
    member_start = _member_starts(rows, p, as_of)
    derived = _derived_for_new(rows, p, member_start)
    household_rows, new_info = [], []
    maker = bulk.RowMaker(Household)
    household_fields = [f for f in HOUSEHOLD_FIELDS if f"household.{f}" in present]
    phones = [
        v["household.phone"][p.new_households[k]] if "household.phone" in present else None
        for k in new_keys
    ]
    for key, pk, phone in zip(new_keys, ids, phones, strict=True):
        i = p.new_households[key]
        values = {f: _value(f, v[f"household.{f}"][i]) for f in household_fields}
        values.update(
            id=pk,
            region_id=v["household.region"][i],
            county_code=key[0],
            number=key[1],
            created_at=now,
            updated_at=now,
            **_phone_forms(phone),
            **derived.get(key, {}).get("household", {}),
        )
        household_rows.append(maker.make(**values))
        household_id[key] = pk
        region_of[key] = values["region_id"]
        new_info.append(
            (
                pk,
                values.get("household_type") or c.HouseholdType.GENERAL,
                values.get("identification_year"),
                values.get("exit_year"),
            )
        )
    bulk.insert(maker, household_rows)

    event_maker = bulk.RowMaker(HouseholdEvent)
    event_rows, event_of = [], {}
    for (pk, *_rest), event_pk in zip(new_info, event_ids, strict=False):
        event_rows.append(
            event_maker.make(
                id=event_pk,
                household_id=pk,
                kind=c.EventKind.IMPORTED,
                date=as_of,
                actor_id=user_id,
                reason=reason,
                recorded_at=now,
                details={"new": True},
            )
        )
        event_of[pk] = event_pk
    designation_maker = bulk.RowMaker(Designation, with_id=False)
    designation_rows = []
    for pk, kind, ident, exit_year in new_info:
        for kind_, start, end in history(kind, ident, exit_year, as_of):
            designation_rows.append(
                designation_maker.make(
                    household_id=pk,
                    category=c.DesignationCategory.POVERTY,
                    kind=kind_,
                    start=start,
                    end=end,
                    event_id=event_of[pk],
                )
            )

    # Changes to existing households: fields, a correction (or transition) event, 户类型.
    changed_ids = []
    updates_by_columns: dict[tuple[str, ...], list] = defaultdict(list)
    for (key, changes), event_pk in zip(
        p.changed_households.items(), event_ids[len(new_keys) :], strict=True
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
        columns = tuple(sorted(values))
        updates_by_columns[columns].append([values[col] for col in columns] + [now, pk])
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
    for columns, updates in updates_by_columns.items():
        bulk.update(Household, [*columns, "updated_at"], updates)
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
        p,
        person_fields,
        ids=person_ids,
        household_id=household_id,
        regions=regions,
        event_of=event_of,
        member_start=member_start,
        as_of=as_of,
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
        columns = tuple(sorted(values))
        person_updates[columns].append([values[col] for col in columns] + [now, person["id"]])
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
        columns = tuple(sorted(changes))
        person_updates[columns].append([changes[col] for col in columns] + [now, person["id"]])
        touched_persons.append(person["id"])
        if "relation" in changes:
            relation_changed.append((changes["relation"], person["id"]))
    for columns, updates in person_updates.items():
        bulk.update(Person, [*columns, "updated_at"], updates)
    if touched_persons:
        _bump_versions(Person, touched_persons)
    bulk.insert(membership_maker, membership_rows)
    for relation, person_pk in relation_changed:
        Membership.objects.filter(person_id=person_pk, end__isnull=True).update(relation=relation)

    _member_events(
        rows, p, household_id, event_of, as_of=as_of, user_id=user_id, reason=reason, now=now
    )
    _write_incomes(rows, p, household_id, staged, derived)
    touched = (
        {household_id[k] for k in new_keys}
        | set(changed_ids)
        | {household_id[k] for k in p.incomes}
    )
    touched |= {
        household_id[rows.key[i]] for i in (*p.new_persons, *p.rejoining, *p.changed_persons)
    }
    refresh(touched - {household_id[k] for k in derived})
    return touched


def _insert_new_persons(
    staged: Staged,
    rows: Rows,
    p: Plan,
    fields: list[str],
    *,
    ids: list[int],
    household_id: dict,
    regions: dict,
    event_of: dict,
    member_start: dict[int, date],
    as_of: date,
    now,
) -> None:
    """The new persons and their memberships, built as Arrow columns from the staged ones:
    a county's first import is a million of these, and a Python tuple per row was most of
    its time."""
    n = len(p.new_persons)
    if n == 0:
        return
    take = pa.array(p.new_persons, pa.int64())
    parsed = staged.columns["person.parsed_id"]
    numbers = staged.columns["person.id_number"].take(take)
    households = pa.array([household_id[rows.key[i]] for i in p.new_persons], pa.int64())
    ids = pa.array(ids, pa.int64())
    columns = {f: _stored(f, staged.columns[f"person.{f}"].take(take)) for f in fields}
    columns.update(
        id=ids,
        id_hash=pa.array([rows.id_hash[i] for i in p.new_persons], pa.string()),
        id_encrypted=pa.array(crypto.encrypt_many(numbers.to_pylist()), pa.binary()),
        # A disability certificate is masked as the ID number it begins with.
        id_masked=idnumbers.mask_array(pc.utf8_slice_codeunits(numbers, 0, 18)),
        id_kind=parsed.column("kind").take(take),
        sex=parsed.column("sex").take(take),
        birth_date=parsed.column("birth_date").take(take),
        household_id=households,
        region_id=pa.array([regions[rows.key[i]] for i in p.new_persons], pa.string()),
        updated_at=pa.repeat(pa.scalar(now, pa.timestamp("us", tz="UTC")), n),
    )
    bulk.insert_columns(Person, columns)
    starts = [member_start.get(i, as_of) for i in p.new_persons]
    events = [event_of.get(h) for h in households.to_pylist()]
    bulk.insert_columns(
        Membership,
        {
            "person_id": ids,
            "household_id": households,
            "relation": columns.get("relation", pa.repeat("", n)),
            "start": pa.array(starts, pa.date32()),
            "start_event_id": pa.array(events, pa.int64()),
        },
        with_id=False,
    )


def _stored(name: str, column):
    """A staged column as the model stores it (:func:`_value` for a whole column)."""
    return pc.fill_null(column, "") if name in _TEXT else column


def _member_starts(rows: Rows, p: Plan, as_of: date) -> dict[int, date]:
    """When the members of a household the file registers joined it, as far as the file
    tells: by the end of the income year it reports for them (the income is theirs), never
    before a member's birth. Members joining an existing household join on ``as_of``."""
    v = rows.values
    starts = {}
    for i in p.new_persons:
        first = p.new_households.get(rows.key[i])
        if first is None:
            continue
        year = v["income.year"][first] if "income.year" in v else None
        start = min(as_of, date(year, 12, 31)) if year else as_of
        birth = rows.birth[i]
        starts[i] = max(start, birth) if birth and birth <= as_of else start
    return starts


def _derived_for_new(rows: Rows, p: Plan, member_start: dict[int, date]) -> dict:
    """Member count, head's name and income figures of new households whose members are all
    new, worked out here rather than re-read by ``refresh``: the same rules (``refresh``,
    ``services.income``), for a million members without a second pass over the tables."""
    v = rows.values
    mixed = {rows.key[i] for i in p.rejoining}
    members: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i in p.new_persons:
        key = rows.key[i]
        if key in p.new_households and key not in mixed:
            members[key].append(i)
    income_columns = [f"income.{f}" for f in INCOME_PARTS_FOR_NET]
    has_income = all(col in v for col in income_columns)
    out = {}
    for key, indices in members.items():
        heads = [
            v["person.name"][i] or "" for i in indices if v["person.relation"][i] == c.Relation.HEAD
        ]
        alive = [i for i in indices if v["person.death_date"][i] is None]
        entry = {"household": {"member_count": len(alive), "head_name": min(heads, default="")}}
        year_income = p.incomes.get(key)
        if year_income is not None and has_income:
            year, first = year_income
            year_end = date(year, 12, 31)
            counted = sum(
                1
                for i in indices
                if member_start.get(i, year_end) <= year_end
                and (v["person.death_date"][i] is None or v["person.death_date"][i] > year_end)
            )
            parts = [_money(v[col][first]) for col in income_columns]
            net, per_capita = derived_figures(parts, counted)
            entry["income"] = {
                "members_counted": counted,
                "net_income": net,
                "per_capita_net_income": per_capita,
            }
        out[key] = entry
    return out


def _member_events(rows: Rows, p: Plan, household_id: dict, event_of: dict, **common) -> None:
    """Existing households whose members joined or changed get an event too, so the change
    history shows every import that touched them (new households have their 建档 event)."""
    added, corrected = defaultdict(int), defaultdict(int)
    for i in (*p.new_persons, *p.rejoining):
        added[household_id[rows.key[i]]] += 1
    for i in p.changed_persons:
        corrected[household_id[rows.key[i]]] += 1
    maker = bulk.RowMaker(HouseholdEvent, with_id=False)
    events = []
    for pk in sorted(set(added) | set(corrected)):
        if pk in event_of:
            continue
        kind = c.EventKind.MEMBER_ADDED if added.get(pk) else c.EventKind.CORRECTION
        details = {"members_added": added.get(pk, 0), "members_corrected": corrected.get(pk, 0)}
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


def history(
    kind: str, ident: int | None, exit_year: int | None, as_of: date
) -> list[tuple[str, date, date | None]]:
    """The 户类型 timeline a template row implies: poor from 1 January of the identification
    year, exited from 31 December of the exit year, a monitoring kind from ``as_of``."""
    if kind in c.POOR_TYPES:
        return [(kind, date(ident, 1, 1) if ident else as_of, None)]
    if exit_year and kind in (c.HouseholdType.EXITED, *c.MONITORED_TYPES):
        exit_day = date(exit_year, 12, 31)
        start = date(ident, 1, 1) if ident and ident <= exit_year else date(exit_year, 1, 1)
        out = [(c.HouseholdType.POOR_GENERAL, start, exit_day - timedelta(days=1))]
        if kind == c.HouseholdType.EXITED:
            return [*out, (kind, exit_day, None)]
        monitored_from = max(as_of, exit_day + timedelta(days=1))
        return [
            *out,
            (c.HouseholdType.EXITED, exit_day, monitored_from - timedelta(days=1)),
            (kind, monitored_from, None),
        ]
    return [(kind, as_of, None)]


def _write_incomes(rows: Rows, p: Plan, household_id: dict, staged: Staged, derived: dict) -> None:
    if not p.incomes:
        return
    v = rows.values
    fields = [f for f in INCOME_FIELDS if f"income.{f}" in staged.present]
    wanted = {(household_id[key], year): i for key, (year, i) in p.incomes.items()}
    figures = {
        household_id[key]: entry["income"] for key, entry in derived.items() if "income" in entry
    }
    existing = {h["id"] for h in p.existing.values()}
    ids = Keys(h for h, _y in wanted if h in existing)
    current = {}
    if ids:  # new households have no income yet (and a query would wait for their rows)
        current = {
            (hid, year): pk
            for pk, hid, year in HouseholdIncome.objects.filter(
                household_id__any_of=ids
            ).values_list("id", "household_id", "year")
        }
    maker = bulk.RowMaker(HouseholdIncome, with_id=False)
    new, changed = [], []
    for (hid, year), i in wanted.items():
        values = {f: _money(v[f"income.{f}"][i]) for f in fields}
        pk = current.get((hid, year))
        if pk is None:
            new.append(maker.make(household_id=hid, year=year, **values, **figures.get(hid, {})))
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
