"""Stage 1: the sheet's text columns parsed into typed Arrow columns, with a problem for
every cell that does not parse, named by row, column and value."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
from django.db import models
from django.utils import translation

from fupin.core import idnumbers
from fupin.core import spreadsheets as ss
from fupin.core.import_report import Problem
from fupin.registry.models import HouseholdIncome
from fupin.registry.template import COLUMNS, Column

# Other spellings users type for the same choice, per column.
_ALIASES = {
    "labour_capacity": {"弱劳动力": "weak", "半劳动力": "weak"},
    "main_cause": {"其他": "other"},
}
MAX_LENGTH = {"name": 50, "group_name": 50, "number": 40, "ethnicity": 20}
YEAR_RANGE = (2000, 2100)
# Amounts must fit the income columns (digits before the point).
_AMOUNT = HouseholdIncome._meta.get_field("wages")
MONEY_LIMIT = 10 ** (_AMOUNT.max_digits - _AMOUNT.decimal_places)


class ImportFileError(Exception):
    """The file as a whole cannot be imported (exit code 2)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Staged:
    """Typed columns by template field name ("household.number" → array), the row numbers a
    user sees, and the problems found so far."""

    rows: int
    row_numbers: list[int]
    columns: dict[str, pa.Array] = field(default_factory=dict)
    raw: dict[str, pa.Array] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    present: set[str] = field(default_factory=set)

    def add(self, mask: pa.Array, column: Column, message, values: pa.Array | None = None) -> None:
        """Record ``message`` (text, or a function of the cell's text) for rows in ``mask``."""
        indices = pc.indices_nonzero(pc.fill_null(mask, False))
        if len(indices) == 0:
            return
        source = values if values is not None else self.raw[column.target]
        for index, text in zip(indices.to_pylist(), source.take(indices).to_pylist(), strict=True):
            text = "" if text is None else str(text)
            self.problems.append(
                Problem(
                    self.row_numbers[index],
                    column.header,
                    text,
                    message(text) if callable(message) else message,
                )
            )

    def value(self, target: str) -> pa.Array:
        return self.columns[target]


def stage(sheet: ss.Sheet) -> Staged:
    headers = sheet.headers
    missing = [c.header for c in COLUMNS if c.required and c.header not in headers]
    if missing:
        raise ImportFileError(f"缺少必需的列：{'、'.join(missing)}。请使用标准导入模板。")
    staged = Staged(rows=sheet.table.num_rows, row_numbers=sheet.row_numbers.to_pylist())
    empty = pa.nulls(staged.rows, pa.string())
    for column in COLUMNS:
        if column.header in headers:
            text = sheet.table.column(headers.index(column.header)).combine_chunks()
            staged.present.add(column.target)
        else:
            text = empty
        staged.raw[column.target] = text
        staged.columns[column.target] = _parse(staged, column, text)
    return staged


def _parse(staged: Staged, column: Column, text: pa.Array) -> pa.Array:
    blank = pc.is_null(text)
    if column.required:
        staged.add(blank, column, f"“{column.header}”不能为空")
    kind = column.kind
    if kind in ("text", "code"):
        limit = MAX_LENGTH.get(column.name)
        if limit:
            staged.add(pc.greater(pc.utf8_length(text), limit), column, f"超过 {limit} 个字")
        if kind == "code":
            staged.add(
                pc.invert(pc.match_substring_regex(text, r"^[0-9]{12}$")),
                column,
                lambda t: f"行政区划代码应为12位数字，实为“{t}”",
            )
        return text
    if kind == "int":
        values, errors = ss.parse_int_array(text)
        staged.add(errors, column, lambda t: f"应为整数，实为“{t}”")
        low, high = (0, 12) if column.name == "months_worked" else YEAR_RANGE
        out_of_range = pc.or_(pc.less(values, low), pc.greater(values, high))
        staged.add(out_of_range, column, f"应在 {low} 到 {high} 之间")
        return pc.if_else(pc.fill_null(out_of_range, False), None, values)
    if kind == "money":
        values, errors = ss.parse_number_array(text)
        staged.add(errors, column, lambda t: f"应为金额（元），实为“{t}”")
        negative = pc.less(values, 0)
        staged.add(negative, column, "金额不能为负数")
        # What the amount columns hold (14 digits, 2 after the point): larger would fail
        # in the database, without saying which cell.
        too_large = pc.greater_equal(values, MONEY_LIMIT - 0.005)  # as rounded to the fen
        staged.add(too_large, column, f"金额过大，应小于 {MONEY_LIMIT:,} 元")
        bad = pc.fill_null(pc.or_(negative, too_large), False)
        return pc.if_else(bad, None, values)
    if kind == "bool":
        values, errors = ss.parse_bool_array(text)
        staged.add(errors, column, lambda t: f"应填写“是”或“否”，实为“{t}”")
        return values
    if kind == "date":
        values, errors = ss.parse_date_array(text)
        staged.add(errors, column, lambda t: f"不是有效日期：“{t}”")
        return values
    if kind == "choice":
        # The template's values are the Chinese labels, whatever language the user reads.
        with translation.override("zh-hans"):
            labels = {str(label): str(value) for value, label in column.choices.choices}
        if column.name == "housing_grade":
            labels.update({"C": "C", "D": "D"})  # plain letters, as IMPORT_TEMPLATE.md writes
        # A few spellings users type for the same thing.
        labels.update(_ALIASES.get(column.name, {}))
        keys = pa.array(list(labels))
        codes = pa.array([str(v) for v in labels.values()])
        index = pc.index_in(text, value_set=keys)
        unknown = pc.and_(pc.invert(blank), pc.is_null(index))
        choices = "、".join(str(label) for _v, label in column.choices.choices)
        staged.add(unknown, column, lambda t: f"“{t}”不是规定的选项（可选：{choices}）")
        values = pc.take(codes, index)
        if issubclass(column.choices, models.IntegerChoices):
            # 残疾等级 is stored as a number: compare and write it as one.
            values = pc.cast(values, pa.int64())
        return values
    if kind == "choices":
        return _parse_multi(staged, column, text)
    if kind == "id":
        parsed = idnumbers.parse_array(text)
        bad = pc.and_(pc.invert(blank), pc.invert(parsed.column("ok").combine_chunks()))
        messages = parsed.column("error_message").combine_chunks()
        indices = pc.indices_nonzero(bad)
        if len(indices):
            texts = text.take(indices).to_pylist()
            for index, raw, message in zip(
                indices.to_pylist(), texts, messages.take(indices).to_pylist(), strict=True
            ):
                staged.problems.append(
                    Problem(staged.row_numbers[index], column.header, raw or "", message)
                )
        staged.columns["person.parsed_id"] = parsed
        return parsed.column("number").combine_chunks()
    if kind == "phone":
        digits = pc.replace_substring_regex(text, r"[\s\-－()（）]", "")
        ok = pc.match_substring_regex(digits, r"^(1[3-9][0-9]{9}|0[0-9]{9,11}|[0-9]{7,8})$")
        staged.add(
            pc.invert(ok), column, lambda t: f"联系电话应为11位手机号或带区号的固定电话，实为“{t}”"
        )
        return pc.if_else(pc.fill_null(ok, False), digits, None)
    raise AssertionError(f"unknown column kind {kind}")


def _parse_multi(staged: Staged, column: Column, text: pa.Array) -> pa.Array:
    # Distinct values are few (combinations of twelve causes): parse each once.
    with translation.override("zh-hans"):
        labels = {str(label): value for value, label in column.choices.choices}
    parsed: dict[str, tuple[list[str] | None, str]] = {}
    for value in pc.unique(text).to_pylist():
        if value is None:
            continue
        parts = ss.split_multi(value)
        unknown = [p for p in parts if p not in labels]
        if unknown:
            parsed[value] = (None, f"“{'、'.join(unknown)}”不是规定的致贫原因")
        elif len(parts) > 2:
            parsed[value] = (None, "其他致贫原因最多填两项")
        elif len(set(parts)) != len(parts):
            parsed[value] = (None, "其他致贫原因有重复")
        else:
            parsed[value] = ([labels[p] for p in parts], "")
    # Each row takes its distinct value's parse by position (a blank or bad one the empty
    # list after them), not in a loop over the rows.
    distinct = pa.array(list(parsed), pa.string())
    position = pc.fill_null(pc.index_in(text, value_set=distinct), len(parsed))
    lists = pa.array([*(parsed[t][0] or [] for t in parsed), []], pa.list_(pa.string()))
    bad = pa.array([t for t, (causes, _m) in parsed.items() if causes is None], pa.string())
    rows = pc.indices_nonzero(pc.fill_null(pc.is_in(text, value_set=bad), False))
    for index, t in zip(rows.to_pylist(), text.take(rows).to_pylist(), strict=True):
        staged.problems.append(Problem(staged.row_numbers[index], column.header, t, parsed[t][1]))
    return lists.take(position)
