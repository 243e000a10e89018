from __future__ import annotations

import re
import zipfile
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.test import RequestFactory
from python_calamine import CalamineWorkbook
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name

from fupin.core.idnumbers import is_valid
from fupin.registry.template import COLUMNS, HEADERS
from fupin.registry.template_file import (
    DATA_SHEET,
    FILENAME,
    INSTRUCTIONS_SHEET,
    OPTIONS_SHEET,
    write_template,
)
from fupin.registry.views_template import template_download

LISTED = [(index, col) for index, col in enumerate(COLUMNS) if col.kind in ("choice", "bool")]


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    return write_template(tmp_path_factory.mktemp("template") / "blank.xlsx")


def _rows(path, sheet: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


def _validations(path) -> list[dict[str, str]]:
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    found = re.findall(r"<dataValidation ([^>]*?)/?>(?:<formula1>([^<]*)</formula1>)?", xml)
    return [
        dict(re.findall(r'(\w+)="([^"]*)"', attrs), formula1=formula) for attrs, formula in found
    ]


def test_the_first_sheet_holds_the_headers_in_the_order_of_the_template(blank):
    workbook = CalamineWorkbook.from_path(str(blank))
    assert workbook.sheet_names[0] == DATA_SHEET
    assert workbook.get_sheet_by_index(0).to_python()[0] == HEADERS


def test_the_options_sheet_is_hidden_and_lists_every_label_of_every_choice_column(blank):
    metadata = {m.name: m for m in CalamineWorkbook.from_path(str(blank)).sheets_metadata}
    assert "Hidden" in str(metadata[OPTIONS_SHEET].visible)
    listed = {value for row in _rows(blank, OPTIONS_SHEET) for value in row if value}
    for col in COLUMNS:
        if col.kind == "choice":
            assert set(col.labels()) <= listed, col.header
    assert {"是", "否"} <= listed


def test_every_choice_and_bool_column_has_one_drop_down_over_rows_2_to_10001(blank):
    lists = [v for v in _validations(blank) if v.get("type") == "list"]
    expected = {f"{xl_col_to_name(i)}2:{xl_col_to_name(i)}10001" for i, _ in LISTED}
    assert sorted(v["sqref"] for v in lists) == sorted(expected)


def test_every_drop_down_refers_to_the_labels_on_the_options_sheet(blank):
    options = _rows(blank, OPTIONS_SHEET)
    by_range = {v["sqref"].split(":")[0]: v["formula1"] for v in _validations(blank)}
    for index, col in LISTED:
        sheet, cells = by_range[f"{xl_col_to_name(index)}2"].split("!")
        first, last = (xl_cell_to_rowcol(cell.replace("$", "")) for cell in cells.split(":"))
        assert sheet == OPTIONS_SHEET and first[1] == last[1]
        values = [options[row][first[1]] for row in range(first[0], last[0] + 1)]
        assert values == (["是", "否"] if col.kind == "bool" else col.labels()), col.header


def test_the_instructions_sheet_has_one_row_per_column(blank):
    rows = _rows(blank, INSTRUCTIONS_SHEET)
    start = next(i for i, row in enumerate(rows) if row[0] == "列名") + 1
    table = [row for row in rows[start:] if row[0]]
    assert [row[0] for row in table] == HEADERS
    required = {row[0] for row in table if row[1] == "是"}
    assert required == {col.header for col in COLUMNS if col.required}


def test_the_blank_template_has_no_data_rows(blank):
    assert len([row for row in _rows(blank, DATA_SHEET) if any(row)]) == 1


def test_example_rows_carry_valid_id_numbers_and_keep_leading_zeros(tmp_path):
    rows = _rows(write_template(tmp_path / "example.xlsx", example_rows=6), DATA_SHEET)
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert len(records) == 6
    assert all(is_valid(record["证件号码"]) for record in records)
    assert [record["户编号"] for record in records] == ["0001"] * 3 + ["0002"] * 3
    assert [record["与户主关系"] for record in records[:3]] == ["户主", "配偶", "之子"]


def test_the_download_is_an_xlsx_attachment_with_the_chinese_name():
    request = RequestFactory().get("/registry/template/")
    request.user = SimpleNamespace(is_authenticated=True)
    response = template_download(request)
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert f"filename*=utf-8''{quote(FILENAME)}" in response["Content-Disposition"]


def test_the_download_asks_an_anonymous_user_to_log_in():
    request = RequestFactory().get("/registry/template/")
    request.user = SimpleNamespace(is_authenticated=False)
    assert template_download(request).status_code == 302
