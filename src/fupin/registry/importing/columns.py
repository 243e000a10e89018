"""The file's new households, their events, 户类型 histories, incomes and derived figures,
written as Arrow columns taken from the staged ones rather than as a Python tuple per row: a
county's first import is some three hundred thousand households and a million persons, and
building their rows one at a time was most of the import's time.

Each rule here is the per-row rule of the rest of the import applied to a whole column, and
the tests hold the two to the same results: amounts round as :func:`money_value` does (half to
even, from the number as written), per-capita income as ``services.income.derived_figures``
(half up), each household's 户类型 timeline as :func:`history`, member counts and heads as
``writing.refresh``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fupin.core import bulk, crypto
from fupin.registry import choices as c
from fupin.registry.models import Designation, Household, HouseholdEvent, HouseholdIncome

MONEY = pa.decimal128(14, 2)
_CENT = Decimal("0.01")
# Plain decimal text Arrow can read exactly; anything else (exponents, very long numbers)
# goes through Python's Decimal, as one value at a time did before.
_PLAIN_NUMBER = r"^[0-9]{1,15}(\.[0-9]{1,17})?$"
_EXACT = pa.decimal128(33, 17)  # room for rounding up a digit


def money_value(value: float | None) -> Decimal | None:
    """An amount read as a float, to the fen: the number as written (``repr`` gives its
    shortest text) rounded half to even, as Django rounds a DecimalField."""
    return None if value is None else Decimal(repr(value)).quantize(_CENT)


def money(values: pa.Array) -> pa.Array:
    """:func:`money_value` for a column: Arrow's cast of a float to text gives the same
    shortest text, read exactly as a decimal and rounded half to even. Nulls stay null."""
    values = values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values
    text = pc.cast(values, pa.string())
    plain = pc.fill_null(pc.match_substring_regex(text, _PLAIN_NUMBER), True)
    exact = pc.cast(pc.if_else(plain, text, None), _EXACT)
    rounded = pc.cast(pc.round(exact, 2, round_mode="half_to_even"), MONEY)
    if pc.all(plain).as_py():
        return rounded
    odd = pc.invert(plain)
    exact_odd = [money_value(v) for v in values.filter(odd).to_pylist()]
    return _replace(rounded, odd, pa.array(exact_odd, MONEY))


def _cents(values: pa.Array) -> np.ndarray:
    """A decimal column of scale 2 as whole fen (int64), nulls as 0."""
    values = pc.fill_null(values, pa.scalar(0, values.type))
    unscaled = pa.Array.from_buffers(
        pa.decimal128(values.type.precision, 0), len(values), values.buffers(), 0, values.offset
    )
    return pc.cast(unscaled, pa.int64()).to_numpy(zero_copy_only=False)


def _from_cents(cents: np.ndarray, valid: np.ndarray) -> pa.Array:
    """Whole fen back to a decimal column of scale 2 (null where not ``valid``)."""
    # int64 needs 19 digits; the same unscaled integers read with two places are the fen.
    unscaled = pc.cast(pa.array(cents, pa.int64()), pa.decimal128(19, 0))
    as_money = pa.Array.from_buffers(pa.decimal128(19, 2), len(cents), unscaled.buffers())
    return pc.if_else(pa.array(valid), as_money, pa.nulls(len(cents), pa.decimal128(19, 2)))


def per_capita(net: pa.Array, members: pa.Array) -> pa.Array:
    """Net income ÷ members, rounded half up (away from zero) to the fen; null without members
    or without a net income (``derived_figures``)."""
    cents = _cents(net)
    count = pc.fill_null(members, 0).to_numpy(zero_copy_only=False).astype(np.int64)
    valid = pc.is_valid(net).to_numpy(zero_copy_only=False) & (count > 0)
    divisor = np.where(count > 0, count, 1)
    quotient = (2 * np.abs(cents) + divisor) // (2 * divisor)
    return _from_cents(np.sign(cents) * quotient, valid)


def _date_column(value: date, n: int) -> pa.Array:
    return pa.repeat(pa.scalar(value, pa.date32()), n)


def _year_ends(years: pa.Array) -> pa.Array:
    """31 December of each year (null for null)."""
    text = pc.binary_join_element_wise(pc.cast(years, pa.string()), "12-31", "-")
    return pc.cast(text, pa.date32())


@dataclass
class New:
    """The new households in the plan's order, with their first rows and reserved ids, and
    for each new person of the file the new household it joins (null: an existing one)."""

    keys: list[tuple[str, str]]
    first: pa.Array  # row of each household's first line
    ids: pa.Array
    event_ids: pa.Array
    persons: pa.Array  # the new persons' rows
    position: pa.Array  # per new person: index into ``keys``, or null

    @classmethod
    def of(cls, rows, p, ids: list[int], event_ids: list[int]) -> New:
        keys = list(p.new_households)
        first = pa.array([p.new_households[k] for k in keys], pa.int64())
        persons = pa.array(p.new_persons, pa.int64())
        position = pc.index_in(
            rows.key_text.take(persons), value_set=rows.key_text.take(first)
        ).cast(pa.int64())
        return cls(
            keys=keys,
            first=first,
            ids=pa.array(ids, pa.int64()),
            event_ids=pa.array(event_ids, pa.int64()),
            persons=persons,
            position=position,
        )

    def per_person(self, of_new: pa.Array, of_existing: list | None = None, kind=None) -> pa.Array:
        """A household column spread to the new persons; for those joining an existing
        household, ``of_existing`` (in the order of :meth:`joining_existing`), else null."""
        values = of_new.take(self.position)
        if of_existing:
            outside = pc.is_null(self.position)
            values = _replace(values, outside, pa.array(of_existing, kind or values.type))
        return values

    def joining_existing(self) -> list[int]:
        """The rows of new persons who join a household already registered."""
        return self.persons.filter(pc.is_null(self.position)).to_pylist()


def _replace(base, where, values: pa.Array) -> pa.Array:
    """``base`` with its elements where ``where`` is true replaced by ``values``, in order."""
    return pc.replace_with_mask(_array(base), _array(where), values)


def _array(values) -> pa.Array:
    return values.combine_chunks() if isinstance(values, pa.ChunkedArray) else values


def person_year_ends(staged, new: New) -> pa.Array:
    """Per new person: 31 December of the income year the file reports for the new household
    they join; null when it gives none, or for a person joining an existing household."""
    if "income.year" not in staged.present:
        return pa.nulls(len(new.persons), pa.date32())
    return new.per_person(_year_ends(staged.columns["income.year"].take(new.first)))


def member_starts(staged, new: New, as_of: date, year_ends: pa.Array) -> pa.Array:
    """When each new person joined: by the end of the income year the file reports for the
    household (``year_ends``: the income is theirs), never before birth; ``as_of`` for a
    person joining an existing household, or when the file gives no year. Aligned with
    ``new.persons``."""
    n = len(new.persons)
    as_of_column = _date_column(as_of, n)
    start = pc.min_element_wise(as_of_column, pc.fill_null(year_ends, as_of_column))
    start = pc.if_else(pc.is_null(new.position), as_of_column, start)
    birth = staged.columns["person.parsed_id"].column("birth_date").combine_chunks()
    birth = birth.take(new.persons)
    born_by_then = pc.fill_null(pc.less_equal(birth, as_of_column), False)
    later = pc.max_element_wise(start, birth)
    return pc.if_else(pc.and_(born_by_then, pc.is_valid(new.position)), later, start)


@dataclass
class Derived:
    """Per new household (aligned with ``New.keys``): whether its figures are worked out here
    (all its members are new), its member count, head's name and income members counted."""

    done: pa.Array
    member_count: pa.Array
    head_name: pa.Array
    counted: pa.Array


def derive(staged, p, rows, new: New, starts: pa.Array, year_ends: pa.Array) -> Derived:
    """Member counts and heads as ``refresh`` works them out, and the members an income
    counts (alive at the end of the income year, ``year_ends``, and joined by then), for the
    new households whose members are all new persons of the file."""
    v = staged.columns
    take = new.persons
    death = v["person.death_date"].take(take)
    n = len(new.keys)
    members = pa.table(
        {
            "pos": new.position,
            "alive": pc.cast(pc.is_null(death), pa.int64()),
            "head": pc.if_else(
                pc.fill_null(pc.equal(v["person.relation"].take(take), c.Relation.HEAD), False),
                pc.fill_null(v["person.name"].take(take), ""),
                None,
            ),
            "counted": pc.cast(
                pc.fill_null(
                    pc.and_kleene(
                        pc.less_equal(starts, year_ends),
                        pc.or_kleene(pc.is_null(death), pc.greater(death, year_ends)),
                    ),
                    False,
                ),
                pa.int64(),
            ),
        }
    ).filter(pc.is_valid(new.position))
    groups = members.group_by("pos", use_threads=False).aggregate(
        [("alive", "sum"), ("head", "min"), ("counted", "sum")]
    )
    where = pc.index_in(pa.array(np.arange(n, dtype=np.int64)), value_set=groups["pos"])
    mixed = {rows.key[i] for i in p.rejoining}
    done = pc.and_(pc.is_valid(where), pa.array([key not in mixed for key in new.keys], pa.bool_()))
    return Derived(
        done=done,
        member_count=pc.fill_null(groups["alive_sum"].take(where), 0),
        head_name=pc.fill_null(groups["head_min"].take(where), ""),
        counted=pc.fill_null(groups["counted_sum"].take(where), 0),
    )


def insert_households(staged, new: New, derived: Derived, fields: list[str], now: datetime):
    """The households' rows; returns each one's region code (aligned with ``new.keys``)."""
    v = staged.columns
    first = new.first
    n = len(new.keys)
    columns = {f: _stored(f, v[f"household.{f}"].take(first)) for f in fields}
    region = v["household.region"].take(first)
    stamp = pa.repeat(pa.scalar(now, pa.timestamp("us", tz="UTC")), n)
    columns.update(
        id=new.ids,
        region_id=region,
        county_code=pc.utf8_slice_codeunits(region, 0, 6),
        number=v["household.number"].take(first),
        created_at=stamp,
        updated_at=stamp,
        member_count=pc.if_else(derived.done, derived.member_count, 0),
        head_name=pc.if_else(derived.done, derived.head_name, ""),
    )
    if "household.phone" in staged.present:
        columns.update(_phones(v["household.phone"].take(first)))
    bulk.insert_columns(Household, columns)
    return region


def _phones(phones: pa.Array) -> dict[str, pa.Array]:
    """Encrypted, hashed and masked forms of the (staged, digits only) phone numbers, as
    ``identity.phone_forms`` makes them; no phone: no token and empty hash and mask."""
    given = pc.is_valid(phones)
    tokens = pa.array(crypto.encrypt_many(phones.filter(given).to_pylist()), pa.binary())
    encrypted = _replace(pa.nulls(len(phones), pa.binary()), given, tokens)
    length = pc.utf8_length(phones)
    masked = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(phones, 0, 3),
        pc.binary_repeat("*", pc.max_element_wise(pc.subtract(length, 7), 0)),
        pc.utf8_slice_codeunits(phones, -4),
        "",
    )
    return {
        "phone_encrypted": encrypted,
        "phone_hash": pc.fill_null(crypto.lookup_hash_array(phones), ""),
        "phone_masked": pc.fill_null(masked, ""),
    }


def _stored(name: str, column: pa.Array) -> pa.Array:
    """A staged column as the model stores it (``writing._value`` for a column): text ""
    for none, lists of choices as JSON text."""
    if pa.types.is_list(column.type):
        # Choice codes: ASCII without quotes, so joining them is their JSON.
        joined = pc.binary_join(column, '", "')
        text = pc.binary_join_element_wise('["', joined, '"]', "")
        return pc.if_else(pc.greater(pc.fill_null(pc.list_value_length(column), 0), 0), text, "[]")
    if pa.types.is_string(column.type):
        return pc.fill_null(column, "")
    return column


def insert_events(new: New, *, as_of: date, user_id, reason: str, now: datetime) -> None:
    """One 建档 (imported) event per new household."""
    n = len(new.keys)
    bulk.insert_columns(
        HouseholdEvent,
        {
            "id": new.event_ids,
            "household_id": new.ids,
            "kind": pa.repeat(c.EventKind.IMPORTED.value, n),
            "date": _date_column(as_of, n),
            "actor_id": pa.repeat(pa.scalar(user_id, pa.int64()), n),
            "reason": pa.repeat(reason, n),
            "recorded_at": pa.repeat(pa.scalar(now, pa.timestamp("us", tz="UTC")), n),
            "details": pa.repeat(json.dumps({"new": True}), n),
        },
    )


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


def insert_designations(staged, new: New, as_of: date) -> None:
    """Each household's 户类型 timeline (``history``), worked out once per distinct
    (type, identification year, exit year) and joined to the households that share it."""
    v = staged.columns
    kind = pc.fill_null(v["household.household_type"].take(new.first), "")
    kind = pc.if_else(pc.equal(kind, ""), c.HouseholdType.GENERAL.value, kind)
    households = pa.table(
        {
            "kind": kind,
            "ident": pc.fill_null(v["household.identification_year"].take(new.first), 0),
            "exit": pc.fill_null(v["household.exit_year"].take(new.first), 0),
            "household_id": new.ids,
            "event_id": new.event_ids,
        }
    )
    combos = households.group_by(["kind", "ident", "exit"], use_threads=False).aggregate([])
    segments: dict[str, list] = {k: [] for k in ("kind", "ident", "exit", "seg", "start", "end")}
    for kind_, ident, exit_year in zip(
        *(combos[k].to_pylist() for k in combos.column_names), strict=True
    ):
        for seg, start, end in history(kind_, ident or None, exit_year or None, as_of):
            for name, value in zip(
                segments, (kind_, ident, exit_year, seg, start, end), strict=True
            ):
                segments[name].append(value)
    timeline = pa.table(
        {
            "kind": pa.array(segments["kind"], pa.string()),
            "ident": pa.array(segments["ident"], pa.int64()),
            "exit": pa.array(segments["exit"], pa.int64()),
            "seg": pa.array(segments["seg"], pa.string()),
            "start": pa.array(segments["start"], pa.date32()),
            "end": pa.array(segments["end"], pa.date32()),
        }
    )
    households = households.cast(
        pa.schema(
            [
                ("kind", pa.string()),
                ("ident", pa.int64()),
                ("exit", pa.int64()),
                ("household_id", pa.int64()),
                ("event_id", pa.int64()),
            ]
        )
    )
    rows = households.join(timeline, keys=["kind", "ident", "exit"], use_threads=False)
    bulk.insert_columns(
        Designation,
        {
            "household_id": rows["household_id"].combine_chunks(),
            "category": pa.repeat(c.DesignationCategory.POVERTY.value, rows.num_rows),
            "kind": rows["seg"].combine_chunks(),
            "start": rows["start"].combine_chunks(),
            "end": rows["end"].combine_chunks(),
            "event_id": rows["event_id"].combine_chunks(),
        },
        with_id=False,
    )


def insert_incomes(staged, new: New, derived: Derived, fields: list[str], parts: list[str]):
    """The income year the file reports for each new household that gives one, with its net
    and per-capita figures where ``derive`` counted its members (``refresh`` does the rest)."""
    if "income.year" not in staged.present:
        return
    v = staged.columns
    years = v["income.year"].take(new.first)
    given = pc.is_valid(years)
    if not pc.any(given).as_py():
        return
    amounts = {f: money(v[f"income.{f}"].take(new.first)) for f in set(fields) | set(parts)}
    net_cents = sum(_cents(amounts[f]) for f in parts[:-1]) - _cents(amounts[parts[-1]])
    complete = np.logical_and.reduce([pc.is_valid(amounts[f]).to_numpy(False) for f in parts])
    net = _from_cents(net_cents, complete)
    columns = {
        "household_id": new.ids,
        "year": years,
        **{f: amounts[f] for f in fields},
        "members_counted": pc.if_else(derived.done, derived.counted, 0),
        "net_income": pc.if_else(derived.done, net, None),
        "per_capita_net_income": pc.if_else(derived.done, per_capita(net, derived.counted), None),
    }
    bulk.insert_columns(
        HouseholdIncome, {k: a.filter(given) for k, a in columns.items()}, with_id=False
    )
