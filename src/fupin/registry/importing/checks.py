"""Stage 2: rules across rows and against the registry. Household-level problems reject
every row of the household; person-level ones only their row; warnings reject nothing."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import duckdb
import pyarrow as pa

from fupin.core import crypto, scope
from fupin.core.import_report import Problem
from fupin.regions.models import Region
from fupin.registry import choices as c
from fupin.registry.check_rules import check_rules
from fupin.registry.importing.lookups import chunks, households_by_key
from fupin.registry.importing.staging import Staged
from fupin.registry.models import Person
from fupin.registry.template import BY_HEADER, HOUSEHOLD_COLUMNS

INCOME_COLUMNS = [col for col in HOUSEHOLD_COLUMNS if col.level == "income"]


@dataclass
class Rows:
    """The staged columns as Python lists (what the later stages iterate over)."""

    n: int
    key: list[tuple[str, str] | None]
    values: dict[str, list]
    id_hash: list[str | None]
    age: list[int | None]
    birth: list[date | None]
    sex: list[str | None]
    id_kind: list[str | None]
    rejected: set[int] = field(default_factory=set)
    households_rejected: set[tuple[str, str]] = field(default_factory=set)


def to_rows(staged: Staged, *, today: date) -> Rows:
    values = {
        target: array.to_pylist()
        for target, array in staged.columns.items()
        if "." in target and target != "person.parsed_id"
    }
    parsed = staged.columns["person.parsed_id"]
    resident = parsed.column("resident_number").to_pylist()
    hashes = crypto.lookup_hash_many([r or "" for r in resident])
    births = parsed.column("birth_date").to_pylist()
    region = values["household.region"]
    number = values["household.number"]
    key = [(r[:6], n) if r and n else None for r, n in zip(region, number, strict=True)]
    return Rows(
        n=staged.rows,
        key=key,
        values=values,
        id_hash=[h if r else None for h, r in zip(hashes, resident, strict=True)],
        age=[_age(b, today) for b in births],
        birth=births,
        sex=parsed.column("sex").to_pylist(),
        id_kind=parsed.column("kind").to_pylist(),
    )


def _age(birth: date | None, today: date) -> int | None:
    if birth is None:
        return None
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def check(staged: Staged, rows: Rows, *, actor, today: date) -> None:
    """Add every cross-row and registry problem to ``staged.problems``."""
    problem_rows = {p.row for p in staged.problems if p.severity == "error"}
    index_of = {number: i for i, number in enumerate(staged.row_numbers)}
    rows.rejected |= {index_of[r] for r in problem_rows}
    _household_consistency(staged, rows)
    _regions(staged, rows, actor=actor)
    _person_rules(staged, rows, today=today)
    _duplicates_and_other_households(staged, rows)
    _numbers_held_elsewhere(staged, rows)
    _heads(staged, rows)
    _warnings(staged, rows)
    # A household with any rejected household-level problem loses all its rows.
    for i, key in enumerate(rows.key):
        if key in rows.households_rejected:
            rows.rejected.add(i)


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
    data = {"k": [f"{k[0]}|{k[1]}" if k else None for k in rows.key]}
    for j, col in enumerate(columns):
        data[f"c{j}"] = staged.raw[col.target].to_pylist()
    table = pa.table(data)
    distinct = ", ".join(
        f"count(DISTINCT coalesce(c{j}, '\x00')) AS d{j}" for j in range(len(columns))
    )
    having = " OR ".join(f"d{j} > 1" for j in range(len(columns)))
    con = duckdb.connect()
    con.register("t", table)
    # Only generated column aliases (c0, d0…) are interpolated, never file content.
    query = f"SELECT k, {distinct} FROM t WHERE k IS NOT NULL GROUP BY k HAVING {having}"  # noqa: S608
    conflicts = con.execute(query).fetchall()
    con.close()
    if not conflicts:
        return
    bad = {row[0]: [columns[j].header for j, d in enumerate(row[1:]) if d > 1] for row in conflicts}
    for i, key in enumerate(rows.key):
        if key and f"{key[0]}|{key[1]}" in bad:
            for header in bad[f"{key[0]}|{key[1]}"]:
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
    codes = {r for r in rows.values["household.region"] if r}
    known = dict(Region.objects.filter(code__in=codes).values_list("code", "level"))
    header = "行政区划代码"
    for i, code in enumerate(rows.values["household.region"]):
        if not code or not code.isdigit() or len(code) != 12:
            continue  # already reported by the staging stage
        if code not in known:
            _reject(staged, rows, i, header, code, "行政区划代码在系统中不存在", household=True)
        elif known[code] not in ("village", "group"):
            _reject(staged, rows, i, header, code, "行政区划代码应为村（社区）级", household=True)
        elif actor is not None and not scope.region_in_scope(actor, code):
            _reject(staged, rows, i, header, code, "该村不在您的管辖范围内", household=True)


def _person_rules(staged: Staged, rows: Rows, *, today: date) -> None:
    rules = check_rules()
    v = rows.values
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
    for i in range(rows.n):
        age = rows.age[i]
        if age is not None:
            for header, column, low, high in required_by_age:
                if low <= age <= high and not v[column][i]:
                    _reject(
                        staged, rows, i, header, "", f"{age} 岁，{header}必填（{low}–{high} 岁）"
                    )
        death = v["person.death_date"][i]
        if death is not None:
            if death > today:
                _reject(staged, rows, i, "死亡日期", death, "死亡日期不能晚于今天")
            elif rows.birth[i] and death < rows.birth[i]:
                _reject(staged, rows, i, "死亡日期", death, "死亡日期早于出生日期")
        if v["person.disability_level"][i] and v["person.health"][i] != c.Health.DISABLED:
            _reject(
                staged,
                rows,
                i,
                "残疾等级",
                v["person.disability_level"][i],
                "填写了残疾等级，健康状况应为“残疾”",
            )
        income_filled = any(
            v[col.target][i] is not None for col in INCOME_COLUMNS if col.name != "year"
        )
        if income_filled and v["income.year"][i] is None:
            _reject(staged, rows, i, "收入年度", "", "填写了收入，收入年度必填", household=True)
        kind = v["household.household_type"][i]
        if kind in c.POOR_TYPES and not v["household.main_cause"][i]:
            _reject(
                staged, rows, i, "主要致贫原因", "", "贫困户必须填写主要致贫原因", household=True
            )
        ident, exit_year = v["household.identification_year"][i], v["household.exit_year"][i]
        if ident and exit_year and exit_year < ident:
            _reject(
                staged,
                rows,
                i,
                "脱贫年度",
                exit_year,
                f"脱贫年度早于识别年度 {ident}",
                household=True,
            )
        if kind == c.HouseholdType.EXITED and not exit_year:
            _reject(staged, rows, i, "脱贫年度", "", "脱贫户必须填写脱贫年度", household=True)
        main, others = v["household.main_cause"][i], v["household.other_causes"][i] or []
        if main and main in others:
            _reject(
                staged,
                rows,
                i,
                "其他致贫原因",
                "、".join(others),
                "其他致贫原因不能与主要致贫原因相同",
                household=True,
            )


def _duplicates_and_other_households(staged: Staged, rows: Rows) -> None:
    header = "证件号码"
    first_row: dict[str, int] = {}
    for i, id_hash in enumerate(rows.id_hash):
        if id_hash is None:
            continue
        if id_hash in first_row:
            j = first_row[id_hash]
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
        else:
            first_row[id_hash] = i
    existing = {}
    hashes = list(first_row)
    for chunk in chunks(hashes):
        existing.update(
            {
                h: (county, number, name)
                for h, county, number, name in Person.objects.filter(
                    id_hash__any_of=chunk, household__isnull=False
                ).values_list(
                    "id_hash",
                    "household__county_code",
                    "household__number",
                    "household__region__name",
                )
            }
        )
    for id_hash, i in first_row.items():
        if id_hash in existing and rows.key[i] is not None:
            county, number, village = existing[id_hash]
            if (county, number) != rows.key[i]:
                _reject(
                    staged,
                    rows,
                    i,
                    header,
                    rows.values["person.id_number"][i],
                    f"该人员已是{village}户编号 {number} 的成员，"
                    "一人不能同时属于两户；请先在原户登记迁出",
                )


def _numbers_held_elsewhere(staged: Staged, rows: Rows) -> None:
    """A 户编号 that already belongs to a household of another village is not this row's
    household: updating it would change a household the row does not describe (and perhaps
    one outside the importer's scope). Moving a household between villages is an event of
    its own, not an import."""
    keys = sorted({k for k in rows.key if k is not None})
    held = {
        key: (row["region_id"], row["region__name"])
        for key, row in households_by_key(keys, ["region_id", "region__name"]).items()
    }
    for i, key in enumerate(rows.key):
        if key in held and held[key][0] != rows.values["household.region"][i]:
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


def _heads(staged: Staged, rows: Rows) -> None:
    heads: dict[tuple[str, str], list[int]] = defaultdict(list)
    members: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, key in enumerate(rows.key):
        if key is None:
            continue
        members[key].append(i)
        if rows.values["person.relation"][i] == c.Relation.HEAD:
            heads[key].append(i)
    existing_heads = _existing_heads([k for k in members if not heads.get(k)])
    for key, indices in members.items():
        count = len(heads.get(key, []))
        if count > 1:
            for i in heads[key]:
                _reject(
                    staged,
                    rows,
                    i,
                    "与户主关系",
                    "户主",
                    f"户编号 {key[1]} 有 {count} 个户主，应只有一个",
                    household=True,
                )
        elif count == 0 and key not in existing_heads:
            _reject(
                staged,
                rows,
                indices[0],
                "与户主关系",
                "",
                f"户编号 {key[1]} 没有户主",
                household=True,
            )


def _existing_heads(keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    return set(households_by_key(keys, [], members__relation=c.Relation.HEAD))


def _warnings(staged: Staged, rows: Rows) -> None:
    """Flags that a person should look at, without rejecting anything."""
    rules = check_rules()
    v = rows.values
    by_household: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, key in enumerate(rows.key):
        if key is not None and i not in rows.rejected:
            by_household[key].append(i)
    for indices in by_household.values():
        first = indices[0]
        parts = [
            v[f"income.{p}"][first] for p in ("wages", "business", "property_income", "transfers")
        ]
        costs = v["income.business_costs"][first]
        if all(p is not None for p in parts) and costs is not None and indices:
            per_capita = (sum(parts) - costs) / len(indices)
            if (
                per_capita <= rules.min_per_capita_net_income
                or per_capita > rules.max_per_capita_net_income
            ):
                _warn(
                    staged,
                    first,
                    "工资性收入",
                    f"{per_capita:.2f}",
                    f"人均纯收入 {per_capita:.2f} 元，不在 {rules.min_per_capita_net_income:g}–"
                    f"{rules.max_per_capita_net_income:g} 元之间，请核实",
                )
        if v["household.main_cause"][first] == c.Cause.ILLNESS and all(
            v["person.health"][i] == c.Health.HEALTHY for i in indices
        ):
            _warn(
                staged,
                first,
                "主要致贫原因",
                "因病",
                "主要致贫原因为因病，但全家成员健康状况均为健康，请核实",
            )
        if v["household.household_type"][first] == c.HouseholdType.POOR_TEKUN:
            for i in indices:
                age = rows.age[i]
                if (
                    age is not None
                    and rules.working_age_from <= age <= rules.working_age_to
                    and v["person.labour_capacity"][i]
                    in (c.LabourCapacity.ORDINARY, c.LabourCapacity.SKILLED)
                ):
                    _warn(
                        staged,
                        i,
                        "劳动能力",
                        v["person.labour_capacity"][i],
                        f"特困供养（五保）户有 {age} 岁有劳动能力的成员，请核实",
                    )


def _warn(staged: Staged, i: int, header: str, value: str, message: str) -> None:
    staged.problems.append(
        Problem(staged.row_numbers[i], header, value, message, severity="warning")
    )
