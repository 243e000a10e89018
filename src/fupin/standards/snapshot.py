"""A columnar snapshot of the registry for the rules: four Arrow tables with the columns the
checks read, nothing personal beyond them (no names, no ID numbers).

Amounts are whole fen (int64) and flags true/false/null, so that every engine computes the
same figures exactly. On PostgreSQL the rows leave the server as CSV through COPY and are
parsed by Arrow in C; on SQLite they are fetched in batches."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

import pyarrow as pa
import pyarrow.csv as pacsv
from django.db import connection

from fupin.registry import choices as c
from fupin.standards.parameters import Policy

HOUSEHOLDS = pa.schema(
    [
        ("household_id", pa.int64()),
        ("household_number", pa.string()),
        ("region_code", pa.string()),
        ("province", pa.string()),
        ("household_type", pa.string()),
        ("exited_before", pa.bool_()),
        ("food_clothing_secure", pa.bool_()),
        ("housing_grade", pa.string()),
        ("housing_renovated", pa.bool_()),
        ("water_safe", pa.bool_()),
    ]
)
MEMBERS = pa.schema(
    [
        ("household_id", pa.int64()),
        ("birth_date", pa.date32()),
        ("death_date", pa.date32()),
        ("member_from", pa.date32()),
        ("member_to", pa.date32()),
        ("school_status", pa.string()),
        ("medical_insurance", pa.bool_()),
        ("health", pa.string()),
        ("chronic_contract", pa.bool_()),
    ]
)
INCOMES = pa.schema(
    [
        ("household_id", pa.int64()),
        ("wages", pa.int64()),
        ("business", pa.int64()),
        ("property_income", pa.int64()),
        ("transfers", pa.int64()),
        ("business_costs", pa.int64()),
        ("rigid_spending", pa.int64()),
    ]
)
PARAMS = pa.schema(
    [
        ("province", pa.string()),
        ("poverty_line", pa.int64()),
        ("monitoring_threshold", pa.int64()),
        ("school_age_from", pa.int64()),
        ("school_age_to", pa.int64()),
    ]
)


@dataclass
class Snapshot:
    year: int
    households: pa.Table
    members: pa.Table
    incomes: pa.Table
    params: pa.Table
    # The figures the params table was made from, by province (kept with a stored run).
    policies: dict[str, Policy] = field(default_factory=dict)

    def tables(self) -> dict[str, pa.Table]:
        return {
            "households": self.households,
            "members": self.members,
            "incomes": self.incomes,
            "params": self.params,
        }

    @property
    def persons(self) -> int:
        return self.members.num_rows


def _fen(column: str) -> str:
    return f"CAST(ROUND({column} * 100) AS BIGINT)"


def _flag(column: str) -> str:
    # SQLite keeps booleans as 0/1; PostgreSQL as booleans. CSV and batches both carry 0/1.
    return f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN 1 ELSE 0 END"


_EXITED = c.HouseholdType.EXITED.value


def _households_sql(where: str) -> str:
    return f"""
SELECT h.id, h.number, h.region_id, substr(h.region_id, 1, 2), h.household_type,
       CASE WHEN h.exit_year IS NOT NULL OR x.household_id IS NOT NULL THEN 1 ELSE 0 END,
       {_flag("h.food_clothing_secure")}, h.housing_grade,
       {_flag("h.housing_renovated_or_relocated")}, {_flag("h.water_safe")}
FROM registry_household h
LEFT JOIN (SELECT DISTINCT household_id FROM registry_designation
           WHERE kind = '{_EXITED}') x ON x.household_id = h.id
WHERE {where}"""  # noqa: S608  (constants and placeholders only)


def _members_sql(where: str | None) -> str:
    # Everything (a national run): no join with households, no filter.
    household = "" if where is None else "JOIN registry_household h ON h.id = m.household_id"
    return f"""
SELECT m.household_id, p.birth_date, p.death_date, m.start, m."end", p.school_status,
       {_flag("p.medical_insurance")}, p.health, {_flag("p.chronic_contract")}
FROM registry_membership m
JOIN registry_person p ON p.id = m.person_id
{household}
WHERE {where or "TRUE"}"""  # noqa: S608


def _incomes_sql(where: str | None) -> str:
    parts = ", ".join(
        _fen(f"i.{f}")
        for f in ("wages", "business", "property_income", "transfers", "business_costs")
    )
    household = "" if where is None else "JOIN registry_household h ON h.id = i.household_id"
    return f"""
SELECT i.household_id, {parts}, {_fen("i.rigid_spending")}
FROM registry_householdincome i
{household}
WHERE i.year = %s AND {where or "TRUE"}"""  # noqa: S608


def take(
    year: int, *, region_prefix: str = "", household_ids: list[int] | None = None, policies
) -> Snapshot:
    """The registry of ``region_prefix`` (or of the listed households) as it stands, with
    the income of ``year``. ``policies`` maps province → Policy."""
    where, params = "h.region_id LIKE %s", [f"{region_prefix}%"]
    narrowing: str | None = where if region_prefix else None
    if household_ids is not None:
        marks = ", ".join(["%s"] * len(household_ids)) or "NULL"
        where, params = f"h.id IN ({marks})", list(household_ids)
        narrowing = where
    households = _query(_households_sql(where), params, HOUSEHOLDS)
    other = params if narrowing is not None else []
    members = _query(_members_sql(narrowing), other, MEMBERS)
    incomes = _query(_incomes_sql(narrowing), [year, *other], INCOMES)
    return Snapshot(year, households, members, incomes, params_table(policies), policies)


def params_table(policies: dict[str, Policy]) -> pa.Table:
    rows = []
    for province, p in sorted(policies.items()):
        rows.append(
            {
                "province": province,
                "poverty_line": _fen_value(p.poverty_line),
                "monitoring_threshold": _fen_value(p.monitoring_threshold),
                "school_age_from": None if p.school_age_from is None else int(p.school_age_from),
                "school_age_to": None if p.school_age_to is None else int(p.school_age_to),
            }
        )
    return pa.Table.from_pylist(rows, schema=PARAMS)


def yuan(fen: int | None) -> Decimal | None:
    """An amount of the snapshot and the verdicts (whole fen) in yuan, to the fen."""
    return None if fen is None else (Decimal(fen) / 100).quantize(Decimal("0.01"))


def _fen_value(value) -> int | None:
    return None if value is None else int((value * 100).to_integral_value())


def _query(sql: str, params: list, schema: pa.Schema) -> pa.Table:
    wire = pa.schema(
        [
            pa.field(f.name, pa.int8() if f.type == pa.bool_() else f.type, nullable=True)
            for f in schema
        ]
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.BytesIO()
            sql_text = connection.ops.compose_sql(sql, params) if params else sql
            with cursor.cursor.copy(f"COPY ({sql_text}) TO STDOUT (FORMAT csv)") as copy:
                for block in copy:
                    buffer.write(block)
            buffer.seek(0)
            if not buffer.getbuffer().nbytes:
                return schema.empty_table()
            table = pacsv.read_csv(
                buffer,
                read_options=pacsv.ReadOptions(column_names=wire.names),
                convert_options=pacsv.ConvertOptions(
                    column_types=wire, strings_can_be_null=False, quoted_strings_can_be_null=False
                ),
            )
        else:
            cursor.execute(sql, params)
            columns: list[list] = [[] for _ in wire]
            while batch := cursor.fetchmany(50_000):
                for values, column in zip(zip(*batch, strict=True), columns, strict=True):
                    column.extend(values)
            arrays = []
            for field, column in zip(wire, columns, strict=True):
                if pa.types.is_date32(field.type) and any(isinstance(v, str) for v in column):
                    arrays.append(pa.array(column, pa.string()).cast(pa.date32()))
                else:
                    arrays.append(pa.array(column, field.type))
            table = pa.Table.from_arrays(arrays, schema=wire)
    return table.cast(schema)
