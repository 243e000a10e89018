"""Running the rules: a snapshot in, one verdict per household out (an Arrow table with the
columns of ``rules.OUTPUT``), on embedded DuckDB or on Spark (``spark.py``)."""

from __future__ import annotations

import threading
from datetime import date
from functools import cache

import duckdb
import pyarrow as pa
from django.utils.translation import gettext as _

from fupin.standards import parameters, rules, snapshot

ENGINES = ("duckdb", "spark")


class EngineError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def run(snap: snapshot.Snapshot, *, engine: str = "duckdb") -> pa.Table:
    check_engine(engine)
    if engine == "spark":
        from fupin.standards import spark

        result = spark.run(snap.tables(), rules.compiled(snap.year, "pyspark"))
        return result.cast(_output_schema()) if result.num_rows else _output_schema().empty_table()
    con = duckdb.connect()
    try:
        for name, table in snap.tables().items():
            con.register(name, table)
        return con.sql(rules.compiled(snap.year, "duckdb")).to_arrow_table()
    finally:
        con.close()


def check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise EngineError(
            _("不支持的计算引擎：%(e)s（可选：%(all)s）") % {"e": engine, "all": "、".join(ENGINES)}
        )
    if engine == "spark":
        from fupin.standards import spark

        if not spark.available():
            raise EngineError(_("未安装 Spark：请安装 fupin[spark]（pyspark 与 Java 17）。"))


@cache
def _output_schema() -> pa.Schema:
    """The verdict columns' types, as DuckDB gives them: Spark's are cast to agree."""
    empty = snapshot.Snapshot(
        2020,
        snapshot.HOUSEHOLDS.empty_table(),
        snapshot.MEMBERS.empty_table(),
        snapshot.INCOMES.empty_table(),
        snapshot.PARAMS.empty_table(),
    )
    return run(empty).schema


def evaluate_area(year: int, region_code: str = "", *, engine: str = "duckdb", progress=None):
    """(snapshot, verdicts) of every household under ``region_code`` (all when empty)."""
    say = progress or (lambda message: None)
    check_engine(engine)
    say(_("正在读取农户数据"))
    snap = snapshot.take(
        year,
        region_prefix=prefix(region_code),
        policies=parameters.policies(provinces_of(region_code), year),
    )
    say(_("正在核验 %(n)s 户") % {"n": snap.households.num_rows})
    return snap, run(snap, engine=engine)


def prefix(region_code: str) -> str:
    """The code prefix shared by everything under a 12-digit region code."""
    from fupin.regions.codes import prefix as region_prefix

    return region_prefix(region_code) if region_code else ""


def provinces_of(region_code: str) -> set[str]:
    from fupin.regions.models import Region

    if region_code:
        return {region_code[:2]}
    codes = Region.objects.filter(level="province").values_list("code", flat=True)
    return {code[:2] for code in codes}


def evaluate_household(household, year: int | None = None) -> dict:
    """The verdict of one household, as the household page shows it (on DuckDB)."""
    year = year or default_year(household)
    province = household.region_id[:2]
    snap = snapshot.take(
        year,
        household_ids=[household.pk],
        policies={province: parameters.policy(province, year)},
    )
    con = _small_connection()
    for name, table in snap.tables().items():
        con.register(name, table)
    try:
        cursor = con.execute(rules.compiled(year, "duckdb"))
        names = [d[0] for d in cursor.description]
        rows = cursor.fetchall()
    finally:
        for name in snap.tables():
            con.unregister(name)
    return {"year": year, **dict(zip(names, rows[0], strict=True))} if rows else {"year": year}


_local = threading.local()


def _small_connection() -> duckdb.DuckDBPyConnection:
    """One DuckDB connection per thread for single households: opening one and starting
    its worker threads costs more than evaluating a household."""
    con = getattr(_local, "con", None)
    if con is None:
        con = _local.con = duckdb.connect()
        con.execute("SET threads = 1")
    return con


def default_year(household) -> int:
    """The latest year with income recorded for the household, else last year."""
    latest = household.incomes.order_by("-year").values_list("year", flat=True).first()
    return latest or date.today().year - 1


def warm_up(years: list[int] | None = None) -> threading.Thread:
    """Compile the rules of the latest income year and the recent years in the background,
    so that the first household page after a start does not wait for Ibis (about a second
    per year)."""
    this_year = date.today().year
    wanted = years or [this_year - 1, this_year]

    def compile_all() -> None:
        from django.db import connection
        from django.db.models import Max

        from fupin.registry.models import HouseholdIncome

        try:
            latest = HouseholdIncome.objects.aggregate(year=Max("year"))["year"]
        finally:
            connection.close()
        for year in dict.fromkeys([*([latest] if latest else []), *wanted]):
            rules.compiled(year, "duckdb")

    thread = threading.Thread(target=compile_all, name="fupin-rules-warm-up", daemon=True)
    thread.start()
    return thread
