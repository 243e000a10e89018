"""Reading county spreadsheets, and parsing their values (fupin.core.spreadsheets)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import struct
import zipfile
from decimal import Decimal

import pyarrow as pa
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from fupin.core import spreadsheets
from fupin.core.spreadsheets import (
    SpreadsheetError,
    ValueParseError,
    normalise_header,
    parse_bool,
    parse_bool_array,
    parse_date,
    parse_date_array,
    parse_int,
    parse_int_array,
    parse_number,
    parse_number_array,
    read_sheet,
    split_multi,
)

# ---------------------------------------------------------------------------------------------
# Fixture files


def write_xlsx(path, rows, *, first_row=0, first_col=0):
    """Rows of Python values into the first sheet; str is always written as text (never as a
    formula or a number), so the tests control what Excel stores."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("户成员")
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    datetime_format = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for r, row in enumerate(rows, start=first_row):
        for c, value in enumerate(row, start=first_col):
            if value is None:
                continue
            if isinstance(value, str):
                sheet.write_string(r, c, value)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, datetime_format)
            elif isinstance(value, dt.date):
                sheet.write_datetime(r, c, value, date_format)
            else:
                sheet.write_number(r, c, value)
    workbook.add_worksheet("说明").write_string(0, 0, "第二个工作表不读")
    workbook.close()
    return path


def write_csv(path, rows, encoding="utf-8", delimiter=","):
    with open(path, "w", encoding=encoding, newline="") as file:
        csv.writer(file, delimiter=delimiter).writerows(rows)
    return path


_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def compound_file(streams: dict[str, bytes], *, directory_last: bool = False) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors, no mini stream: every
    stream is padded to 4096 bytes). With directory_last the directory follows the streams,
    as in large encrypted workbooks."""
    size = 512
    padded = {}
    for name, data in streams.items():
        data = data.ljust(max(4096, len(data)), b"\0")
        padded[name] = data.ljust(-(-len(data) // size) * size, b"\0")
    data_sectors = sum(len(data) // size for data in padded.values()) + 1  # + directory
    fat_count = 1
    while fat_count * (size // 4) < data_sectors + fat_count:
        fat_count += 1
    fat = [_FAT_SECTOR] * fat_count
    next_sector = fat_count

    def chain(count):
        nonlocal next_sector
        start = next_sector
        fat.extend([*range(start + 1, start + count), _END])
        next_sector += count
        return start

    starts = {}
    directory_start = None
    if not directory_last:
        directory_start = chain(1)
    for name, data in padded.items():
        starts[name] = chain(len(data) // size)
    if directory_last:
        directory_start = chain(1)

    def entry(name, kind, start, length, right=_NO_STREAM, child=_NO_STREAM):
        raw = name.encode("utf-16-le") + b"\0\0"
        record = bytearray(128)
        record[: len(raw)] = raw
        struct.pack_into("<HBBIII", record, 64, len(raw), kind, 1, _NO_STREAM, right, child)
        struct.pack_into("<II", record, 116, start, length)
        return bytes(record)

    names = list(padded)
    directory = entry("Root Entry", 5, _END, 0, child=1)
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else _NO_STREAM
        directory += entry(name, 2, starts[name], len(padded[name]), right=right)
    directory = directory.ljust(size, b"\0")
    assert len(directory) == size, "the writer keeps to one directory sector"

    streams_data = b"".join(padded.values())
    body = streams_data + directory if directory_last else directory + streams_data
    fat += [_FREE] * (fat_count * (size // 4) - len(fat))
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIII", header, 40, 0, fat_count, directory_start, 0, 4096, _END, 0)
    struct.pack_into("<II", header, 68, _END, 0)
    difat = list(range(fat_count)) + [_FREE] * (109 - fat_count)
    struct.pack_into("<109I", header, 76, *difat)
    return bytes(header) + struct.pack(f"<{len(fat)}I", *fat) + body


def biff8_workbook(rows) -> bytes:
    """A BIFF8 Workbook stream with one sheet: str as LABEL, numbers as NUMBER, bool as
    BOOLERR, date as a NUMBER serial in a date format."""

    def record(kind, data=b""):
        return struct.pack("<HH", kind, len(data)) + data

    def label(text):
        return struct.pack("<HB", len(text), 1) + text.encode("utf-16-le")

    name = "户成员"
    xfs = record(0xE0, struct.pack("<HH", 0, 0) + bytes(16))  # 0: General
    xfs += record(0xE0, struct.pack("<HH", 0, 14) + bytes(16))  # 1: a built-in date format

    def globals_(sheet_offset):
        return (
            record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0, 0, 0, 0))
            + record(0x0042, struct.pack("<H", 1200))
            + xfs
            + record(
                0x0085,
                struct.pack("<IBB", sheet_offset, 0, 0)
                + bytes([len(name), 1])
                + name.encode("utf-16-le"),
            )
            + record(0x000A)
        )

    offset = len(globals_(0))
    width = max(len(row) for row in rows)
    sheet = record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0, 0, 0, 0))
    sheet += record(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                sheet += record(0x0204, struct.pack("<HHH", r, c, 0) + label(value))
            elif isinstance(value, bool):
                sheet += record(0x0205, struct.pack("<HHHBB", r, c, 0, int(value), 0))
            elif isinstance(value, dt.date):
                serial = (value - dt.date(1899, 12, 30)).days
                sheet += record(0x0203, struct.pack("<HHHd", r, c, 1, float(serial)))
            else:
                sheet += record(0x0203, struct.pack("<HHHd", r, c, 0, float(value)))
    sheet += record(0x000A)
    return globals_(offset) + sheet


def encrypted_workbook(*, directory_last: bool = False, package_size: int = 8192) -> bytes:
    """What Excel writes for a workbook with an opening password: an OLE2 file whose
    EncryptedPackage stream holds the encrypted .xlsx."""
    return compound_file(
        {
            "EncryptionInfo": b"\x04\x00\x04\x00" + bytes(200),
            "EncryptedPackage": bytes(package_size),
        },
        directory_last=directory_last,
    )


HOUSEHOLD_HEADER = ["户编号", "姓名", "证件号码", "与户主关系"]


def refusal(path, **kwargs) -> str:
    with pytest.raises(SpreadsheetError) as raised:
        read_sheet(path, **kwargs)
    return raised.value.message


# ---------------------------------------------------------------------------------------------
# xlsx


def test_an_xlsx_gives_the_first_sheet_as_strings_under_its_normalised_headers(tmp_path):
    path = write_xlsx(
        tmp_path / "成员.xlsx",
        [
            ["户编号", "姓名", "务工时间（月）", "识别年度"],
            ["H001", "张三", 6, 2019],
            ["H001", "李四", 0.5, 2019],
        ],
    )

    sheet = read_sheet(path)

    assert sheet.source_format == "xlsx"
    assert sheet.encoding is None
    assert sheet.headers == ["户编号", "姓名", "务工时间", "识别年度"]
    assert sheet.table.column_names == sheet.headers
    assert all(pa.types.is_string(field.type) for field in sheet.table.schema)
    assert sheet.table.to_pylist() == [
        {"户编号": "H001", "姓名": "张三", "务工时间": "6", "识别年度": "2019"},
        {"户编号": "H001", "姓名": "李四", "务工时间": "0.5", "识别年度": "2019"},
    ]


def test_row_numbers_match_what_excel_shows(tmp_path):
    path = write_xlsx(
        tmp_path / "成员.xlsx",
        [
            HOUSEHOLD_HEADER,
            ["H001", "张三", "430524199001011234", "户主"],
            [],
            ["H001", "李四", "430524199203041235", "配偶"],
            ["", "  ", "", ""],
            ["H002", "王五", "430524198805061236", "户主"],
        ],
    )

    sheet = read_sheet(path)

    assert sheet.row_numbers.type == pa.int64()
    assert sheet.row_numbers.to_pylist() == [2, 4, 6]
    assert sheet.table.column("姓名").to_pylist() == ["张三", "李四", "王五"]


def test_csv_row_numbers_count_records_as_excel_shows_them(tmp_path):
    path = tmp_path / "成员.csv"
    path.write_text(
        '户编号,姓名,备注\nH001,张三,"住在\n村东头"\n\nH001,李四,\nH002,王五,"a,b"\n',
        encoding="utf-8",
    )

    sheet = read_sheet(path)

    assert sheet.row_numbers.to_pylist() == [2, 4, 5]
    assert sheet.table.column("备注").to_pylist() == ["住在\n村东头", None, "a,b"]


def test_id_numbers_typed_as_numbers_in_excel_come_back_as_digits(tmp_path):
    path = write_xlsx(
        tmp_path / "成员.xlsx",
        [
            HOUSEHOLD_HEADER,
            ["H001", "张三", 4.30524199001011e17, "户主"],
            ["H001", "李四", 430524900101123, "配偶"],
        ],
    )

    ids = read_sheet(path).table.column("证件号码").to_pylist()

    # Excel keeps 15 significant digits of a number: the 18-digit ID is already damaged in the
    # file; it comes back as 18 digits (no exponent) for the check-digit test to flag.
    assert ids[0] == str(int(4.30524199001011e17))
    assert ids[0].isdigit() and len(ids[0]) == 18 and ids[0].startswith("430524199001")
    assert ids[1] == "430524900101123"


def test_workbook_cells_read_as_excel_shows_them(tmp_path):
    path = write_xlsx(
        tmp_path / "值.xlsx",
        [
            ["年度", "收入", "小数", "日期", "时刻", "是否", "否", "噪声", "很小"],
            [
                2019.0,
                1234.5,
                -0.25,
                dt.date(2019, 3, 1),
                dt.datetime(2019, 3, 1, 8, 30),
                True,
                False,
                0.1 + 0.2,
                0.00001,
            ],
        ],
    )

    row = read_sheet(path).table.to_pylist()[0]

    assert row == {
        "年度": "2019",
        "收入": "1234.5",
        "小数": "-0.25",
        "日期": "2019-03-01",
        "时刻": "2019-03-01 08:30:00",
        "是否": "是",
        "否": "否",
        "噪声": "0.3",
        "很小": "0.00001",
    }


def test_header_notes_in_parentheses_are_ignored(tmp_path):
    path = write_xlsx(
        tmp_path / "成员.xlsx",
        [
            ["务工时间（月）", "证件号码(必填)", "*姓名", "与户主关系 *", "联系\n电话"],
            ["6", "1", "张三", "户主", "1"],
        ],
    )

    sheet = read_sheet(path)

    assert sheet.headers == ["务工时间", "证件号码", "姓名", "与户主关系", "联系电话"]
    assert sheet.raw_headers == [
        "务工时间（月）",
        "证件号码(必填)",
        "*姓名",
        "与户主关系 *",
        "联系\n电话",
    ]


@pytest.mark.parametrize(
    ("cell", "header"),
    [
        ("务工时间（月）", "务工时间"),
        ("证件号码(必填)", "证件号码"),
        ("\u3000 户编号 ", "户编号"),
        ("收入（元）*", "收入"),
        ("*姓名", "姓名"),
        ("（备注）", "(备注)"),
        ("", ""),
        (None, ""),
        (2019.0, "2019"),
    ],
)
def test_normalise_header(cell, header):
    assert normalise_header(cell) == header


def test_a_repeated_header_keeps_its_first_column_and_is_reported(tmp_path):
    path = write_xlsx(
        tmp_path / "成员.xlsx",
        [
            ["姓名", "证件号码", "姓名（曾用名）", "", "备注"],
            ["张三", "1", "张老三", "无表头", "x"],
        ],
    )

    sheet = read_sheet(path)

    assert sheet.headers == ["姓名", "证件号码", "备注"]
    assert sheet.duplicate_headers == ["姓名"]
    assert sheet.table.to_pylist() == [{"姓名": "张三", "证件号码": "1", "备注": "x"}]


def test_a_header_without_data_rows_gives_no_rows(tmp_path):
    sheet = read_sheet(write_xlsx(tmp_path / "空.xlsx", [HOUSEHOLD_HEADER]))

    assert sheet.headers == HOUSEHOLD_HEADER
    assert sheet.table.num_rows == 0
    assert len(sheet.row_numbers) == 0


def test_a_sheet_whose_first_row_is_empty_is_refused(tmp_path):
    path = write_xlsx(
        tmp_path / "成员.xlsx", [HOUSEHOLD_HEADER, ["H001", "张三", "1", "户主"]], first_row=2
    )

    assert refusal(path) == "第1行没有表头。"


def test_a_huge_sheet_is_read_in_batches_with_the_same_result(tmp_path, monkeypatch):
    rows = [HOUSEHOLD_HEADER] + [[f"H{i:03d}", f"人{i}", i * 1.0, "户主"] for i in range(300)]
    path = write_xlsx(tmp_path / "大.xlsx", rows, first_col=1)
    whole = read_sheet(path)

    monkeypatch.setattr(spreadsheets, "_WHOLE_SHEET_CELLS", 10)
    monkeypatch.setattr(spreadsheets, "_ROW_BATCH", 64)
    batched = read_sheet(path)

    assert batched.table.equals(whole.table)
    assert batched.row_numbers.equals(whole.row_numbers)
    assert batched.table.num_rows == 300
    assert batched.table.column("证件号码")[299].as_py() == "299"


def test_a_single_column_sheet_is_read(tmp_path):
    xlsx = write_xlsx(tmp_path / "名单.xlsx", [["姓名"], ["张三"], [None], ["李四"]])
    csv_path = write_csv(tmp_path / "名单.csv", [["姓名"], ["张三"], [], ["李四"]])

    for path in (xlsx, csv_path):
        sheet = read_sheet(path)
        assert sheet.table.column("姓名").to_pylist() == ["张三", "李四"]
        assert sheet.row_numbers.to_pylist() == [2, 4]


def test_formula_like_text_stays_text(tmp_path):
    cells = ["=1+2", "+86 138", "-5", "@SUM(A1)", '=HYPERLINK("http://x","点")']
    xlsx = write_xlsx(tmp_path / "注入.xlsx", [["a", "b", "c", "d", "e"], cells])
    csv_path = write_csv(tmp_path / "注入.csv", [["a", "b", "c", "d", "e"], cells])

    assert list(read_sheet(xlsx).table.to_pylist()[0].values()) == cells
    assert list(read_sheet(csv_path).table.to_pylist()[0].values()) == cells


# ---------------------------------------------------------------------------------------------
# xls and OLE2


def test_a_real_xls_is_read(tmp_path):
    path = tmp_path / "成员.xls"
    path.write_bytes(
        compound_file(
            {
                "Workbook": biff8_workbook(
                    [
                        ["户编号", "姓名", "证件号码（必填）", "识别年度", "死亡日期", "低保"],
                        ["H001", "张三", 4.30524199001011e17, 2016, dt.date(2019, 3, 1), True],
                        ["H001", " 李四 ", "430524199203041235", 2016.0, None, False],
                    ]
                )
            }
        )
    )

    sheet = read_sheet(path)

    assert sheet.source_format == "xls"
    assert sheet.headers == ["户编号", "姓名", "证件号码", "识别年度", "死亡日期", "低保"]
    assert sheet.table.to_pylist() == [
        {
            "户编号": "H001",
            "姓名": "张三",
            "证件号码": str(int(4.30524199001011e17)),
            "识别年度": "2016",
            "死亡日期": "2019-03-01",
            "低保": "是",
        },
        {
            "户编号": "H001",
            "姓名": "李四",
            "证件号码": "430524199203041235",
            "识别年度": "2016",
            "死亡日期": None,
            "低保": "否",
        },
    ]
    assert sheet.row_numbers.to_pylist() == [2, 3]


@pytest.mark.parametrize("directory_last", [False, True])
def test_a_password_protected_workbook_is_refused_in_chinese(tmp_path, directory_last):
    # With the directory after a 100 KB package, the name is not in the first 64 KB: it must be
    # found through the compound file's own directory.
    path = tmp_path / "upload-3f2a.tmp"
    path.write_bytes(encrypted_workbook(directory_last=directory_last, package_size=100_000))

    assert refusal(path, filename="成员.xlsx") == "工作簿设有密码保护，请取消密码后再导入。"


def test_an_ole2_document_that_is_not_a_workbook_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "通知.xls"
    path.write_bytes(compound_file({"WordDocument": b"\xec\xa5" + bytes(100)}))

    assert refusal(path) == "文件不是可识别的表格（支持 .xlsx、.xls 和 .csv）。"


# ---------------------------------------------------------------------------------------------
# Not a spreadsheet, damaged, too big


def test_a_png_renamed_xlsx_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "成员.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))

    assert refusal(path) == "文件不是可识别的表格（支持 .xlsx、.xls 和 .csv）。"


def test_a_pdf_renamed_csv_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "成员.csv"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")

    assert refusal(path) == "文件不是可识别的表格（支持 .xlsx、.xls 和 .csv）。"


def test_a_word_document_renamed_xlsx_is_not_a_spreadsheet(tmp_path):
    path = tmp_path / "成员.xlsx"
    with zipfile.ZipFile(path, "w") as package:
        package.writestr("word/document.xml", "<w:document/>")

    assert refusal(path) == "文件不是可识别的表格（支持 .xlsx、.xls 和 .csv）。"


def test_a_truncated_xlsx_is_reported_as_damaged(tmp_path):
    whole = write_xlsx(tmp_path / "whole.xlsx", [HOUSEHOLD_HEADER, ["H001", "张三", "1", "户主"]])
    path = tmp_path / "成员.xlsx"
    path.write_bytes(whole.read_bytes()[:2000])

    assert refusal(path).startswith("无法读取工作簿：")


def test_an_xlsx_with_a_broken_sheet_is_reported_as_damaged(tmp_path):
    source = write_xlsx(tmp_path / "whole.xlsx", [HOUSEHOLD_HEADER, ["H001", "张三", "1", "户主"]])
    path = tmp_path / "成员.xlsx"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as damaged:
        for item in original.infolist():
            data = original.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            damaged.writestr(item, data)

    assert refusal(path).startswith("无法读取工作簿：")


def test_the_format_is_decided_by_content_not_by_name(tmp_path):
    xlsx_in_temp_file = tmp_path / "upload-1.tmp"
    write_xlsx(xlsx_in_temp_file, [HOUSEHOLD_HEADER, ["H001", "张三", "1", "户主"]])
    csv_named_xlsx = write_csv(
        tmp_path / "成员.xlsx", [HOUSEHOLD_HEADER, ["H001", "张三", "1", "户主"]]
    )

    assert read_sheet(xlsx_in_temp_file, filename="成员.xlsx").source_format == "xlsx"
    assert read_sheet(csv_named_xlsx).source_format == "csv"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_html_saved_as_xls_is_explained(tmp_path, encoding):
    path = tmp_path / "导出.xls"
    path.write_text("\n<html><body><table><tr><td>姓名</td></tr></table></body></html>", encoding)

    assert refusal(path).startswith("文件是网页（HTML）或 XML 格式")


def test_an_empty_file_is_refused(tmp_path):
    path = tmp_path / "成员.csv"
    path.write_bytes(b"")

    assert refusal(path) == "文件是空的。"


def test_a_missing_file_is_refused_with_its_name(tmp_path):
    assert refusal(tmp_path / "upload.tmp", filename="成员.xlsx") == "找不到文件 成员.xlsx。"


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    path = write_csv(
        tmp_path / "成员.csv", [HOUSEHOLD_HEADER] + [["H001", "张三", "1", "户主"]] * 100
    )

    assert (
        refusal(path, max_bytes=1024) == "文件太大（2 KB），不能超过 1 KB。请把文件拆成几个再导入。"
    )


# ---------------------------------------------------------------------------------------------
# CSV


def test_a_gb18030_csv_is_read_with_its_chinese_intact(tmp_path):
    rows = [
        HOUSEHOLD_HEADER,
        ["H001", "张三", "430524199001011234", "户主"],
        ["H001", "欧阳䶮", "1", "之子"],
    ]
    path = write_csv(tmp_path / "成员.csv", rows, encoding="gb18030")

    sheet = read_sheet(path)

    assert sheet.encoding == "gb18030"
    assert sheet.headers == HOUSEHOLD_HEADER
    assert sheet.table.column("姓名").to_pylist() == ["张三", "欧阳䶮"]


def test_a_utf8_csv_with_a_bom_is_read_without_the_bom(tmp_path):
    path = write_csv(
        tmp_path / "成员.csv", [HOUSEHOLD_HEADER, ["H001", "张三", "1", "户主"]], "utf-8-sig"
    )

    sheet = read_sheet(path)

    assert sheet.encoding == "utf-8-sig"
    assert sheet.headers[0] == "户编号"


def test_a_plain_utf8_csv_is_read(tmp_path):
    path = write_csv(tmp_path / "成员.csv", [HOUSEHOLD_HEADER, ["H001", "张三", "1", "户主"]])

    sheet = read_sheet(path)

    assert (sheet.encoding, sheet.source_format) == ("utf-8", "csv")
    assert sheet.table.column("与户主关系").to_pylist() == ["户主"]


def test_a_gb18030_csv_that_looks_like_ascii_at_first_is_still_read(tmp_path):
    rows = [["code", "note"]] + [[str(i), "x" * 50] for i in range(3000)] + [["9999", "村东头"]]
    path = write_csv(tmp_path / "成员.csv", rows, encoding="gb18030")

    sheet = read_sheet(path)

    assert sheet.encoding == "gb18030"
    assert sheet.table.column("note")[-1].as_py() == "村东头"
    assert sheet.row_numbers[-1].as_py() == 3002


def test_a_csv_in_an_unknown_encoding_is_refused(tmp_path):
    path = tmp_path / "成员.csv"
    path.write_bytes(b"a,b\n1,\x80\xff\x80\xff\n")

    assert refusal(path) == "无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV 文件。"


def test_utf16_text_is_refused_with_the_encoding_advice(tmp_path):
    path = tmp_path / "成员.txt"
    path.write_bytes("姓名\t证件号码\n张三\t1\n".encode("utf-16"))

    assert refusal(path) == "无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV 文件。"


def test_a_csv_whose_first_line_is_blank_is_refused(tmp_path):
    path = tmp_path / "成员.csv"
    path.write_text("\n户编号,姓名\nH001,张三\n", encoding="utf-8")

    assert refusal(path) == "第1行没有表头。"


def test_short_rows_are_padded_and_long_rows_cut(tmp_path):
    path = tmp_path / "成员.csv"
    path.write_text(
        "户编号,姓名,备注\nH001,张三\nH002,李四,x,多余,多余\nH003,王五,y\n", encoding="utf-8"
    )

    sheet = read_sheet(path)

    assert sheet.table.to_pylist() == [
        {"户编号": "H001", "姓名": "张三", "备注": None},
        {"户编号": "H002", "姓名": "李四", "备注": "x"},
        {"户编号": "H003", "姓名": "王五", "备注": "y"},
    ]
    assert sheet.row_numbers.to_pylist() == [2, 3, 4]


def test_a_trailing_comma_on_every_row_is_harmless(tmp_path):
    lines = ["户编号,姓名"] + [f"H{i:04d},人{i}," for i in range(2000)]
    path = tmp_path / "成员.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    sheet = read_sheet(path)

    assert sheet.table.num_rows == 2000
    assert sheet.table.column("姓名")[1999].as_py() == "人1999"
    assert sheet.row_numbers.to_pylist() == list(range(2, 2002))


def test_cells_are_trimmed_and_blank_cells_are_null(tmp_path):
    path = write_csv(
        tmp_path / "成员.csv",
        [
            HOUSEHOLD_HEADER,
            ["\u3000H001 ", " 张三\xa0", "", "\t户主"],
            ["H001", "  ", "\u3000", "之子"],
        ],
    )

    assert read_sheet(path).table.to_pylist() == [
        {"户编号": "H001", "姓名": "张三", "证件号码": None, "与户主关系": "户主"},
        {"户编号": "H001", "姓名": None, "证件号码": None, "与户主关系": "之子"},
    ]


def test_leading_zeros_and_long_digit_strings_are_kept_in_csv(tmp_path):
    path = write_csv(
        tmp_path / "成员.csv", [["户编号", "证件号码"], ["0012", "430524199001011234"]]
    )

    assert read_sheet(path).table.to_pylist() == [
        {"户编号": "0012", "证件号码": "430524199001011234"}
    ]


def test_tab_separated_text_is_read(tmp_path):
    path = write_csv(
        tmp_path / "成员.txt", [HOUSEHOLD_HEADER, ["H001", "张,三", "1", "户主"]], delimiter="\t"
    )

    assert read_sheet(path).table.column("姓名").to_pylist() == ["张,三"]


def test_a_record_longer_than_a_read_block_is_refused_not_hung(tmp_path, monkeypatch):
    monkeypatch.setattr(spreadsheets, "_CSV_BLOCK", 1024)
    path = tmp_path / "成员.csv"
    path.write_text('户编号,姓名\nH001,"' + "张" * 5000 + "\nH002,李四\n", encoding="utf-8")

    assert refusal(path).startswith("无法读取 CSV 文件：")


def test_an_unbalanced_quote_does_not_hang(tmp_path):
    path = tmp_path / "成员.csv"
    path.write_text('户编号,姓名\nH001,"张三\nH002,李四\n', encoding="utf-8")

    sheet = read_sheet(path)

    assert sheet.table.num_rows == 1  # the rest of the file is one quoted cell, as in Excel


# ---------------------------------------------------------------------------------------------
# Values: examples


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是", True),
        ("否", False),
        ("Y", True),
        ("n", False),
        ("1", True),
        ("0", False),
        ("TRUE", True),
        ("False", False),
        ("有", True),
        ("无", False),
        (" 是\u3000", True),
        ("", None),
        (None, None),
    ],
)
def test_parse_bool(text, value):
    assert parse_bool(text) is value


def test_parse_bool_refuses_other_text_in_chinese():
    with pytest.raises(ValueParseError) as raised:
        parse_bool("不详")

    assert raised.value.message == "应填写“是”或“否”，实为 “不详”"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12,345.50", Decimal("12345.50")),
        ("１２３４", Decimal(1234)),
        ("－5", Decimal(-5)),
        (" 800元 ", Decimal(800)),
        ("1，000", Decimal(1000)),
        ("+3", Decimal(3)),
        (".5", Decimal("0.5")),
        ("", None),
        (None, None),
    ],
)
def test_parse_number(text, value):
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["1,5", "1,23,456", "abc", "1e5", "12元元", "--1", "元"])
def test_parse_number_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueParseError) as raised:
        parse_number(text)

    assert raised.value.message == f"应为数字，实为 “{text}”"


def test_parse_int_takes_whole_numbers_only():
    assert parse_int("1,200") == 1200
    assert parse_int("12.0") == 12
    with pytest.raises(ValueParseError) as raised:
        parse_int("12.5")
    assert raised.value.message == "应为整数，实为 “12.5”"


@pytest.mark.parametrize(
    "text",
    [
        "2019-03-01",
        "2019/3/1",
        "2019.3.1",
        "2019年3月1日",
        "20190301",
        "43525",
        "43525.75",
        "2019-03-01 00:00:00",
        "2019-03-01T08:30:00",
        "２０１９－０３－０１",
    ],
)
def test_parse_date_reads_every_accepted_form(text):
    assert parse_date(text) == dt.date(2019, 3, 1)


def test_excel_serials_count_the_leap_day_that_1900_did_not_have():
    assert parse_date("1") == dt.date(1900, 1, 1)
    assert parse_date("59") == dt.date(1900, 2, 28)
    assert parse_date("61") == dt.date(1900, 3, 1)
    assert parse_date("2958465") == dt.date(9999, 12, 31)
    for text in ["60", "0", "2958466"]:
        with pytest.raises(ValueParseError):
            parse_date(text)


@pytest.mark.parametrize(
    "text", ["2019-02-30", "2019-13-01", "2019.03", "2019/3", "昨天", "0000-01-01"]
)
def test_parse_date_refuses_what_is_not_a_date(text):
    with pytest.raises(ValueParseError) as raised:
        parse_date(text)

    assert raised.value.message == f"不是有效日期：“{text}”"


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("因病、因残", ["因病", "因残"]),
        ("因病,因残", ["因病", "因残"]),
        ("因病，因残", ["因病", "因残"]),
        ("因病；因残;缺技术", ["因病", "因残", "缺技术"]),
        ("因病 因残", ["因病", "因残"]),
        (" 因病、 ", ["因病"]),
        ("", []),
        (None, []),
    ],
)
def test_split_multi(text, parts):
    assert split_multi(text) == parts


def test_the_array_parsers_take_a_table_column():
    column = pa.chunked_array([["是", "x"], [None, "否"]])

    values, errors = parse_bool_array(column)

    assert values.to_pylist() == [True, None, None, False]
    assert errors.to_pylist() == [False, True, False, False]


# ---------------------------------------------------------------------------------------------
# Values: properties


def _scalar(parser, text):
    try:
        return parser(text), False
    except ValueParseError:
        return None, True


def assert_forms_agree(parser, array_parser, texts, convert=lambda value: value):
    values, errors = array_parser(pa.array(texts, pa.string()))
    expected = [_scalar(parser, text) for text in texts]
    assert errors.null_count == 0
    assert errors.to_pylist() == [error for _, error in expected]
    assert values.to_pylist() == [None if v is None else convert(v) for v, _ in expected]


_BLANKS = st.sampled_from(["", " ", "\u3000", "\t", "\xa0", " \u3000 "])
_JUNK = st.text(
    st.sampled_from("0123456789０１９,，.．-－+元 \u3000eE年月日/:T是否YyNn有无xX"), max_size=14
)


def _padded(strategy):
    return st.builds(lambda before, text, after: before + text + after, _BLANKS, strategy, _BLANKS)


_BOOL_TEXT = st.one_of(
    st.sampled_from(
        ["是", "否", "有", "无", "Y", "n", "yes", "NO", "1", "0", "True", "fAlSe", "İ", "K"]
    ),
    st.text(max_size=6),
)


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), _padded(_BOOL_TEXT)), max_size=40))
def test_parse_bool_and_parse_bool_array_agree(texts):
    assert_forms_agree(parse_bool, parse_bool_array, texts)


def _format_number(value: Decimal, separator: str, wide: bool, yuan: bool) -> str:
    sign = "-" if value < 0 else ""
    whole, _, fraction = f"{abs(value):f}".partition(".")
    groups = f"{int(whole):,}".replace(",", separator)
    text = sign + groups + ("." + fraction if fraction else "")
    if wide:
        text = text.translate(str.maketrans("0123456789-.", "０１２３４５６７８９－．"))
    return text + ("元" if yuan else "")


_DECIMALS = st.decimals(
    min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False
)
_NUMBER_TEXT = st.one_of(
    st.builds(
        _format_number, _DECIMALS, st.sampled_from(["", ",", "，"]), st.booleans(), st.booleans()
    ),
    _JUNK,
    st.text(max_size=8),
    # Plain digits with at most one point take a shorter way in the Arrow form.
    st.from_regex(r"[0-9]{0,17}\.?[0-9]{0,4}", fullmatch=True),
)


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), _padded(_NUMBER_TEXT)), max_size=40))
def test_parse_number_and_parse_number_array_agree(texts):
    assert_forms_agree(parse_number, parse_number_array, texts, convert=float)


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), _padded(_NUMBER_TEXT)), max_size=40))
def test_parse_int_and_parse_int_array_agree(texts):
    assert_forms_agree(parse_int, parse_int_array, texts)


@given(_DECIMALS, st.sampled_from(["", ",", "，"]), st.booleans(), st.booleans(), _BLANKS, _BLANKS)
def test_parse_number_reads_back_formatted_numbers(value, separator, wide, yuan, before, after):
    assert parse_number(before + _format_number(value, separator, wide, yuan) + after) == value


_DATE_FORMS = [
    lambda d: d.isoformat(),
    lambda d: f"{d.year:04d}/{d.month}/{d.day}",
    lambda d: f"{d.year:04d}.{d.month}.{d.day}",
    lambda d: f"{d.year:04d}年{d.month}月{d.day}日",
    lambda d: f"{d.year:04d}{d.month:02d}{d.day:02d}",
    lambda d: f"{d.isoformat()} 00:00:00",
    lambda d: f"{d.isoformat()}T13:45:10",
]
_VALID_DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))


def _serial(day: dt.date) -> str:
    return str((day - dt.date(1899, 12, 30)).days)


@given(_VALID_DATES, st.sampled_from(_DATE_FORMS), _BLANKS)
def test_parse_date_accepts_every_form_of_any_valid_date(day, form, blank):
    assert parse_date(blank + form(day) + blank) == day


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)))
def test_parse_date_reads_excel_serials_of_any_date(day):
    assert parse_date(_serial(day)) == day


_DATE_TEXT = st.one_of(
    st.builds(lambda day, form: form(day), _VALID_DATES, st.sampled_from(_DATE_FORMS)),
    st.builds(
        lambda y, m, d, sep: f"{y:04d}{sep}{m}{sep}{d}",
        st.integers(0, 9999),
        st.integers(0, 19),
        st.integers(0, 39),
        st.sampled_from(["-", "/", ".", "－", ""]),
    ),
    st.integers(0, 3_000_000).map(str),
    _JUNK,
    st.text(max_size=8),
)


@settings(deadline=None)
@given(st.lists(st.one_of(st.none(), _padded(_DATE_TEXT)), max_size=40))
def test_parse_date_and_parse_date_array_agree(texts):
    assert_forms_agree(parse_date, parse_date_array, texts)


def test_csv_records_keep_their_order_and_numbers_across_read_blocks(tmp_path):
    # About 7 MB: more than one of pyarrow's blocks, read in parallel.
    rows = [HOUSEHOLD_HEADER] + [[f"H{i:06d}", "张三", str(i), "户主"] for i in range(200_000)]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path = tmp_path / "成员.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")

    sheet = read_sheet(path)

    assert sheet.table.column("证件号码").to_pylist() == [str(i) for i in range(200_000)]
    assert sheet.row_numbers[-1].as_py() == 200_001
