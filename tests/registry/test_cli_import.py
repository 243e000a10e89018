"""The import and export commands as an operator runs them: one counts line, exit codes
0 / 3 / 2, a report of every problem."""

from __future__ import annotations

from datetime import date

import pytest
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from fupin.cli import app
from fupin.registry.models import Household
from tests.registry.test_import import family, write_csv

runner = CliRunner()
pytestmark = pytest.mark.django_db


def test_a_clean_import_prints_the_counts_and_exits_0(tree, tmp_path):
    path = write_csv(tmp_path / "h.csv", family("0001") + family("0002"))
    result = runner.invoke(app, ["import", "households", str(path), "--as-of", "2025-01-01"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines()[-1] == "read 6, written 6, unchanged 0, rejected 0"
    again = runner.invoke(app, ["import", "households", str(path)])
    assert again.output.strip().splitlines()[-1] == "read 6, written 0, unchanged 6, rejected 0"


def test_rejected_rows_exit_3_and_go_to_the_report(tree, tmp_path):
    rows = family("0001")
    rows[2]["务工时间"] = "十三"
    path = write_csv(tmp_path / "h.csv", rows)
    report = tmp_path / "report.xlsx"
    result = runner.invoke(app, ["import", "households", str(path), "--report", str(report)])
    assert result.exit_code == 3
    assert result.output.strip().splitlines()[-1] == "read 3, written 2, unchanged 0, rejected 1"
    sheet = CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    problems = [row for row in sheet[4:] if row and row[0] == 4]
    assert (
        problems
        and problems[0][1] == "务工时间"
        and problems[0][2] == "十三"
        and "整数" in problems[0][3]
    )


@pytest.mark.parametrize("content", [b"", b"PK\x03\x04garbage-not-a-zip", "姓名\n张三\n".encode()])
def test_an_unusable_file_exits_2_with_a_chinese_message(tree, tmp_path, content):
    path = tmp_path / "h.xlsx"
    path.write_bytes(content)
    result = runner.invoke(app, ["import", "households", str(path)])
    assert result.exit_code == 2
    assert "无法导入" in result.output


def test_the_template_command_writes_the_workbook(tmp_path):
    out = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["import", "template", str(out)]).exit_code == 0
    assert CalamineWorkbook.from_path(str(out)).sheet_names[0] == "家庭成员信息"


def test_export_then_import_round_trips_through_the_commands(tree, tmp_path):
    runner.invoke(
        app,
        [
            "import",
            "households",
            str(write_csv(tmp_path / "h.csv", family("0001"))),
            "--as-of",
            "2025-01-01",
        ],
    )
    out = tmp_path / "out.xlsx"
    exported = runner.invoke(
        app, ["export", "households", "--region", "430524", "--reveal", str(out)]
    )
    assert exported.exit_code == 0, exported.output
    again = runner.invoke(app, ["import", "households", str(out), "--as-of", str(date(2025, 1, 1))])
    assert again.output.strip().splitlines()[-1] == "read 3, written 0, unchanged 3, rejected 0", (
        again.output
    )
    assert Household.objects.count() == 1


def test_regions_load_counts_and_validates(tree, tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "code,name,parent_code,level\n"
        "430524100203,新村,430524100000,village\n"
        "430524100201,红星村,430524100000,village\n"
        "430524100299,坏村,430524999000,village\n"
        "43052410020,短码,430524100000,village\n",
        encoding="utf-8",
    )
    result = runner.invoke(app, ["regions", "load", str(path)])
    assert result.exit_code == 3
    assert result.output.strip().splitlines()[-1] == "read 4, written 1, unchanged 1, rejected 2"
