"""Standards engine benchmark: the household checks over synthetic registries of 100k, 1M
and 10M persons, on DuckDB and on local Spark, beside (a) a hand-written DuckDB SQL query
giving the same verdicts (the limit) and (b) a straightforward pandas version (what an
analyst would write instead), all in the same run; plus the snapshot taken from PostgreSQL
and the single-household evaluation used on save.

    bash scripts/with-postgres.sh .venv/bin/python bench/evaluate_bench.py
    .venv/bin/python bench/evaluate_bench.py --persons 100000 1000000 --no-spark

Every alternative's verdicts are compared with the engine's before its time is printed."""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
YEAR = 2020
POOR = ["poor_general", "poor_dibao", "poor_tekun"]
KINDS = np.array(["general", *POOR, "exited", "unstable", "edge", "sudden"])
KIND_P = [0.55, 0.05, 0.02, 0.01, 0.3, 0.03, 0.03, 0.01]


def synthetic(persons: int, seed: int = 7):
    """Snapshot tables shaped like a rural county: ~3.4 persons a household."""
    from fupin.standards import snapshot

    rng = np.random.default_rng(seed)
    sizes = rng.choice([1, 2, 3, 4, 5, 6], p=[0.12, 0.22, 0.25, 0.22, 0.13, 0.06], size=persons)
    sizes = sizes[np.cumsum(sizes) <= persons]
    n_h = len(sizes)
    hid = np.arange(1, n_h + 1, dtype=np.int64)
    province = rng.choice(np.array(["43", "42"]), size=n_h)
    households = pa.table(
        {
            "household_id": hid,
            "household_number": pa.array(hid.astype(str)),
            "region_code": pa.array(np.char.add(province, "0524100201")),
            "province": pa.array(province),
            "household_type": pa.array(rng.choice(KINDS, p=KIND_P, size=n_h)),
            "exited_before": pa.array(rng.random(n_h) < 0.35),
            "food_clothing_secure": _flags(rng, n_h, 0.97, 0.01),
            "housing_grade": pa.array(
                rng.choice(
                    np.array(["A", "B", "C", "D", ""]), p=[0.4, 0.5, 0.05, 0.03, 0.02], size=n_h
                )
            ),
            "housing_renovated": _flags(rng, n_h, 0.7, 0.1),
            "water_safe": _flags(rng, n_h, 0.96, 0.01),
        },
        schema=snapshot.HOUSEHOLDS,
    )
    m_h = np.repeat(hid, sizes)
    n_m = len(m_h)
    birth = rng.integers(date(1935, 1, 1).toordinal(), date(2020, 6, 1).toordinal(), size=n_m)
    epoch = date(1970, 1, 1).toordinal()
    dead = rng.random(n_m) < 0.02
    members = pa.table(
        {
            "household_id": m_h,
            "birth_date": pa.array(birth - epoch, pa.int32()).cast(pa.date32()),
            "death_date": pa.array(
                np.where(dead, date(2020, 5, 1).toordinal() - epoch, 0), pa.int32(), mask=~dead
            ).cast(pa.date32()),
            "member_from": pa.array(
                np.full(n_m, date(2014, 1, 1).toordinal() - epoch), pa.int32()
            ).cast(pa.date32()),
            "member_to": pa.nulls(n_m, pa.date32()),
            "school_status": pa.array(
                rng.choice(
                    np.array(
                        [
                            "",
                            "primary",
                            "junior",
                            "senior",
                            "not_in_school",
                            "dropped_out",
                            "home_teaching",
                        ]
                    ),
                    p=[0.5, 0.15, 0.1, 0.05, 0.18, 0.01, 0.01],
                    size=n_m,
                )
            ),
            "medical_insurance": _flags(rng, n_m, 0.985, 0.005),
            "health": pa.array(
                rng.choice(
                    np.array(["healthy", "chronic", "serious", "disabled", ""]),
                    p=[0.8, 0.1, 0.03, 0.05, 0.02],
                    size=n_m,
                )
            ),
            "chronic_contract": _flags(rng, n_m, 0.85, 0.1),
        },
        schema=snapshot.MEMBERS,
    )
    has_income = rng.random(n_h) < 0.97
    i_h = hid[has_income]
    n_i = len(i_h)
    incomes = pa.table(
        {
            "household_id": i_h,
            "wages": rng.integers(0, 6_000_000, size=n_i),
            "business": rng.integers(0, 1_000_000, size=n_i),
            "property_income": rng.integers(0, 50_000, size=n_i),
            "transfers": rng.integers(0, 600_000, size=n_i),
            "business_costs": rng.integers(0, 400_000, size=n_i),
            "rigid_spending": rng.integers(0, 1_500_000, size=n_i),
        },
        schema=snapshot.INCOMES,
    )
    params = pa.Table.from_pylist(
        [
            {
                "province": "43",
                "poverty_line": 400000,
                "monitoring_threshold": 600000,
                "school_age_from": 7,
                "school_age_to": 15,
            },
            {
                "province": "42",
                "poverty_line": 400000,
                "monitoring_threshold": 600000,
                "school_age_from": 7,
                "school_age_to": 15,
            },
        ],
        schema=snapshot.PARAMS,
    )
    return snapshot.Snapshot(YEAR, households, members, incomes, params)


def _flags(rng, n, p_true, p_null):
    draw = rng.random(n)
    return pa.array(draw < p_true, mask=draw > 1 - p_null)


HAND_SQL = f"""
WITH m AS (
  SELECT m.household_id,
         {YEAR} - year(m.birth_date) AS age, m.school_status, m.medical_insurance,
         m.health, m.chronic_contract, p.school_age_from AS a0, p.school_age_to AS a1
  FROM members m JOIN households h USING (household_id) LEFT JOIN params p USING (province)
  WHERE m.member_from <= DATE '{YEAR}-12-31'
    AND (m.member_to IS NULL OR m.member_to > DATE '{YEAR}-12-31')
    AND (m.death_date IS NULL OR m.death_date > DATE '{YEAR}-12-31')),
agg AS (
  SELECT household_id, count(*) AS n,
    count(*) FILTER (WHERE age BETWEEN a0 AND a1 AND school_status IN ('dropped_out', 'not_in_school')) AS s_out,
    count(*) FILTER (WHERE age BETWEEN a0 AND a1 AND coalesce(school_status, '') = '') AS s_miss,
    count(*) FILTER (WHERE NOT medical_insurance OR (health = 'chronic' AND NOT chronic_contract)) AS med_no,
    count(*) FILTER (WHERE medical_insurance IS NULL OR (chronic_contract IS NULL AND (health = 'chronic' OR coalesce(health, '') = ''))) AS med_miss
  FROM m GROUP BY household_id),
v AS (
  SELECT h.household_id, h.household_number, h.region_code, h.household_type, h.exited_before,
    coalesce(a.n, 0) AS members_counted, p.poverty_line, p.monitoring_threshold, p.school_age_from,
    i.wages + i.business + i.property_income + i.transfers - i.business_costs AS net,
    i.rigid_spending, a.s_out, a.s_miss, a.med_no, a.med_miss,
    h.food_clothing_secure, h.housing_grade, h.housing_renovated, h.water_safe
  FROM households h LEFT JOIN params p USING (province) LEFT JOIN agg a USING (household_id)
  LEFT JOIN incomes i USING (household_id)),
w AS (
  SELECT *, CASE WHEN members_counted > 0 THEN sign(net) * ((abs(net) * 2 + members_counted) // (members_counted * 2)) END AS pc
  FROM v),
c AS (
  SELECT *,
    CASE WHEN pc IS NULL OR poverty_line IS NULL THEN 'unknown' WHEN pc > poverty_line THEN 'met' ELSE 'not_met' END AS income,
    CASE WHEN food_clothing_secure IS NULL THEN 'unknown' WHEN food_clothing_secure THEN 'met' ELSE 'not_met' END AS food_clothing,
    CASE WHEN coalesce(s_out, 0) > 0 THEN 'not_met' WHEN school_age_from IS NULL OR s_miss > 0 THEN 'unknown' ELSE 'met' END AS education,
    CASE WHEN coalesce(med_no, 0) > 0 THEN 'not_met' WHEN coalesce(med_miss, 0) > 0 THEN 'unknown' ELSE 'met' END AS medical,
    CASE WHEN housing_grade IN ('A', 'B') THEN 'met' WHEN housing_grade IN ('C', 'D') AND housing_renovated THEN 'met'
         WHEN housing_grade IN ('C', 'D') AND NOT housing_renovated THEN 'not_met' ELSE 'unknown' END AS housing,
    CASE WHEN water_safe IS NULL THEN 'unknown' WHEN water_safe THEN 'met' ELSE 'not_met' END AS water,
    coalesce(pc < monitoring_threshold, false) AS below, coalesce(rigid_spending > net, false) AS rigid
  FROM w),
d AS (
  SELECT *, (income = 'met' AND food_clothing = 'met' AND education = 'met' AND medical = 'met' AND housing = 'met' AND water = 'met') AS all_met,
    household_type IN ('poor_general', 'poor_dibao', 'poor_tekun') AS poor,
    household_type IN ('unstable', 'edge', 'sudden') AS monitored
  FROM c)
SELECT household_id, household_number, region_code, members_counted, net AS net_income, pc AS per_capita_net_income,
  income, food_clothing, education, medical, housing, water,
  CASE WHEN poor THEN all_met END AS exit_eligible,
  concat_ws(';', CASE WHEN income <> 'met' THEN 'income' END, CASE WHEN food_clothing <> 'met' THEN 'food_clothing' END,
    CASE WHEN education <> 'met' THEN 'education' END, CASE WHEN medical <> 'met' THEN 'medical' END,
    CASE WHEN housing <> 'met' THEN 'housing' END, CASE WHEN water <> 'met' THEN 'water' END) AS failed_criteria,
  CASE WHEN NOT poor AND NOT monitored AND monitoring_threshold IS NOT NULL THEN below OR rigid END AS monitoring_candidate,
  CASE WHEN NOT poor AND NOT monitored AND monitoring_threshold IS NOT NULL AND (below OR rigid)
       THEN CASE WHEN exited_before THEN 'unstable' WHEN below THEN 'edge' ELSE 'sudden' END END AS monitoring_kind,
  CASE WHEN NOT poor AND NOT monitored AND monitoring_threshold IS NOT NULL
       THEN concat_ws(';', CASE WHEN below THEN 'income_below_threshold' END, CASE WHEN rigid THEN 'rigid_spending' END) END AS monitoring_reasons,
  CASE WHEN monitored AND monitoring_threshold IS NOT NULL THEN all_met AND coalesce(pc > monitoring_threshold, false) END AS risk_eliminable
FROM d ORDER BY household_id
"""


def hand_sql(snap):
    import duckdb

    con = duckdb.connect()
    for name, table in snap.tables().items():
        con.register(name, table)
    return con.sql(HAND_SQL).to_arrow_table()


def pandas_version(snap):
    """What an analyst would write: merges, a groupby, row-wise rules with numpy."""
    import pandas as pd

    h = snap.households.to_pandas()
    m = snap.members.to_pandas(date_as_object=False)
    i = snap.incomes.to_pandas()
    p = snap.params.to_pandas()
    end = pd.Timestamp(YEAR, 12, 31)
    m = m[
        (m.member_from <= end)
        & (m.member_to.isna() | (m.member_to > end))
        & (m.death_date.isna() | (m.death_date > end))
    ]
    m = m.merge(h[["household_id", "province"]], on="household_id").merge(
        p, on="province", how="left"
    )
    age = YEAR - m.birth_date.dt.year
    in_age = (age >= m.school_age_from) & (age <= m.school_age_to)
    status = m.school_status.fillna("")
    m = m.assign(
        s_out=in_age & status.isin(["dropped_out", "not_in_school"]),
        s_miss=in_age & (status == ""),
        med_no=(m.medical_insurance == False)
        | ((m.health == "chronic") & (m.chronic_contract == False)),
        med_miss=m.medical_insurance.isna()
        | (m.chronic_contract.isna() & ((m.health == "chronic") | (m.health.fillna("") == ""))),
    )
    agg = (
        m.groupby("household_id")
        .agg(
            n=("s_out", "size"),
            s_out=("s_out", "sum"),
            s_miss=("s_miss", "sum"),
            med_no=("med_no", "sum"),
            med_miss=("med_miss", "sum"),
        )
        .reset_index()
    )
    v = (
        h.merge(p, on="province", how="left")
        .merge(agg, on="household_id", how="left")
        .merge(i, on="household_id", how="left")
    )
    n = v.n.fillna(0).astype("int64")
    net = v.wages + v.business + v.property_income + v.transfers - v.business_costs
    pc = np.sign(net) * ((net.abs() * 2 + n) // (n * 2))
    pc = pc.where(n > 0)

    def tri(flag):
        return np.where(flag.isna(), "unknown", np.where(flag == True, "met", "not_met"))

    out = pd.DataFrame({"household_id": v.household_id})
    out["income"] = np.where(
        pc.isna() | v.poverty_line.isna(),
        "unknown",
        np.where(pc > v.poverty_line, "met", "not_met"),
    )
    out["food_clothing"] = tri(v.food_clothing_secure)
    out["education"] = np.where(
        v.s_out.fillna(0) > 0,
        "not_met",
        np.where(v.school_age_from.isna() | (v.s_miss > 0), "unknown", "met"),
    )
    out["medical"] = np.where(
        v.med_no.fillna(0) > 0, "not_met", np.where(v.med_miss.fillna(0) > 0, "unknown", "met")
    )
    grade = v.housing_grade.fillna("")
    out["housing"] = np.where(
        grade.isin(["A", "B"]),
        "met",
        np.where(
            grade.isin(["C", "D"]) & (v.housing_renovated == True),
            "met",
            np.where(grade.isin(["C", "D"]) & (v.housing_renovated == False), "not_met", "unknown"),
        ),
    )
    out["water"] = tri(v.water_safe)
    crit = ["income", "food_clothing", "education", "medical", "housing", "water"]
    all_met = (out[crit] == "met").all(axis=1)
    poor = v.household_type.isin(POOR)
    out["exit_eligible"] = all_met.where(poor)
    out["failed_criteria"] = out[crit].apply(
        lambda r: ";".join(c for c in crit if r[c] != "met"), axis=1
    )
    return out


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return time.perf_counter() - start, value


def compare(engine_table, other: pa.Table, name: str):
    columns = [c for c in other.column_names if c in engine_table.column_names]
    for column in columns:
        a = engine_table.column(column).to_pylist()
        b = other.column(column).to_pylist()
        if a != b:
            bad = next(k for k, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
            raise SystemExit(f"{name} differs in {column} at row {bad}: {a[bad]!r} vs {b[bad]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--no-spark", action="store_true")
    parser.add_argument(
        "--only-database", action="store_true", help="only the PostgreSQL snapshot timings"
    )
    parser.add_argument(
        "--pandas-max", type=int, default=1_000_000, help="largest size pandas runs at (it is slow)"
    )
    parser.add_argument(
        "--db-persons",
        type=int,
        nargs="*",
        default=[1_000_000, 10_000_000],
        help="registries made in PostgreSQL for the snapshot timing (needs DATABASE_URL)",
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fupin.config.settings")
    os.environ.setdefault("FUPIN_SPARK_DRIVER_MEMORY", "12g")
    import django

    django.setup()
    from fupin.standards import engine, rules, spark

    rules.compiled(YEAR, "duckdb")
    use_spark = not args.no_spark and spark.available()
    if use_spark:
        rules.compiled(YEAR, "pyspark")
        engine.run(synthetic(1000), engine="spark")  # start the JVM outside the timings
    print(
        f"{'persons':>11} {'households':>11} {'duckdb s':>9} {'hand SQL s':>11} {'ratio':>6} {'pandas s':>9} {'×faster':>8} {'spark s':>8}"
    )
    results = {}
    for persons in [] if args.only_database else args.persons:
        snap = synthetic(persons)
        t_engine, verdicts = timed(engine.run, snap)
        t_hand, hand = timed(hand_sql, snap)
        compare(verdicts, hand, "hand-written SQL")
        t_pandas = None
        if persons <= args.pandas_max:
            t_pandas, frame = timed(pandas_version, snap)
            compare(
                verdicts,
                pa.Table.from_pandas(frame, preserve_index=False).select(
                    [
                        "household_id",
                        "income",
                        "food_clothing",
                        "education",
                        "medical",
                        "housing",
                        "water",
                        "failed_criteria",
                    ]
                ),
                "pandas",
            )
        t_spark = None
        if use_spark:
            t_spark, on_spark = timed(lambda s: engine.run(s, engine="spark"), snap)
            compare(verdicts, on_spark, "spark")
        results[persons] = t_engine
        print(
            f"{snap.members.num_rows:>11,} {snap.households.num_rows:>11,} {t_engine:>9.2f} {t_hand:>11.2f} {t_engine / t_hand:>6.2f} "
            + (
                f"{t_pandas:>9.2f} {t_pandas / t_engine:>8.1f} "
                if t_pandas
                else f"{'—':>9} {'—':>8} "
            )
            + (f"{t_spark:>8.2f}" if t_spark else f"{'—':>8}"),
            flush=True,
        )
    sizes = sorted(results)
    if len(sizes) >= 2:
        a, b = sizes[-2], sizes[-1]
        print(
            f"growth {a:,} → {b:,} persons: ×{results[b] / results[a]:.1f} time for ×{b / a:.0f} persons"
        )
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        for i, persons in enumerate(args.db_persons):
            database_run(persons)
            if i == 0:  # a county-sized registry (the first size)
                household_on_save()


# --- The snapshot from PostgreSQL -------------------------------------------------------
# A registry of N persons is made on the server (INSERT … SELECT over generate_series):
# loading it through the import would take longer than everything measured here.


def _filler(model, overrides: dict[str, str]) -> tuple[str, str]:
    """Column list and SELECT expressions for every NOT NULL column of ``model``."""
    names, values = [], []
    for f in model._meta.concrete_fields:
        column = f.column
        if column in overrides:
            names.append(f'"{column}"')
            values.append(overrides[column])
        elif not f.null and not f.primary_key:
            kind = f.get_internal_type()
            default = {
                "CharField": "''",
                "TextField": "''",
                "BooleanField": "false",
                "DateTimeField": "now()",
                "DateField": "DATE '2000-01-01'",
                "JSONField": "'[]'::jsonb",
                "BinaryField": "''::bytea",
            }.get(kind, "0")
            names.append(f'"{column}"')
            values.append(default)
    return ", ".join(names), ", ".join(values)


def fill_postgres(persons: int) -> None:
    from django.db import connection

    from fupin.registry.models import Household, HouseholdIncome, Membership, Person

    households = persons * 10 // 34  # about 3.4 persons a household
    kinds = "(ARRAY['general','general','general','exited','exited','poor_general','poor_dibao','unstable','edge','general'])[1 + (i % 10)]"
    h_cols, h_vals = _filler(
        Household,
        {
            "id": "i",
            "region_id": "'430524100201'",
            "county_code": "'430524'",
            "number": "i::text",
            "household_type": kinds,
            "food_clothing_secure": "random() < 0.97",
            "water_safe": "random() < 0.96",
            "housing_grade": "(ARRAY['A','B','B','C','D'])[1 + (i % 5)]",
            "housing_renovated_or_relocated": "random() < 0.7",
        },
    )
    p_cols, p_vals = _filler(
        Person,
        {
            "id": "i",
            "household_id": f"1 + (i % {households})",
            "region_id": "'430524100201'",
            "id_hash": "md5(i::text)",
            "name": "'某'",
            "birth_date": "DATE '1935-01-01' + ((i::bigint * 7919) % 31000)::int",
            "school_status": "(ARRAY['','primary','junior','not_in_school','','senior'])[1 + (i % 6)]",
            "medical_insurance": "random() < 0.985",
            "health": "(ARRAY['healthy','healthy','chronic','disabled'])[1 + (i % 4)]",
            "chronic_contract": "random() < 0.9",
        },
    )
    m_cols, m_vals = _filler(
        Membership,
        {
            "person_id": "i",
            "household_id": f"1 + (i % {households})",
            "start": "DATE '2014-01-01'",
        },
    )
    i_cols, i_vals = _filler(
        HouseholdIncome,
        {
            "household_id": "i",
            "year": str(YEAR),
            "wages": "(random() * 60000)::numeric(12,2)",
            "business": "(random() * 10000)::numeric(12,2)",
            "property_income": "0",
            "transfers": "(random() * 6000)::numeric(12,2)",
            "business_costs": "(random() * 4000)::numeric(12,2)",
            "rigid_spending": "(random() * 15000)::numeric(12,2)",
        },
    )
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")  # a bench database: no FK triggers
        for table, cols, vals, n in (
            ("registry_household", h_cols, h_vals, households),
            ("registry_person", p_cols, p_vals, persons),
            ("registry_membership", m_cols, m_vals, persons),
            ("registry_householdincome", i_cols, i_vals, households),
        ):
            cursor.execute(
                f"INSERT INTO {table} ({cols}) SELECT {vals} FROM generate_series(1, {n}) AS i"
            )
        cursor.execute("SET session_replication_role = origin")
    # Settle the tables (autovacuum would otherwise run over them during the timings).
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def database_run(persons: int) -> None:
    """Fresh database, N persons, then: snapshot, engine, both timed."""
    import psycopg
    from django.db import connection

    url = os.environ["DATABASE_URL"]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    connection.close()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS fupin_bench_eval")
        conn.execute("CREATE DATABASE fupin_bench_eval")
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = "fupin_bench_eval"
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from fupin.demo.load import demo_load

    demo_load(scale=0)
    start = time.perf_counter()
    fill_postgres(persons)
    filled = time.perf_counter() - start
    from fupin.standards import engine, parameters, snapshot

    policies = parameters.policies({"43"}, YEAR)
    t_snap, snap = timed(lambda: snapshot.take(YEAR, region_prefix="", policies=policies))
    t_run, verdicts = timed(engine.run, snap)
    print(
        f"postgresql {snap.members.num_rows:>11,} persons: snapshot {t_snap:.2f} s + duckdb {t_run:.2f} s"
        f" = {t_snap + t_run:.2f} s  ({verdicts.num_rows:,} verdicts; database filled in {filled:.0f} s)",
        flush=True,
    )


def household_on_save(samples: int = 50) -> None:
    """The single-household evaluation the household page runs, on the bench database."""
    from fupin.registry.models import Household
    from fupin.standards.engine import evaluate_household

    household = Household.objects.order_by("id").first()
    evaluate_household(household, YEAR)  # compile and open the connection once
    times = []
    for _ in range(samples):
        t, _v = timed(evaluate_household, household, YEAR)
        times.append(t)
    times.sort()
    print(
        f"one household on save: median {times[len(times) // 2] * 1000:.1f} ms, p90 {times[int(len(times) * 0.9)] * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
