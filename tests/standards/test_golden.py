"""The golden set: households covering every value each criterion reads, evaluated on DuckDB
and on local Spark; the two must agree on every verdict, column by column."""

from __future__ import annotations

import random
from datetime import date

import pyarrow as pa
import pytest

from fupin.standards import engine, snapshot, spark

pytestmark = pytest.mark.skipif(not spark.available(), reason="pyspark is not installed")

KINDS = ["general", "poor_general", "poor_dibao", "poor_tekun", "exited", "unstable", "edge"]
SCHOOL = ["", None, "primary", "junior", "home_teaching", "dropped_out", "not_in_school"]
HEALTH = ["healthy", "chronic", "serious", "disabled", "", None]
FLAGS = [True, False, None]
GRADES = ["A", "B", "C", "D", "", None]


def golden(seed: int = 20, households: int = 400) -> snapshot.Snapshot:
    rng = random.Random(seed)
    hs, ms, incomes = [], [], []
    for hid in range(1, households + 1):
        province = rng.choice(["43", "43", "42", "99"])  # 99: no parameters at all
        # Every tenth household is in order, so that eligibility and risk elimination hold
        # for some: random values alone almost never meet all six criteria.
        good = hid % 10 == 0
        hs.append(
            {
                "household_id": hid,
                "household_number": f"{hid:04d}",
                "region_code": f"{province}0524100201",
                "province": province,
                "household_type": rng.choice(KINDS),
                "exited_before": rng.random() < 0.4,
                "food_clothing_secure": rng.choice(FLAGS),
                "housing_grade": rng.choice(GRADES),
                "housing_renovated": rng.choice(FLAGS),
                "water_safe": rng.choice(FLAGS),
            }
        )
        if good:
            hs[-1].update(
                province="43",
                region_code="430524100201",
                household_type=rng.choice(["poor_general", "unstable"]),
                food_clothing_secure=True,
                housing_grade="A",
                water_safe=True,
            )
            ms.append(
                {
                    "household_id": hid,
                    "birth_date": date(1970, 1, 1),
                    "death_date": None,
                    "member_from": date(2014, 1, 1),
                    "member_to": None,
                    "school_status": "",
                    "medical_insurance": True,
                    "health": "healthy",
                    "chronic_contract": None,
                }
            )
            incomes.append(
                {
                    "household_id": hid,
                    "wages": rng.choice([400001, 600000, 600001, 900000]),
                    "business": 0,
                    "property_income": 0,
                    "transfers": 0,
                    "business_costs": 0,
                    "rigid_spending": 0,
                }
            )
            continue
        for _ in range(rng.randint(0, 6)):
            born = date(rng.randint(1930, 2021), rng.randint(1, 12), rng.randint(1, 28))
            ms.append(
                {
                    "household_id": hid,
                    "birth_date": born,
                    "death_date": rng.choice(
                        [None, None, None, date(2020, 12, 31), date(2021, 1, 1)]
                    ),
                    "member_from": rng.choice(
                        [date(2014, 1, 1), date(2020, 12, 31), date(2021, 1, 1)]
                    ),
                    "member_to": rng.choice([None, None, date(2020, 12, 31), date(2021, 6, 1)]),
                    "school_status": rng.choice(SCHOOL),
                    "medical_insurance": rng.choice([True, True, False, None]),
                    "health": rng.choice(HEALTH),
                    "chronic_contract": rng.choice(FLAGS),
                }
            )
        if rng.random() < 0.85:
            # Around the line (4000 yuan) and the threshold (6000) on purpose.
            per = rng.choice([400000, 400001, 399999, 600000, 600001, rng.randint(-50000, 2000000)])
            incomes.append(
                {
                    "household_id": hid,
                    "wages": per * rng.randint(1, 5),
                    "business": rng.choice([0, 12345, None]) if rng.random() < 0.2 else 0,
                    "property_income": 0,
                    "transfers": rng.randint(0, 300000),
                    "business_costs": rng.randint(0, 100000),
                    "rigid_spending": rng.choice([0, 0, 5000000, rng.randint(0, 3000000)]),
                }
            )
    params = [
        {
            "province": "43",
            "poverty_line": 400000,
            "monitoring_threshold": 600000,
            "school_age_from": 7,
            "school_age_to": 15,
        },
        {
            "province": "42",
            "poverty_line": 420000,
            "monitoring_threshold": None,
            "school_age_from": 6,
            "school_age_to": 16,
        },
    ]
    return snapshot.Snapshot(
        2020,
        pa.Table.from_pylist(hs, schema=snapshot.HOUSEHOLDS),
        pa.Table.from_pylist(ms, schema=snapshot.MEMBERS),
        pa.Table.from_pylist(incomes, schema=snapshot.INCOMES),
        pa.Table.from_pylist(params, schema=snapshot.PARAMS),
    )


def test_duckdb_and_spark_give_identical_verdicts_on_the_golden_set():
    snap = golden()
    on_duckdb = engine.run(snap, engine="duckdb")
    on_spark = engine.run(snap, engine="spark")
    assert on_duckdb.num_rows == on_spark.num_rows == 400
    assert on_duckdb.schema == on_spark.schema
    for name in on_duckdb.column_names:
        assert on_duckdb.column(name).to_pylist() == on_spark.column(name).to_pylist(), name
    # The set exercises what it is meant to: every status of every criterion, both
    # outcomes of every check.
    rows = on_duckdb.to_pylist()
    for criterion in ("income", "food_clothing", "education", "medical", "housing", "water"):
        assert {r[criterion] for r in rows} == {"met", "not_met", "unknown"}, criterion
    for check in ("exit_eligible", "monitoring_candidate", "risk_eliminable"):
        assert {r[check] for r in rows} == {True, False, None}, check
    assert {r["monitoring_kind"] for r in rows} >= {"edge", "unstable", "sudden"}
