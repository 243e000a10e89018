"""The engine over the registry itself: snapshot, verdicts, the command line."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from typer.testing import CliRunner

from fupin.cli import app
from fupin.registry.importing import import_households
from fupin.registry.models import Household
from fupin.standards import spark
from fupin.standards.engine import evaluate_area, evaluate_household
from tests.registry.test_import import family, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(tree, tmp_path):
    poor = {"户类型": "一般贫困户", "主要致贫原因": "因病", "识别年度": "2015"}
    rows = [
        *family("0001", **poor),  # meets everything: 23700 / 3 = 7900 > 4000
        *family("0002", **poor, 饮水安全="否"),
        *family("0003", 工资性收入="5000", 转移性收入="0"),  # general, 7500/3 = 2500 < 6000
    ]
    rows[5]["在校生状况"] = "辍学"  # the child of 0002
    result = import_households(path=write_csv(tmp_path / "r.csv", rows), as_of=date(2026, 3, 1))
    assert result.rejected == 0, result.problems


def test_an_area_is_evaluated_household_by_household(registry):
    _snap, verdicts = evaluate_area(2025, "430524000000")
    by_number = {row["household_number"]: row for row in verdicts.to_pylist()}
    assert by_number["0001"]["exit_eligible"] is True
    assert by_number["0001"]["per_capita_net_income"] == 7900_00
    assert by_number["0002"]["exit_eligible"] is False
    assert by_number["0002"]["failed_criteria"] == "education;water"
    assert by_number["0003"]["exit_eligible"] is None
    assert (by_number["0003"]["monitoring_kind"], by_number["0003"]["monitoring_reasons"]) == (
        "edge",
        "income_below_threshold",
    )


def test_an_area_outside_has_no_households(registry):
    _snap, verdicts = evaluate_area(2025, "431123000000")
    assert verdicts.num_rows == 0


def test_one_household_is_evaluated_with_the_same_rules(registry):
    household = Household.objects.get(number="0002")
    verdict = evaluate_household(household)
    assert verdict["year"] == 2025
    assert (verdict["education"], verdict["water"], verdict["income"]) == (
        "not_met",
        "not_met",
        "met",
    )


def test_the_command_writes_one_row_per_household_and_a_summary(registry, tmp_path):
    out = tmp_path / "v.csv"
    result = CliRunner().invoke(
        app, ["evaluate", "--year", "2025", "--region", "430524000000", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert "households 3, poor 2, exit-eligible 1" in result.output
    with out.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
        "household_number",
        "region_code",
        "per_capita_net_income",
        "exit_eligible",
        "failed_criteria",
        "monitoring_candidate",
        "monitoring_kind",
        "monitoring_reasons",
        "risk_eliminable",
    ]
    first = next(r for r in rows if r["household_number"] == "0001")
    assert first["per_capita_net_income"] == "7900.00"
    assert (first["exit_eligible"], first["monitoring_candidate"]) == ("true", "")
    general = next(r for r in rows if r["household_number"] == "0003")
    assert (general["exit_eligible"], general["monitoring_candidate"]) == ("", "true")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year", "2025", "--region", "4305"], "12 位数字"),
        (["--year", "2010"], "年度"),
        (["--year", "2025", "--engine", "pandas"], "不支持的计算引擎"),
    ],
)
def test_bad_arguments_exit_2_in_chinese(registry, args, message):
    result = CliRunner().invoke(app, ["evaluate", *args])
    assert result.exit_code == 2 and message in result.output


@pytest.mark.skipif(not spark.available(), reason="pyspark is not installed")
def test_the_command_gives_the_same_file_on_spark(registry, tmp_path):
    files = {}
    for engine in ("duckdb", "spark"):
        files[engine] = tmp_path / f"{engine}.csv"
        result = CliRunner().invoke(
            app, ["evaluate", "--year", "2025", "--engine", engine, "--output", str(files[engine])]
        )
        assert result.exit_code == 0, result.output
    assert files["duckdb"].read_text() == files["spark"].read_text()
