"""Stage 2: rules across rows and against the registry. Household-level problems reject
every row of the household; person-level ones only their row; warnings reject nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fupin.core import crypto, scope
from fupin.core.import_report import Problem
from fupin.regions.models import Region
from fupin.registry import choices as c
from fupin.registry.check_rules import check_rules
from fupin.registry.importing.lookups import households_by_key, persons_by_hash
from fupin.registry.importing.staging import Staged
from fupin.registry.template import BY_HEADER, HOUSEHOLD_COLUMNS

INCOME_COLUMNS = [col for col in HOUSEHOLD_COLUMNS if col.level == "income"]


class Lists(Mapping):
    """The staged columns (by template target, "person.name") as Python lists, each made on
    first use: a county's first load never needs most person columns as Python values."""

    def __init__(self, columns: dict[str, pa.Array]):
        self._columns = {t: a for t, a in columns.items() if "." in t and t != "person.parsed_id"}
        self._lists: dict[str, list] = {}

    def __getitem__(self, target: str) -> list:
        if target not in self._lists:
            self._lists[target] = self._columns[target].to_pylist()
        return self._lists[target]

    def __contains__(self, target) -> bool:
        return target in self._columns

    def __iter__(self):
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


@dataclass
class Rows:
    """The staged columns as Python lists (what the later stages iterate over), and as Arrow
    arrays the checks that look at every row use."""

    n: int
    key: list[tuple[str, str] | None]
    values: Lists
    id_hash: list[str | None]
    # "county|number" (null where ``key`` is None), the ID hash and the age, as Arrow arrays.
    key_text: pa.Array
    id_hash_array: pa.Array
    ages: pa.Array
    rejected: set[int] = field(default_factory=set)
    households_rejected: set[tuple[str, str]] = field(default_factory=set)
    # The registered persons with the file's ID hashes (lookups.persons_by_hash), by hash.
    persons: dict[str, dict] = field(default_factory=dict)

    def indices(self, mask: pa.Array) -> list[int]:
        """The rows where ``mask`` is true (null counts as false)."""
        return pc.indices_nonzero(pc.fill_null(mask, False)).to_pylist()

    def of_keys(self, keys: set[tuple[str, str]]) -> list[int]:
        """The rows of these households."""
        if not keys:
            return []
        texts = pa.array(sorted(f"{county}|{number}" for county, number in keys), pa.string())
        return self.indices(pc.is_in(self.key_text, value_set=texts))


def to_rows(staged: Staged, *, today: date) -> Rows:
    values = Lists(staged.columns)
    parsed = staged.columns["person.parsed_id"]
    hashes = crypto.lookup_hash_array(parsed.column("resident_number"))
    births = parsed.column("birth_date").combine_chunks()
    ages = _ages(births, today)
    key_text = _key_text(staged)
    return Rows(
        n=staged.rows,
        key=_keys(staged, key_text),
        values=values,
        id_hash=hashes.to_pylist(),
        key_text=key_text,
        id_hash_array=hashes,
        ages=ages,
    )


def _keys(staged: Staged, key_text: pa.Array) -> list[tuple[str, str] | None]:
    """Each row's household key (county, number), None where the row has no region or no
    number; one tuple per household, shared by its rows, made from its first row."""
    if isinstance(key_text, pa.ChunkedArray):
        key_text = key_text.combine_chunks()
    encoded = pc.dictionary_encode(key_text)
    indices = encoded.indices.to_numpy(zero_copy_only=False)  # nulls: any value, masked below
    valid = encoded.is_valid().to_numpy(zero_copy_only=False)
    # A dictionary lists its values in the order they first appear.
    _values, first = np.unique(np.where(valid, indices, -1), return_index=True)
    first = pa.array(first[_values >= 0])
    regions = staged.columns["household.region"].take(first).to_pylist()
    numbers = staged.columns["household.number"].take(first).to_pylist()
    keys = [(r[:6], n) for r, n in zip(regions, numbers, strict=True)]
    return [keys[i] if ok else None for i, ok in zip(indices.tolist(), valid.tolist(), strict=True)]


def _ages(births: pa.Array, today: date) -> pa.Array:
    """Whole years at ``today``: one less while this year's birthday is still to come."""
    birthday = pc.add(pc.multiply(pc.month(births), 100), pc.day(births))
    to_come = pc.cast(pc.greater(birthday, today.month * 100 + today.day), pa.int64())
    return pc.subtract(pc.subtract(today.year, pc.year(births)), to_come)


def _key_text(staged: Staged) -> pa.Array:
    """The household key as one text, "county|number", null where :func:`to_rows` has None."""
    region = staged.columns["household.region"]
    number = staged.columns["household.number"]
    filled = pc.and_(pc.not_equal(region, ""), pc.not_equal(number, ""))
    key = pc.binary_join_element_wise(pc.utf8_slice_codeunits(region, 0, 6), number, "|")
    return pc.if_else(filled, key, None)


def check(staged: Staged, rows: Rows, *, actor, today: date) -> None:
    """Add every cross-row and registry problem to ``staged.problems``."""
    problem_rows = {p.row for p in staged.problems if p.severity == "error"}
    rows.rejected |= _indices_of(staged.row_numbers, problem_rows)
    _household_consistency(staged, rows)
    _regions(staged, rows, actor=actor)
    _person_rules(staged, rows, today=today)
    _duplicates_and_other_households(staged, rows)
    _numbers_held_elsewhere(staged, rows)
    _heads(staged, rows)
    _warnings(staged, rows)
    # A household with any rejected household-level problem loses all its rows.
    rows.rejected.update(rows.of_keys(rows.households_rejected))


def _indices_of(row_numbers: list[int], wanted: set[int]) -> set[int]:
    """The positions of these file row numbers among ``row_numbers`` (ascending, as the
    file's rows come), found by bisection rather than a dictionary of a million rows."""
    if not wanted:
        return set()
    numbers = np.asarray(row_numbers)
    targets = np.array(sorted(wanted))
    positions = np.searchsorted(numbers, targets)
    if np.array_equal(numbers[np.minimum(positions, len(numbers) - 1)], targets):
        return set(positions.tolist())
    index_of = {number: i for i, number in enumerate(row_numbers)}  # not ascending after all
    return {index_of[number] for number in wanted}


def _reject(
    staged: Staged, rows: Rows, i: int, header: str, value, message: str, *, household: bool = False
):
    staged.problems.append(
        Problem(staged.row_numbers[i], header, "" if value is None else str(value), message)
    )
    rows.rejected.add(i)
    if household and rows.key[i] is not None:
        rows.households_rejected.add(rows.key[i])


def _household_consistency(staged: Staged, rows: Rows) -> None:
    columns = [
        col for col in HOUSEHOLD_COLUMNS if col.target in staged.present and col.name != "number"
    ]
    if not columns or not rows.n:
        return
    # The cells as the file has them, straight from Arrow: no Python value per cell.
    data = {"k": rows.key_text}
    for j, col in enumerate(columns):
        data[f"c{j}"] = staged.raw[col.target]
    table = pa.table(data)
    # The households with more than one distinct combination of these cells (one pass over
    # the rows), and then, for those few, which columns differ: a column disagrees when its
    # least and greatest values differ, a blank counting as a value of its own.
    cells = ", ".join(f"c{j}" for j in range(len(columns)))
    differ = ", ".join(
        f"min(coalesce(c{j}, '\x00')) <> max(coalesce(c{j}, '\x00')) AS d{j}"
        for j in range(len(columns))
    )
    having = " OR ".join(f"d{j}" for j in range(len(columns)))
    # Only generated column aliases (c0, d0…) are interpolated, never file content.
    query = f"""
        WITH combinations AS (SELECT DISTINCT k, {cells} FROM t WHERE k IS NOT NULL),
             inconsistent AS (SELECT k FROM combinations GROUP BY k HAVING count(*) > 1)
        SELECT k, {differ} FROM t WHERE k IN (SELECT k FROM inconsistent)
        GROUP BY k HAVING {having}"""  # noqa: S608
    con = duckdb.connect()
    con.register("t", table)
    conflicts = con.execute(query).fetchall()
    con.close()
    bad = {
        tuple(row[0].split("|", 1)): [columns[j].header for j, d in enumerate(row[1:]) if d]
        for row in conflicts
    }
    for i in rows.of_keys(set(bad)):
        key = rows.key[i]
        for header in bad[key]:
            _reject(
                staged,
                rows,
                i,
                header,
                staged.raw[BY_HEADER[header].target][i].as_py(),
                f"同一户（户编号 {key[1]}）各行的“{header}”不一致",
                household=True,
            )


def _regions(staged: Staged, rows: Rows, *, actor) -> None:
    """Each village code of the file is looked up once; only rows whose code fails are
    visited. Codes that are not 12 digits were reported by the staging stage."""
    region = staged.columns["household.region"]
    codes = [c for c in pc.unique(region).to_pylist() if c and c.isdigit() and len(c) == 12]
    known = dict(Region.objects.filter(code__in=codes).values_list("code", "level"))
    failing: dict[str, str] = {}
    for code in codes:
        if code not in known:
            failing[code] = "行政区划代码在系统中不存在"
        elif known[code] not in ("village", "group"):
            failing[code] = "行政区划代码应为村（社区）级"
        elif actor is not None and not scope.region_in_scope(actor, code):
            failing[code] = "该村不在您的管辖范围内"
    if not failing:
        return
    for i in rows.indices(pc.is_in(region, value_set=pa.array(sorted(failing), pa.string()))):
        code = rows.values["household.region"][i]
        _reject(staged, rows, i, "行政区划代码", code, failing[code], household=True)


def _person_rules(staged: Staged, rows: Rows, *, today: date) -> None:
    """Rules within a row, each worked out for the whole file as an Arrow mask: only the rows
    that break one are visited in Python."""
    rules = check_rules()
    col = staged.columns
    ages, each = rows.ages, rows.indices

    def blank(target: str) -> pa.Array:
        values = col[target]
        if pa.types.is_string(values.type):
            return pc.fill_null(pc.equal(values, ""), True)
        return pc.is_null(values)

    # (column header, target, from age, to age): a value the template requires at these ages.
    required_by_age = [
        (
            "劳动能力",
            "person.labour_capacity",
            rules.labour_required_from_age,
            rules.labour_required_to_age,
        ),
        (
            "在校生状况",
            "person.school_status",
            rules.school_required_from_age,
            rules.school_required_to_age,
        ),
    ]
    for header, target, low, high in required_by_age:
        within = pc.and_(pc.greater_equal(ages, low), pc.less_equal(ages, high))
        for i in each(pc.and_(within, blank(target))):
            age = rows.ages[i].as_py()
            _reject(staged, rows, i, header, "", f"{age} 岁，{header}必填（{low}–{high} 岁）")
    death, birth = col["person.death_date"], col["person.parsed_id"].column("birth_date")
    after_today = pc.greater(death, pa.scalar(today, pa.date32()))
    for i in each(after_today):
        _reject(
            staged, rows, i, "死亡日期", rows.values["person.death_date"][i], "死亡日期不能晚于今天"
        )
    for i in each(pc.and_(pc.invert(pc.fill_null(after_today, False)), pc.less(death, birth))):
        _reject(
            staged, rows, i, "死亡日期", rows.values["person.death_date"][i], "死亡日期早于出生日期"
        )
    level = col["person.disability_level"]
    not_disabled = pc.fill_null(pc.not_equal(col["person.health"], str(c.Health.DISABLED)), True)
    for i in each(pc.and_(pc.fill_null(pc.not_equal(level, 0), False), not_disabled)):
        _reject(staged, rows, i, "残疾等级", level[i].as_py(), "填写了残疾等级，健康状况应为“残疾”")
    income_filled = pa.repeat(False, rows.n)
    for column in INCOME_COLUMNS:
        if column.name != "year":
            income_filled = pc.or_(income_filled, pc.is_valid(col[column.target]))
    for i in each(pc.and_(income_filled, pc.is_null(col["income.year"]))):
        _reject(staged, rows, i, "收入年度", "", "填写了收入，收入年度必填", household=True)
    kind = col["household.household_type"]
    poor = pc.is_in(kind, value_set=pa.array(sorted(map(str, c.POOR_TYPES)), pa.string()))
    for i in each(pc.and_(poor, blank("household.main_cause"))):
        _reject(staged, rows, i, "主要致贫原因", "", "贫困户必须填写主要致贫原因", household=True)
    ident, exit_year = col["household.identification_year"], col["household.exit_year"]
    for i in each(pc.less(exit_year, ident)):
        _reject(
            staged,
            rows,
            i,
            "脱贫年度",
            exit_year[i].as_py(),
            f"脱贫年度早于识别年度 {ident[i].as_py()}",
            household=True,
        )
    for i in each(pc.and_(pc.equal(kind, str(c.HouseholdType.EXITED)), pc.is_null(exit_year))):
        _reject(staged, rows, i, "脱贫年度", "", "脱贫户必须填写脱贫年度", household=True)
    # A main cause repeated among the other causes: each listed cause beside its row's main.
    others = col["household.other_causes"]
    parents = pc.list_parent_indices(others)
    repeated = pc.equal(pc.list_flatten(others), col["household.main_cause"].take(parents))
    for i in pc.unique(pc.filter(parents, pc.fill_null(repeated, False))).to_pylist():
        _reject(
            staged,
            rows,
            i,
            "其他致贫原因",
            "、".join(others[i].as_py()),
            "其他致贫原因不能与主要致贫原因相同",
            household=True,
        )


def _positions(n: int) -> pa.Array:
    return pa.array(np.arange(n, dtype=np.int64))


def _duplicates_and_other_households(staged: Staged, rows: Rows) -> None:
    header = "证件号码"
    hashes, first_at, again, first_of_again = _repeats(rows.id_hash_array)
    # Each person's first row in the file; any later row of the same person is refused.
    for i, j in zip(again.tolist(), first_of_again.tolist(), strict=True):
        same = rows.key[i] == rows.key[j]
        _reject(
            staged,
            rows,
            i,
            header,
            rows.values["person.id_number"][i],
            f"与第 {staged.row_numbers[j]} 行是同一人"
            + ("（同户重复）" if same else "，一人不能同时属于两户"),
        )
    rows.persons = persons_by_hash(hashes.to_pylist())
    existing = {
        h: (p["household__county_code"], p["household__number"], p["household__region__name"])
        for h, p in rows.persons.items()
        if p["household_id"] is not None
    }
    if not existing:
        return
    known = pc.is_in(hashes, value_set=pa.array(list(existing), pa.string()))
    known = np.asarray(known.to_numpy(zero_copy_only=False), dtype=bool)
    for id_hash, i in zip(hashes.filter(known).to_pylist(), first_at[known].tolist(), strict=True):
        county, number, village = existing[id_hash]
        if rows.key[i] is not None and (county, number) != rows.key[i]:
            _reject(
                staged,
                rows,
                i,
                header,
                rows.values["person.id_number"][i],
                f"该人员已是{village}户编号 {number} 的成员，"
                "一人不能同时属于两户；请先在原户登记迁出",
            )


def _repeats(values: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray, np.ndarray]:
    """The distinct values (nulls left out) in the order they first appear, with the position
    of each one's first appearance; and the positions that repeat an earlier value, with the
    position each repeats. One hash pass (a dictionary), where grouping and joining back
    took four times as long on a million ID numbers."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    encoded = pc.dictionary_encode(values)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    valid = codes >= 0
    # A dictionary numbers its values in the order they first appear, so a row brings a new
    # value exactly when its number is above every number before it.
    before = np.concatenate(([-1], np.maximum.accumulate(codes)[:-1]))
    new = codes > before
    first_at = np.flatnonzero(new)
    again = np.flatnonzero(valid & ~new)
    return encoded.dictionary, first_at, again, first_at[codes[again]]


def _numbers_held_elsewhere(staged: Staged, rows: Rows) -> None:
    """A 户编号 that already belongs to a household of another village is not this row's
    household: updating it would change a household the row does not describe (and perhaps
    one outside the importer's scope). Moving a household between villages is an event of
    its own, not an import."""
    keys = [tuple(k.split("|", 1)) for k in pc.unique(rows.key_text).to_pylist() if k]
    held = {
        key: (row["region_id"], row["region__name"])
        for key, row in households_by_key(keys, ["region_id", "region__name"]).items()
    }
    for i in rows.of_keys(set(held)):
        key = rows.key[i]
        if held[key][0] != rows.values["household.region"][i]:
            region, name = held[key]
            _reject(
                staged,
                rows,
                i,
                "户编号",
                key[1],
                f"户编号 {key[1]} 已属于{name}（{region}）的农户，与本行的行政区划代码不一致",
                household=True,
            )


def _households(staged: Staged, rows: Rows) -> pa.Table:
    """One row per file row with a household key: its key, position, and whether it is the
    head, for grouping by household."""
    relation = staged.columns["person.relation"]
    table = pa.table(
        {
            "k": rows.key_text,
            "i": _positions(rows.n),
            "head": pc.fill_null(pc.equal(relation, str(c.Relation.HEAD)), False),
        }
    )
    return table.filter(pc.is_valid(rows.key_text))


def _heads(staged: Staged, rows: Rows) -> None:
    members = _households(staged, rows)
    counts = members.group_by("k", use_threads=False).aggregate([("head", "sum"), ("i", "min")])
    several = counts.filter(pc.greater(counts["head_sum"], 1))
    count_of = dict(zip(several["k"].to_pylist(), several["head_sum"].to_pylist(), strict=True))
    heads = members.filter(members["head"])
    extra = heads.filter(pc.is_in(heads["k"], value_set=several["k"]))
    for key_text, i in zip(extra["k"].to_pylist(), extra["i"].to_pylist(), strict=True):
        _reject(
            staged,
            rows,
            i,
            "与户主关系",
            "户主",
            f"户编号 {rows.key[i][1]} 有 {count_of[key_text]} 个户主，应只有一个",
            household=True,
        )
    none = counts.filter(pc.equal(counts["head_sum"], 0))
    firsts = dict(
        zip(
            [tuple(k.split("|", 1)) for k in none["k"].to_pylist()],
            none["i_min"].to_pylist(),
            strict=True,
        )
    )
    # A file may add members to a household whose head is already registered.
    existing_heads = _existing_heads(list(firsts))
    for key, i in firsts.items():
        if key not in existing_heads:
            _reject(staged, rows, i, "与户主关系", "", f"户编号 {key[1]} 没有户主", household=True)


def _existing_heads(keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    return set(households_by_key(keys, [], members__relation=c.Relation.HEAD))


def _warnings(staged: Staged, rows: Rows) -> None:
    """Flags that a person should look at, without rejecting anything. Worked out per
    household of the rows not rejected so far, from the household's first such row."""
    rules = check_rules()
    col = staged.columns
    kept = np.ones(rows.n, dtype=bool)
    kept[list(rows.rejected)] = False
    healthy = pc.fill_null(pc.equal(col["person.health"], str(c.Health.HEALTHY)), False)
    members = pa.table({"k": rows.key_text, "i": _positions(rows.n), "healthy": healthy})
    members = members.filter(pc.and_(pc.is_valid(rows.key_text), pa.array(kept)))
    households = members.group_by("k", use_threads=False).aggregate(
        [("i", "min"), ("i", "count"), ("healthy", "all")]
    )
    first = households["i_min"]

    def at_first(target: str) -> pa.ChunkedArray:
        return col[target].take(first)

    # Per-capita net income as the row states it, summed in the order Python's sum() would.
    net = pa.scalar(0.0)
    for part in ("wages", "business", "property_income", "transfers"):
        net = pc.add(net, at_first(f"income.{part}"))
    net = pc.subtract(net, at_first("income.business_costs"))
    per_capita = pc.divide(net, pc.cast(households["i_count"], pa.float64()))
    outside = pc.or_(
        pc.less_equal(per_capita, rules.min_per_capita_net_income),
        pc.greater(per_capita, rules.max_per_capita_net_income),
    )
    for j in rows.indices(outside):
        amount = per_capita[j].as_py()
        _warn(
            staged,
            first[j].as_py(),
            "工资性收入",
            f"{amount:.2f}",
            f"人均纯收入 {amount:.2f} 元，不在 {rules.min_per_capita_net_income:g}–"
            f"{rules.max_per_capita_net_income:g} 元之间，请核实",
        )
    illness = pc.equal(at_first("household.main_cause"), str(c.Cause.ILLNESS))
    for j in rows.indices(pc.and_(illness, households["healthy_all"])):
        _warn(
            staged,
            first[j].as_py(),
            "主要致贫原因",
            "因病",
            "主要致贫原因为因病，但全家成员健康状况均为健康，请核实",
        )
    # 特困供养 households are those that cannot work: a working-age member who can is odd.
    tekun = pc.equal(col["household.household_type"], str(c.HouseholdType.POOR_TEKUN))
    working_age = pc.and_(
        pc.greater_equal(rows.ages, rules.working_age_from),
        pc.less_equal(rows.ages, rules.working_age_to),
    )
    able = pc.is_in(
        col["person.labour_capacity"],
        value_set=pa.array([str(c.LabourCapacity.ORDINARY), str(c.LabourCapacity.SKILLED)]),
    )
    odd = pc.and_(pc.and_(tekun, working_age), pc.and_(able, pa.array(kept)))
    for i in rows.indices(pc.and_(odd, pc.is_valid(rows.key_text))):
        _warn(
            staged,
            i,
            "劳动能力",
            rows.values["person.labour_capacity"][i],
            f"特困供养（五保）户有 {rows.ages[i].as_py()} 岁有劳动能力的成员，请核实",
        )


def _warn(staged: Staged, i: int, header: str, value: str, message: str) -> None:
    staged.problems.append(
        Problem(staged.row_numbers[i], header, value, message, severity="warning")
    )
