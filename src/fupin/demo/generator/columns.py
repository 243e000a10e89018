"""A county's arrays as RecordBatches of the import template: every column a string, choice
columns as the Chinese labels of their Choices classes, 是/否 for yes/no, money with two
decimals, null where a value is unknown or does not apply."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from fupin.demo.generator import people as pp
from fupin.demo.generator.tree import CountyTree
from fupin.registry import choices as c
from fupin.registry.template import HEADERS

BATCH_ROWS = 100_000
SCHEMA = pa.schema([pa.field(header, pa.string()) for header in HEADERS])
YES_NO = pa.array(["否", "是"])
FIRST_YEAR = 2000


def _msgid(label) -> str:
    """The Chinese label as written in choices.py, whatever language is active."""
    if type(label) is str:
        return label
    from django.conf import settings

    if settings.configured:
        from django.utils import translation

        with translation.override("zh-hans"):
            return str(label)
    return str(label._args[0])  # a lazy translation proxy, outside a Django project


@functools.cache
def labels(choices: type, codes: tuple) -> pa.Array:
    """The labels of ``codes`` (in that order) of a Choices class."""
    by_code = {value: _msgid(label) for value, label in choices.choices}
    return pa.array([by_code[code] for code in codes])


def _take(table: pa.Array, index: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """``table[index]``, null where not ``valid``."""
    if valid is None:
        return table.take(pa.array(index))
    return table.take(pa.array(np.where(valid, index, 0), mask=~valid))


def _fixed(matrix: np.ndarray, valid: np.ndarray | None = None) -> pa.Array:
    """Strings from a byte matrix, one row each (all the same width)."""
    n, width = matrix.shape
    offsets = np.arange(0, (n + 1) * width, width, dtype=np.int32)
    validity = None if valid is None else pa.py_buffer(np.packbits(valid, bitorder="little"))
    return pa.Array.from_buffers(
        pa.string(),
        n,
        [validity, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(matrix).ravel())],
    )


def _variable(matrix: np.ndarray, lengths: np.ndarray) -> pa.Array:
    """Strings from the first ``lengths`` bytes of each row."""
    n, width = matrix.shape
    data = matrix[np.arange(width) < lengths[:, None]]
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    return pa.Array.from_buffers(
        pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(np.ascontiguousarray(data))]
    )


def _yuan(values: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(pa.array(values).cast(pa.string()), ".00", "")


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    out = np.empty((len(values), width), dtype=np.uint8)
    for j in range(width):
        out[:, j] = 48 + (values // 10 ** (width - 1 - j)) % 10
    return out


def _cause_pairs() -> pa.Array:
    """Every "其他致贫原因" text, indexed by (first + 1) * 13 + (second + 1)."""
    cause = [str(label) for label in labels(c.Cause, pp.CAUSES).to_pylist()]
    texts = []
    for i in range(-1, len(cause)):
        for j in range(-1, len(cause)):
            texts.append("、".join(cause[k] for k in (i, j) if k >= 0))
    return pa.array(texts)


def _household_columns(data: pp.CountyData, tree: CountyTree) -> dict[str, pa.Array]:
    nh = len(data.village)
    years = pa.array([str(y) for y in range(FIRST_YEAR, 2031)])
    groups = pa.array([f"第{k}组" for k in range(1, 101)])
    # County code and a serial of six digits (more only beyond a million households).
    width = max(6, len(str(nh)))
    serial = np.concatenate(
        [
            np.tile(np.frombuffer(data.county.code.encode(), np.uint8), (nh, 1)),
            _digits(data.serial, width),
        ],
        axis=1,
    )
    other = data.other_causes
    pair = (other[:, 0] + 1) * 13 + (other[:, 1] + 1)
    return {
        "行政区划代码": _take(pa.array(tree.village_codes), data.village),
        "村民小组": _take(groups, data.group_no - 1),
        "户编号": _fixed(serial),
        "户类型": _take(labels(c.HouseholdType, pp.HOUSEHOLD_TYPES), data.household_type),
        "识别年度": _take(years, data.identified - FIRST_YEAR, data.identified > 0),
        "脱贫年度": _take(years, data.exit_year - FIRST_YEAR, data.exit_year > 0),
        "主要致贫原因": _take(labels(c.Cause, pp.CAUSES), data.main_cause, data.main_cause >= 0),
        "其他致贫原因": _take(_cause_pairs(), pair, other[:, 0] >= 0),
        "收入年度": _take(years, np.full(nh, pp.INCOME_YEAR - FIRST_YEAR)),
        "工资性收入": _yuan(data.wages),
        "生产经营性收入": _yuan(data.business),
        "财产性收入": _yuan(data.property_income),
        "转移性收入": _yuan(data.transfers),
        "生产经营性支出": _yuan(data.business_costs),
        "刚性支出": _yuan(data.rigid),
        "住房安全等级": _take(labels(c.HousingGrade, pp.GRADES), data.grade),
        "危房改造或搬迁": _take(YES_NO, data.renovated.astype(np.int64)),
        "饮水安全": _take(YES_NO, data.water_safe.astype(np.int64)),
        "不愁吃不愁穿": _take(YES_NO, data.food_secure.astype(np.int64)),
        "联系电话": _fixed(data.phone, data.has_phone),
    }


def _person_columns(data: pp.CountyData, start: int, stop: int) -> dict[str, pa.Array]:
    s = slice(start, stop)
    months = data.months[s].astype(np.int64)
    work = data.work[s].astype(np.int64)
    pension = data.pension[s].astype(np.int64)
    disability = data.disability[s].astype(np.int64)
    return {
        "姓名": _variable(data.name[s], data.name_length[s]),
        "证件号码": _fixed(data.id_number[s]),
        "与户主关系": _take(labels(c.Relation, pp.RELATIONS), data.relation[s]),
        "民族": _take(pa.array(pp.ETHNICITIES), data.ethnicity[s]),
        "文化程度": _take(labels(c.Education, pp.EDUCATION), data.education[s]),
        "在校生状况": _take(labels(c.SchoolStatus, pp.SCHOOL), data.school[s]),
        "健康状况": _take(labels(c.Health, pp.HEALTH), data.health[s]),
        "残疾等级": _take(labels(c.DisabilityLevel, (1, 2, 3, 4)), disability - 1, disability > 0),
        "劳动能力": _take(labels(c.LabourCapacity, pp.LABOUR), data.labour[s]),
        "务工状况": _take(labels(c.WorkStatus, pp.WORK), work, work >= 0),
        "务工时间": _take(pa.array([str(m) for m in range(13)]), months, months >= 0),
        "基本医疗保险": _take(YES_NO, data.medical[s].astype(np.int64)),
        "大病保险": _take(YES_NO, data.serious_insurance[s].astype(np.int64)),
        "基本养老保险": _take(YES_NO, pension, pension >= 0),
        "慢病签约": _take(YES_NO, data.chronic_contract[s].astype(np.int64)),
        "死亡日期": pa.nulls(stop - start, pa.string()),
    }


def batches(
    data: pp.CountyData, tree: CountyTree, batch_rows: int = BATCH_ROWS
) -> Iterator[pa.RecordBatch]:
    """The county's rows in batches of about ``batch_rows`` persons, never splitting a
    household."""
    if batch_rows < pp.MAX_SIZE:
        raise ValueError(f"batch_rows must be at least {pp.MAX_SIZE}")
    households = _household_columns(data, tree)
    n = data.persons
    household_start = np.searchsorted(data.household, np.arange(len(data.village)))
    start = 0
    while start < n:
        stop = min(start + batch_rows, n)
        if stop < n:  # move the cut back to the start of the household it falls in
            stop = int(household_start[data.household[stop]])
        index = pa.array(data.household[start:stop])
        columns = {name: array.take(index) for name, array in households.items()}
        columns.update(_person_columns(data, start, stop))
        yield pa.RecordBatch.from_arrays([columns[h] for h in HEADERS], schema=SCHEMA)
        start = stop
