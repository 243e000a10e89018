"""How fast county spreadsheets are read and their values parsed (fupin.core.spreadsheets).

Writes, into a temporary directory, a household-member CSV of 1,000,000 rows × 40 columns in
UTF-8 and in GB18030, and an .xlsx of 100,000 rows × 40 columns (shared strings, typed
numbers and dates, as Excel writes them); then prints the best and median of a few
read_sheet runs for each, and the time of every parse_*_array on 1,000,000 values against
its scalar twin. Targets: the CSV in a few seconds, the xlsx well under 10 s.

    .venv/bin/python bench/spreadsheet_read_bench.py [--rows N] [--xlsx-rows N] [--runs N]
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import xlsxwriter

from fupin.core import spreadsheets

HEADER = [
    "行政区划代码",
    "村民小组",
    "户编号",
    "户类型",
    "识别年度",
    "脱贫年度",
    "主要致贫原因",
    "其他致贫原因",
    "收入年度",
    "工资性收入",
    "生产经营性收入",
    "财产性收入",
    "转移性收入",
    "生产经营性支出",
    "刚性支出",
    "住房安全等级",
    "危房改造或搬迁",
    "饮水安全",
    "不愁吃不愁穿",
    "联系电话",
    "姓名",
    "证件号码(必填)",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "健康状况",
    "残疾等级",
    "劳动能力",
    "务工状况",
    "务工时间（月）",
    "基本医疗保险",
    "大病保险",
    "基本养老保险",
    "慢病签约",
    "死亡日期",
    "备注",
    "帮扶责任人",
    "帮扶措施",
    "核查人",
]
NUMERIC = {"识别年度", "脱贫年度", "收入年度", "务工时间（月）", "生产经营性收入", "财产性收入"}
BLOCK = 10_000  # distinct rows, repeated to the size asked for


def _person(rnd: random.Random, index: int) -> dict[str, object]:
    surname = rnd.choice("张王李赵刘陈杨黄周吴欧阳")
    return {
        "行政区划代码": f"4305241{rnd.randint(0, 99):02d}2{rnd.randint(0, 99):02d}",
        "村民小组": f"第{rnd.randint(1, 12)}组",
        "户编号": f"430524{index // 4:010d}",
        "户类型": rnd.choice(["一般户", "脱贫户", "脱贫不稳定户", "边缘易致贫户"]),
        "识别年度": rnd.randint(2014, 2020),
        "脱贫年度": rnd.choice([2016, 2017, 2018, 2019, 2020, None]),
        "主要致贫原因": rnd.choice(["因病", "因残", "因学", "缺劳力", "缺技术"]),
        "其他致贫原因": rnd.choice(["", "因残、缺技术", "缺资金;缺技术", "因学"]),
        "收入年度": 2023,
        "工资性收入": f"{rnd.randint(0, 90_000):,}",
        "生产经营性收入": rnd.randint(0, 20_000),
        "财产性收入": rnd.choice([0, 120, 300.5]),
        "转移性收入": f"{rnd.random() * 5000:.2f}",
        "生产经营性支出": str(rnd.randint(0, 3000)),
        "刚性支出": rnd.choice(["", "1,200", "3,500.50", "８００元"]),
        "住房安全等级": rnd.choice("ABCD"),
        "危房改造或搬迁": rnd.choice(["是", "否", ""]),
        "饮水安全": rnd.choice(["是", "否", "Y", "1"]),
        "不愁吃不愁穿": "是",
        "联系电话": f"1{rnd.randint(30, 99)}{rnd.randint(0, 99_999_999):08d}",
        "姓名": surname + rnd.choice(["伟", "芳", "秀英", "建国", "小明", "桂兰"]),
        "证件号码(必填)": f"430524{rnd.randint(1940, 2020)}{rnd.randint(1, 12):02d}"
        f"{rnd.randint(1, 28):02d}{rnd.randint(0, 9999):04d}",
        "与户主关系": rnd.choice(["户主", "配偶", "之子", "之女", "之孙子"]),
        "民族": rnd.choice(["汉族", "瑶族", "苗族"]),
        "文化程度": rnd.choice(["小学", "初中", "高中", "文盲或半文盲"]),
        "在校生状况": rnd.choice(["非在校生", "小学", "初中"]),
        "健康状况": rnd.choice(["健康", "长期慢性病", "残疾"]),
        "残疾等级": rnd.choice(["", "", "", "二级"]),
        "劳动能力": rnd.choice(["普通劳动力", "弱劳动力或半劳动力", "无劳动力"]),
        "务工状况": rnd.choice(["未务工", "县内务工", "省外务工"]),
        "务工时间（月）": rnd.randint(0, 12),
        "基本医疗保险": "是",
        "大病保险": rnd.choice(["是", "否"]),
        "基本养老保险": rnd.choice(["是", "否"]),
        "慢病签约": rnd.choice(["", "是"]),
        "死亡日期": rnd.choice(["", "", "", "", "2021-03-01", "2020/7/15", "2019年5月1日"]),
        "备注": rnd.choice(["", "", '外出"务工"', "住在\n村东头", "=1+1"]),
        "帮扶责任人": surname + "干部",
        "帮扶措施": "产业帮扶、就业帮扶",
        "核查人": "",
    }


def _block(rows: int) -> list[dict[str, object]]:
    rnd = random.Random(2024)
    return [_person(rnd, index) for index in range(rows)]


def write_csv(path: Path, rows: int) -> None:
    block = _block(BLOCK)
    columns = {
        name: pa.array(["" if p[name] is None else str(p[name]) for p in block], pa.string())
        for name in HEADER
    }
    table = pa.table(columns)
    repeated = pa.concat_tables([table] * (rows // BLOCK)).slice(0, rows)
    options = pacsv.WriteOptions(quoting_style="needed")
    pacsv.write_csv(repeated, str(path), write_options=options)


def transcode(source: Path, target: Path, encoding: str) -> None:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with source.open("rb") as reader, target.open("wb") as writer:
        while chunk := reader.read(16 << 20):
            writer.write(decoder.decode(chunk).encode(encoding))
        writer.write(decoder.decode(b"", final=True).encode(encoding))


def write_xlsx(path: Path, rows: int) -> None:
    block = _block(BLOCK)
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    death = HEADER.index("死亡日期")
    identity = HEADER.index("证件号码(必填)")
    for r in range(rows):
        person = block[r % BLOCK]
        values = ["" if person[name] is None else person[name] for name in HEADER]
        # Counties type some ID numbers as numbers and real dates in date cells.
        if r % 10 == 0:
            values[identity] = float(values[identity])
        row = r + 1
        for c, value in enumerate(values):
            if isinstance(value, str):
                if value:
                    sheet.write_string(row, c, value)
            else:
                sheet.write_number(row, c, value)
        if r % 7 == 0:
            sheet.write_datetime(row, death, dt.datetime(2021, 3, 1), date_format)
    workbook.close()


def timed(function, runs: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return min(times), statistics.median(times), result


def bench_read(label: str, path: Path, runs: int) -> spreadsheets.Sheet:
    best, median, sheet = timed(lambda: spreadsheets.read_sheet(path), runs)
    megabytes = path.stat().st_size / 2**20
    print(
        f"read_sheet {label:<22} {sheet.num_rows:>9,} rows × {len(sheet.headers)} cols "
        f"{megabytes:7.1f} MB  best {best:6.2f} s  median {median:6.2f} s  "
        f"{sheet.num_rows / best:>11,.0f} rows/s  {megabytes / best:6.1f} MB/s"
    )
    return sheet


def _each(parse, texts) -> list:
    return [_parsed_or_none(parse, text) for text in texts]


def _parsed_or_none(parse, text):
    try:
        return parse(text)
    except spreadsheets.ValueParseError:
        return None


def bench_parsers(sheet: spreadsheets.Sheet, runs: int) -> None:
    rnd = random.Random(7)
    dates = pa.array(
        [
            rnd.choice(["2019-03-01", "2019/3/1", "2019年3月1日", "20190301", "43525", "x", None])
            for _ in range(sheet.num_rows)
        ],
        pa.string(),
    )
    cases = [
        ("parse_bool_array", spreadsheets.parse_bool, sheet.table.column("饮水安全")),
        ("parse_number_array", spreadsheets.parse_number, sheet.table.column("工资性收入")),
        ("parse_int_array", spreadsheets.parse_int, sheet.table.column("务工时间")),
        ("parse_date_array", spreadsheets.parse_date, dates),
    ]
    for name, scalar, column in cases:
        array_parser = getattr(spreadsheets, name)
        best, median, (_, errors) = timed(lambda p=array_parser, c=column: p(c), runs)
        sample = column.slice(0, 100_000).to_pylist()

        scalar_best, _, _ = timed(lambda parse=scalar, texts=sample: _each(parse, texts), 1)
        scalar_per_value = scalar_best / len(sample)
        vector_per_value = best / len(column)
        print(
            f"{name:<20} {len(column):>9,} values  best {best:6.3f} s  median {median:6.3f} s  "
            f"errors {pc.sum(errors).as_py():>7,}  "
            f"scalar ×{scalar_per_value / vector_per_value:5.0f} slower per value"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--xlsx-rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    print(f"python {sys.version.split()[0]}, pyarrow {pa.__version__}, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="fupin-bench-") as directory:
        folder = Path(directory)
        start = time.perf_counter()
        write_csv(folder / "utf8.csv", arguments.rows)
        transcode(folder / "utf8.csv", folder / "gb18030.csv", "gb18030")
        write_xlsx(folder / "members.xlsx", arguments.xlsx_rows)
        print(f"(fixtures written in {time.perf_counter() - start:.0f} s)")
        sheet = bench_read("csv utf-8", folder / "utf8.csv", arguments.runs)
        bench_read("csv gb18030", folder / "gb18030.csv", arguments.runs)
        bench_read("xlsx", folder / "members.xlsx", arguments.runs)
        bench_parsers(sheet, arguments.runs)


if __name__ == "__main__":
    main()
