"""The blank household import template (家庭成员信息导入模板) as an .xlsx workbook.

Everything about the columns comes from :data:`fupin.registry.template.COLUMNS`, the same
definition the import reads by, so the template handed to counties cannot drift from what the
import accepts. The workbook has three sheets:

1. 家庭成员信息 — the sheet the import reads (it must stay first): the header row, every
   column formatted as text (so Excel keeps 18-digit ID numbers and 户编号 "0001" as typed),
   drop-downs on choice and 是/否 columns, and input hints and range checks elsewhere;
2. 选项 — hidden: one column per drop-down list, referenced by the validations (an inline
   list is limited to 255 characters in Excel);
3. 填写说明 — the general rules and one row per column: name, required, meaning, values.

The validations only warn: the import checks every value again and reports in Chinese.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import xlsxwriter
from django.utils import translation
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from fupin.core.idnumbers import check_character
from fupin.registry.template import COLUMNS, HOUSEHOLD_COLUMNS, Column

DATA_SHEET = "家庭成员信息"
OPTIONS_SHEET = "选项"
INSTRUCTIONS_SHEET = "填写说明"
FILENAME = "家庭成员信息导入模板.xlsx"
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Validations and the text format cover the header's row 1 plus this many data rows.
DATA_ROWS = 10_000
LAST_ROW = DATA_ROWS  # zero-based index of Excel row 10001

YES_NO = ["是", "否"]
INSTRUCTIONS_HEADER = ["列名", "是否必填", "说明", "可选值"]
PICK_FROM_LIST = "请从下拉列表中选择。确需填写其他内容时可点“是”保留，导入时会再次核对。"
DATE_HINT = "如 2019-03-01、2019/3/1 或 2019年3月1日"
ID_HINT = "18位身份证号，15位旧号码会自动升位"
YEAR_RANGE = (2000, 2100)
# Whole-number ranges by target; int columns named ...年度 are years (YEAR_RANGE).
INT_RANGES = {"person.months_worked": (0, 12)}

KIND_MEANINGS = {
    "text": "文字",
    "code": "数字代码，按文本填写",
    "int": "整数",
    "money": "金额（元/年，全户合计），可带千分位",
    "bool": "填“是”或“否”",
    "date": "日期，" + DATE_HINT,
    "choice": "从下拉列表中选择",
    "choices": "从可选值中填写，也可用逗号、分号或空格分隔",
    "id": "15位旧身份证号会自动升为18位",
    "phone": "11位手机号或固定电话",
}


def _rules() -> list[str]:
    first, last = HOUSEHOLD_COLUMNS[0].header, HOUSEHOLD_COLUMNS[-1].header
    return [
        f"每人一行，第一行为列名；“{DATA_SHEET}”必须是工作簿的第一个工作表。",
        f"户信息列（“{first}”至“{last}”）在同一户的每一行都要重复填写且完全一致；"
        "同户各行不一致时，该户所有行都会被拒绝。",
        "列的顺序可以调整；不认识的列会被忽略并提示；列名前后的空格、全角括号不影响识别。",
        "是/否列填“是”或“否”，也可填 Y/N、1/0、true/false。",
        "数字可带千分位分隔符，也可用全角数字。",
        f"日期{DATE_HINT}，也可以是 Excel 日期单元格。",
        "空白单元格表示“不详”；必填列不能空白。",
        "本表各列已设为文本格式，请勿改为数字或常规格式，以免身份证号变成科学计数、"
        "户编号丢失开头的0。",
        "另存为 CSV 时请用 UTF-8 编码（带不带 BOM 均可）；GB18030（GBK）编码的 CSV 也能读取。",
    ]


def write_template(path: str | Path, *, example_rows: int = 0) -> Path:
    """Write the standard import template to ``path`` (.xlsx); with ``example_rows``, that
    many rows of plausible example households (head, spouse, child) for the documentation."""
    path = Path(path)
    _write(str(path), example_rows=example_rows)
    return path


def template_bytes(*, example_rows: int = 0) -> bytes:
    """The same workbook as :func:`write_template`, in memory (for a download)."""
    buffer = io.BytesIO()
    _write(buffer, example_rows=example_rows)
    return buffer.getvalue()


def _write(target: str | io.BytesIO, *, example_rows: int) -> None:
    # The labels are lazy translations; the contract with the counties is Chinese whatever
    # language the user who downloads the template reads.
    with translation.override("zh-hans"):
        workbook = xlsxwriter.Workbook(
            target,
            {"strings_to_formulas": False, "strings_to_numbers": False, "in_memory": True},
        )
        formats = _Formats(workbook)
        data = workbook.add_worksheet(DATA_SHEET)
        options = workbook.add_worksheet(OPTIONS_SHEET)
        instructions = workbook.add_worksheet(INSTRUCTIONS_SHEET)
        sources = _write_options(options, formats)
        _write_data_sheet(data, formats, sources, example_rows)
        _write_instructions(instructions, formats)
        data.activate()
        workbook.close()


class _Formats:
    def __init__(self, workbook: xlsxwriter.Workbook):
        header = {"bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center"}
        header |= {"valign": "vcenter", "num_format": "@"}
        self.header = workbook.add_format(header)
        self.required = workbook.add_format(header | {"font_color": "#C00000"})
        self.text = workbook.add_format({"num_format": "@"})
        self.bold = workbook.add_format({"bold": True})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top", "num_format": "@"})
        self.table_header = workbook.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})


def _display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _values(col: Column) -> list[str]:
    if col.kind == "bool":
        return YES_NO
    return col.labels()


def _meaning(col: Column) -> str:
    level = "成员信息" if col.level == "person" else "户信息，同户各行相同"
    parts = [level, KIND_MEANINGS.get(col.kind, "")]
    if col.kind == "int":
        low, high = _int_range(col)
        if high is not None and f"{low}–{high}" not in col.note:
            parts[1] = f"{low}–{high}的整数"
    return "；".join(part for part in [*parts, col.note] if part)


def _required_label(col: Column) -> str:
    if col.required:
        return "是"
    return "视情况" if "必填" in col.note else "否"


def _int_range(col: Column) -> tuple[int, int | None]:
    if col.target in INT_RANGES:
        return INT_RANGES[col.target]
    if col.header.endswith("年度"):
        return YEAR_RANGE
    return 0, None


def _width(col: Column) -> int:
    minimum = {"id": 22, "code": 16, "phone": 14, "date": 12, "money": 12, "choices": 20}
    widest = max([_display_width(col.header), *map(_display_width, _values(col))])
    return min(max(widest + 2, minimum.get(col.kind, 10)), 26)


def _write_options(sheet, formats: _Formats) -> dict[str, str]:
    """One column per drop-down list, its header in row 1; returns the list's range formula
    by column header (every 是/否 column shares one list)."""
    lists: list[tuple[str, list[str]]] = [
        (col.header, col.labels()) for col in COLUMNS if col.kind == "choice"
    ]
    lists.append(("是/否", YES_NO))
    ranges = {}
    for index, (name, values) in enumerate(lists):
        sheet.write_string(0, index, name, formats.bold)
        for row, value in enumerate(values, start=1):
            sheet.write_string(row, index, value, formats.text)
        sheet.set_column(index, index, max(map(_display_width, [name, *values])) + 2)
        letter = xl_col_to_name(index)
        ranges[name] = f"={OPTIONS_SHEET}!${letter}$2:${letter}${len(values) + 1}"
    sheet.hide()
    sources = {col.header: ranges[col.header] for col in COLUMNS if col.kind == "choice"}
    sources |= {col.header: ranges["是/否"] for col in COLUMNS if col.kind == "bool"}
    return sources


def _write_data_sheet(sheet, formats: _Formats, sources: dict[str, str], example_rows: int):
    for index, col in enumerate(COLUMNS):
        sheet.set_column(index, index, _width(col), formats.text)
        sheet.write_string(
            0, index, col.header, formats.required if col.required else formats.header
        )
        if col.required or col.note:
            prefix = "必填" if col.required else "选填"
            sheet.write_comment(
                0, index, f"{prefix}：{_meaning(col)}", {"x_scale": 1.6, "y_scale": 1.2}
            )
        validation = _validation(col, xl_rowcol_to_cell(1, index), sources)
        if validation:
            sheet.data_validation(1, index, LAST_ROW, index, validation)
    for row, values in enumerate(example_values(example_rows), start=1):
        for index, col in enumerate(COLUMNS):
            sheet.write_string(row, index, values.get(col.header, ""), formats.text)
    sheet.set_row(0, 22)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(example_rows, 0), len(COLUMNS) - 1)


def _validation(col: Column, cell: str, sources: dict[str, str]) -> dict | None:
    """The validation of one column; ``cell`` is its first data cell (relative formulas are
    written for it). Numbers are checked with a formula rather than Excel's whole-number and
    decimal rules, which reject numbers typed into a text-formatted cell."""
    title = col.header[:32]
    if col.kind in ("choice", "bool"):
        return {
            "validate": "list",
            "source": sources[col.header],
            "error_type": "warning",
            "error_title": title,
            "error_message": PICK_FROM_LIST,
        }
    if col.kind == "id":
        return {"validate": "any", "input_title": title, "input_message": ID_HINT}
    if col.kind == "date":
        return {"validate": "any", "input_title": title, "input_message": DATE_HINT}
    if col.kind == "choices":
        return {"validate": "any", "input_title": title, "input_message": "最多两项，用顿号、分隔"}
    number = f"--{cell}"
    if col.kind == "int":
        low, high = _int_range(col)
        upper = f",{number}<={high}" if high is not None else ""
        message = f"应填{low}–{high}的整数" if high is not None else f"应填不小于{low}的整数"
        formula = f"=AND(ISNUMBER({number}),{number}>={low}{upper},{number}=INT({number}))"
    elif col.kind == "money":
        message = "应填不小于0的金额（元）"
        formula = f"=AND(ISNUMBER({number}),{number}>=0)"
    else:
        return None
    return {
        "validate": "custom",
        "value": formula,
        "error_type": "warning",
        "error_title": title,
        "error_message": message,
    }


def _write_instructions(sheet, formats: _Formats) -> None:
    sheet.write_string(0, 0, "填写规则", formats.bold)
    row = 1
    for number, rule in enumerate(_rules(), start=1):
        sheet.merge_range(row, 0, row, 3, f"{number}. {rule}", formats.wrap)
        sheet.set_row(row, 30)
        row += 1
    row += 1
    sheet.write_row(row, 0, INSTRUCTIONS_HEADER, formats.table_header)
    for col in COLUMNS:
        row += 1
        cells = [col.header, _required_label(col), _meaning(col), "、".join(_values(col))]
        for index, value in enumerate(cells):
            sheet.write_string(row, index, value, formats.wrap)
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 48)
    sheet.set_column(3, 3, 60)


@dataclass(frozen=True)
class _Member:
    name: str
    relation: str
    born: date
    male: bool
    values: dict[str, str]


_HOUSEHOLD = {
    "行政区划代码": "430524100201",
    "村民小组": "第三村民小组",
    "户类型": "脱贫户",
    "识别年度": "2014",
    "脱贫年度": "2018",
    "主要致贫原因": "因病",
    "其他致贫原因": "缺技术、缺资金",
    "收入年度": "2023",
    "工资性收入": "36000",
    "生产经营性收入": "8500",
    "财产性收入": "300",
    "转移性收入": "4200",
    "生产经营性支出": "3000",
    "刚性支出": "2500",
    "住房安全等级": "A",
    "危房改造或搬迁": "否",
    "饮水安全": "是",
    "不愁吃不愁穿": "是",
}
_INSURED = {"基本医疗保险": "是", "大病保险": "是", "基本养老保险": "是", "民族": "汉族"}
_FAMILIES = [("王", "建国", "李", "秀英", "小明"), ("刘", "志强", "陈", "桂兰", "佳怡")]
_MEMBERS = [
    _Member(
        "{0}{1}",
        "户主",
        date(1972, 5, 16),
        True,
        {"文化程度": "初中", "在校生状况": "非在校生", "健康状况": "长期慢性病"}
        | {"劳动能力": "普通劳动力", "务工状况": "省外务工", "务工时间": "10", "慢病签约": "是"},
    ),
    _Member(
        "{2}{3}",
        "配偶",
        date(1975, 9, 3),
        False,
        {"文化程度": "小学", "在校生状况": "非在校生", "健康状况": "健康"}
        | {"劳动能力": "普通劳动力", "务工状况": "县内务工", "务工时间": "6", "慢病签约": "否"},
    ),
    _Member(
        "{0}{4}",
        "之子",
        date(2007, 11, 21),
        True,
        {"文化程度": "初中", "在校生状况": "高中", "健康状况": "健康"}
        | {"劳动能力": "无劳动力", "务工状况": "未务工", "务工时间": "0", "慢病签约": "否"},
    ),
]


def _id_number(born: date, sequence: int, male: bool) -> str:
    # The 17th digit is odd for men and even for women.
    first17 = f"430524{born:%Y%m%d}{sequence % 100:02d}{(sequence % 5) * 2 + int(male)}"
    return first17 + check_character(first17)


def example_values(count: int) -> list[dict[str, str]]:
    """``count`` example rows by header: households of head, spouse and child in turn."""
    rows = []
    for index in range(max(count, 0)):
        household, member = divmod(index, len(_MEMBERS))
        spec = _MEMBERS[member]
        family = _FAMILIES[household % len(_FAMILIES)]
        born = spec.born.replace(year=spec.born.year + household % 5)
        phone = f"138{7390_0000 + household * 37:08d}"
        rows.append(
            _HOUSEHOLD
            | {"户编号": f"{household + 1:04d}", "联系电话": phone}
            | _INSURED
            | spec.values
            | {
                "姓名": spec.name.format(*family),
                "证件号码": _id_number(born, household * 3 + member + 11, spec.male),
                "与户主关系": spec.relation,
            }
        )
    return rows
