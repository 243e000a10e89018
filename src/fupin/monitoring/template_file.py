"""The blank file a department fills in: its columns, drop-down lists for the closed ones,
and a sheet that explains each column and the rule that reads it."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import xlsxwriter

from fupin.accounts.roles import Department
from fupin.monitoring import warning_specs as specs

_KIND_TEXT = {"date": "日期，如 2026-03-01", "amount": "金额（元），如 5230.50", "text": "文字"}


def write_warning_template(department: str, target: str | Path | BinaryIO) -> None:
    """Write the template to a path or a binary file object."""
    spec = specs.spec_for(department)
    out = target if hasattr(target, "write") else str(Path(target))
    workbook = xlsxwriter.Workbook(
        out, {"strings_to_formulas": False, "strings_to_numbers": False, "in_memory": True}
    )
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    optional = workbook.add_format({"bold": True, "bg_color": "#EDEDED", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    sheet = workbook.add_worksheet(f"{Department(department).label}预警")
    columns = [
        specs.Column(specs.ID_COLUMN, "id", "text"),
        specs.Column(specs.NAME_COLUMN, "name", "text"),
        *spec.columns,
    ]
    for index, column in enumerate(columns):
        header = f"*{column.header}" if column.required else column.header
        sheet.write(0, index, header, required if column.required else optional)
        # ID numbers and codes must stay text: Excel would turn 18 digits into 4.3E+17.
        sheet.set_column(index, index, 20 if column.key == "id" else 14, text)
        if column.choices:
            sheet.data_validation(
                1, index, 100000, index, {"validate": "list", "source": list(column.choices)}
            )
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet("填写说明")
    notes.write_row(0, 0, ["列", "必填", "内容"], required)
    for row, column in enumerate(columns, start=1):
        content = _KIND_TEXT[column.kind]
        if column.choices:
            content = "从下拉列表选择：" + "、".join(column.choices)
        if column.key == "id":
            content = "18 位居民身份证号码（15 位旧号码也可），按此与建档立卡人员匹配"
        notes.write_row(row, 0, [column.header, "是" if column.required else "否", content])
    notes.write(len(columns) + 2, 0, "带 * 的列必须填写；其他列可以留空。每人每次一行。")
    notes.set_column(0, 0, 14)
    notes.set_column(2, 2, 70)
    workbook.close()
