"""Reading county spreadsheets (.xlsx, .xls, .csv) into Arrow, and parsing their values.

``read_sheet`` turns the first sheet of a workbook, or a CSV file, into a ``Sheet``: an Arrow
table of strings exactly as the user typed them (trimmed, empty cells null), the header as
written and normalised, and the row number Excel shows for every row, so that an import can
report "第 N 行" that the user finds at once. Whatever makes the file as a whole unusable is a
``SpreadsheetError`` with a Chinese sentence for the user.

The value parsers come in pairs: a scalar form for a single form field and a vectorised Arrow
form for a million imported rows. The two forms of a pair accept exactly the same texts and
give the same values (the tests check this on generated text), so a form and an import never
disagree about what a cell means.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import io
import os
import re
import struct
import zipfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce
from operator import itemgetter
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import python_calamine

__all__ = [
    "DEFAULT_MAX_BYTES",
    "Sheet",
    "SpreadsheetError",
    "ValueParseError",
    "normalise_header",
    "parse_bool",
    "parse_bool_array",
    "parse_date",
    "parse_date_array",
    "parse_int",
    "parse_int_array",
    "parse_number",
    "parse_number_array",
    "read_sheet",
    "split_multi",
]

DEFAULT_MAX_BYTES = 512 * 1024 * 1024

# Sheets up to this many cells are converted in one go (to_python is about twice as fast as
# iter_rows); larger ones in batches, so that Python objects for a whole 1,048,576-row sheet
# never exist at once.
_WHOLE_SHEET_CELLS = 8_000_000
_ROW_BATCH = 65_536
_SNIFF_BYTES = 64 * 1024
_CSV_BLOCK = 4 << 20
_PARALLEL_CELLS = 1_000_000

_NOT_A_SPREADSHEET = "文件不是可识别的表格（支持 .xlsx、.xls 和 .csv）。"
_ENCRYPTED_WORKBOOK = "工作簿设有密码保护，请取消密码后再导入。"
_UNKNOWN_ENCODING = "无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV 文件。"
_NO_HEADER = "第1行没有表头。"

# One explicit set of blank characters, used by both the scalar and the Arrow code (Python's
# str.strip and Arrow's utf8_trim_whitespace disagree on a few control characters). It holds
# the full-width space U+3000, the no-break space and the zero-width space and BOM that
# copying from web pages and Word leaves behind.
_WS = (
    " \t\n\r\x0b\x0c\x85\xa0\u1680"
    + "".join(chr(c) for c in range(0x2000, 0x200C))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class SpreadsheetError(Exception):
    """The file as a whole cannot be used. .message is a Chinese sentence for the user (the
    CLI prints it and exits 2)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValueParseError(ValueError):
    """A cell's text is not a value of the expected kind; .message says so in Chinese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    """The first sheet of a workbook, or a CSV file, as Arrow strings.

    - ``table``: one string column per kept header, named by the normalised header, each cell
      as written with blanks (see ``_WS``) trimmed from both ends; empty cells are null. Rows
      that are entirely empty are left out (their row numbers simply do not appear).
    - ``headers``: the normalised header names, in file order, same order as the columns.
      Columns with an empty header cell and later copies of a repeated header are not kept.
    - ``raw_headers``: the header cell as written for each kept column (parallel to
      ``headers``), for messages that quote the user's own header.
    - ``row_numbers``: int64, parallel to the table: the row a user sees in Excel (the header
      is row 1, so the first data row is 2). For CSV it is the record count the same way (a
      record with a line break inside quotes is one row, as in Excel).
    - ``duplicate_headers``: normalised headers that appeared more than once.
    - ``source_format``: "csv", "xlsx" or "xls"; ``encoding`` for CSV: "utf-8", "utf-8-sig"
      or "gb18030", else None.
    """

    table: pa.Table
    headers: list[str]
    raw_headers: list[str]
    row_numbers: pa.Array
    duplicate_headers: list[str]
    source_format: str
    encoding: str | None = None

    @property
    def num_rows(self) -> int:
        return self.table.num_rows


# --------------------------------------------------------------------------------------------
# Headers


_HEADER_NOTE = re.compile(r"\([^()]*\)$")
_HEADER_TRANSLATION = str.maketrans({"（": "(", "）": ")", "＊": "*"})
_ANY_WS = re.compile(r"\s+")


def normalise_header(cell) -> str:
    """The header name a cell stands for: '务工时间（月）' → '务工时间', '*证件号码(必填)' →
    '证件号码'.

    Blanks are removed everywhere (headers wrap onto two lines in Excel, and Chinese headers
    have no meaningful spaces), full-width parentheses become ASCII, a trailing parenthetical
    note and '*' required markers are dropped. A header that is only a note keeps it. None or
    an empty cell gives ''."""
    if cell is None:
        return ""
    text = cell if isinstance(cell, str) else _cell_text(cell)
    text = _ANY_WS.sub("", text.translate(_HEADER_TRANSLATION)).strip(_WS)
    while True:
        shorter = _HEADER_NOTE.sub("", text.strip("*")).strip(_WS)
        if shorter == text or not shorter:
            return text.strip("*") or text
        text = shorter


def _headers(raw: list) -> tuple[list[int], list[str], list[str], list[str]]:
    """Which columns to keep: (indexes, normalised names, raw texts, duplicated names)."""
    keep: list[int] = []
    names: list[str] = []
    raws: list[str] = []
    seen: set[str] = set()
    duplicates: list[str] = []
    for index, cell in enumerate(raw):
        name = normalise_header(cell)
        if not name:
            continue
        if name in seen:
            if name not in duplicates:
                duplicates.append(name)
            continue
        seen.add(name)
        keep.append(index)
        names.append(name)
        raws.append("" if cell is None else cell if isinstance(cell, str) else _cell_text(cell))
    return keep, names, raws, duplicates


# --------------------------------------------------------------------------------------------
# read_sheet


def read_sheet(
    path: str | Path, *, filename: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Sheet:
    """Read the first sheet of an .xlsx/.xls workbook, or a CSV file, into a ``Sheet``.

    The format is decided by the content, never by the name, so that an upload stored under a
    temporary name reads the same (``filename``, the name the user gave it, is what messages
    show): ZIP → xlsx, OLE2 → xls (unless it is an encrypted .xlsx), text → CSV in UTF-8
    (with or without BOM) or GB18030, its delimiter sniffed from the first line (comma, tab
    or semicolon). Raises ``SpreadsheetError`` when the file as a whole cannot be used:
    missing, empty, larger than ``max_bytes``, not a spreadsheet, password protected,
    damaged, in an unknown encoding, or with an empty first row. A header with no data rows
    is not an error."""
    path = Path(path)
    shown = filename or path.name
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise FileNotFoundError(path)
    except FileNotFoundError:
        raise SpreadsheetError(f"找不到文件 {shown}。") from None
    except OSError as error:
        raise SpreadsheetError(f"无法打开文件 {shown}：{error.strerror or error}。") from None
    if size == 0:
        raise SpreadsheetError("文件是空的。")
    if size > max_bytes:
        raise SpreadsheetError(
            f"文件太大（{_size_text(size)}），不能超过 {_size_text(max_bytes)}。"
            "请把文件拆成几个再导入。"
        )
    with path.open("rb") as file:
        head = file.read(_SNIFF_BYTES)
        if head.startswith(b"PK\x03\x04"):
            _check_xlsx_package(file)
            return _read_workbook(path, "xlsx")
        if head.startswith(_OLE2_MAGIC):
            _check_ole2(file, head)
            return _read_workbook(path, "xls")
    return _read_csv(path, head, size)


def _size_text(size: int) -> str:
    return f"{size / 2**20:.0f} MB" if size >= 2**20 else f"{max(size // 1024, 1)} KB"


# --------------------------------------------------------------------------------------------
# Workbooks


_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_MAX_REGULAR_SECTOR = 0xFFFFFFFA


def _check_xlsx_package(file) -> None:
    """A ZIP is a workbook only if it holds xl/workbook.xml (a .docx or a zip of photos renamed
    .xlsx does not); a ZIP without its central directory is a truncated download."""
    try:
        names = {name.lower() for name in zipfile.ZipFile(file).namelist()}
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError("无法读取工作簿：文件不完整或已损坏，请重新保存后再导入。") from None
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(_NOT_A_SPREADSHEET)


def _check_ole2(file, head: bytes) -> None:
    """Tell an encrypted .xlsx (an OLE2 file with an "EncryptedPackage" stream, which calamine
    would only call a broken .xls) and other OLE2 documents (.doc, .ppt) from a real .xls."""
    names = _ole2_stream_names(file)
    if names is None:
        # Unreadable directory: search where Office puts it, and let calamine judge the rest.
        if _ENCRYPTED_PACKAGE in head:
            raise SpreadsheetError(_ENCRYPTED_WORKBOOK)
        return
    if "EncryptedPackage" in names:
        raise SpreadsheetError(_ENCRYPTED_WORKBOOK)
    if not names & {"Workbook", "Book"}:
        raise SpreadsheetError(_NOT_A_SPREADSHEET)


def _ole2_stream_names(file) -> set[str] | None:
    """The names in an OLE2 (compound file) directory, or None if the structure is not
    readable. The directory may lie anywhere in the file (after a large stream, say), so it is
    found through the header and the FAT rather than by searching the first bytes. Every loop
    is bounded: the input may be hostile."""

    def sector(number: int) -> bytes:
        file.seek((number + 1) * size)
        return file.read(size)

    file.seek(0)
    header = file.read(512)
    if len(header) < 512:
        return None
    shift = struct.unpack_from("<H", header, 30)[0]
    if shift not in (9, 12):
        return None
    size = 1 << shift
    fat_count, directory_start = struct.unpack_from("<II", header, 44)
    difat_start, difat_count = struct.unpack_from("<II", header, 68)
    difat = list(struct.unpack_from("<109I", header, 76))
    next_difat, hops = difat_start, 0
    while next_difat <= _MAX_REGULAR_SECTOR and hops < min(difat_count, 1 << 16):
        values = struct.unpack(f"<{size // 4}I", sector(next_difat).ljust(size, b"\xff"))
        difat.extend(values[:-1])
        next_difat, hops = values[-1], hops + 1
    fat_sectors = [number for number in difat if number <= _MAX_REGULAR_SECTOR][:fat_count]
    per_sector = size // 4
    names: set[str] = set()
    visited: set[int] = set()
    current = directory_start
    while current <= _MAX_REGULAR_SECTOR and current not in visited and len(visited) < 1 << 16:
        visited.add(current)
        data = sector(current)
        if len(data) < size:
            return None  # truncated: let calamine say the file is damaged
        for offset in range(0, size, 128):
            length = struct.unpack_from("<H", data, offset + 64)[0]
            if data[offset + 66] in (1, 2, 5) and 2 <= length <= 64 and length % 2 == 0:
                names.add(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
        fat_index, position = divmod(current, per_sector)
        if fat_index >= len(fat_sectors):
            break
        fat = sector(fat_sectors[fat_index])
        if len(fat) < size:
            break
        current = struct.unpack_from("<I", fat, position * 4)[0]
    return names or None


def _read_workbook(path: Path, source_format: str) -> Sheet:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(os.fspath(path))
        if not workbook.sheet_names:
            raise SpreadsheetError(_NO_HEADER)
        sheet = workbook.get_sheet_by_index(0)
    except python_calamine.PasswordError:
        raise SpreadsheetError(_ENCRYPTED_WORKBOOK) from None
    except (python_calamine.CalamineError, OSError, ValueError, IndexError) as error:
        raise SpreadsheetError(f"无法读取工作簿：文件可能已损坏（{error}）。") from None
    # Millions of cell objects would otherwise trigger repeated full collections (about 15 %
    # of the time of a 100,000-row sheet); nothing here makes reference cycles, and the
    # collector is on again as soon as the sheet is read.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _sheet_from_rows(_row_batches(sheet), source_format)
    finally:
        if gc_was_enabled:
            gc.enable()


def _row_batches(sheet):
    """Row lists from A1 (leading empty rows and columns included, so that indexes are Excel's
    row and column numbers minus one), in one batch for ordinary sheets, in several for huge
    ones."""
    if sheet.height * max(sheet.width, 1) <= _WHOLE_SHEET_CELLS:
        yield sheet.to_python(skip_empty_area=False)
        return
    # iter_rows starts at the first used column; pad back to column A.
    pad = [""] * (sheet.start[1] if sheet.start else 0)
    batch = []
    for row in sheet.iter_rows():
        batch.append(pad + row if pad else row)
        if len(batch) == _ROW_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _sheet_from_rows(batches, source_format: str) -> Sheet:
    keep: list[int] = []
    names: list[str] = []
    raws: list[str] = []
    duplicates: list[str] = []
    record_batches: list[pa.RecordBatch] = []
    header_seen = False
    for rows in batches:
        if not header_seen:
            if not rows or not any(_present(cell) for cell in rows[0]):
                raise SpreadsheetError(_NO_HEADER)
            keep, names, raws, duplicates = _headers(rows[0])
            header_seen = True
            rows = rows[1:]
        if not rows or not keep:
            continue
        # Rows are as wide as the header row (calamine pads them); one pass over the rows and
        # a transpose is much faster than one pass per column over a million row lists.
        picked = map(_picker(keep), rows)
        arrays = [_strings_from_cells(cells) for cells in zip(*picked, strict=True)]
        record_batches.append(pa.RecordBatch.from_arrays(arrays, names=names))
    if not header_seen:
        raise SpreadsheetError(_NO_HEADER)
    schema = pa.schema([(name, pa.string()) for name in names])
    table = pa.Table.from_batches(record_batches, schema=schema)
    row_numbers = pa.array(range(2, table.num_rows + 2), pa.int64())
    table, row_numbers = _clean(table, row_numbers)
    return Sheet(table, names, raws, row_numbers, duplicates, source_format, None)


def _picker(indexes: list[int]):
    """row → tuple of the cells at indexes (itemgetter gives a bare cell for one index)."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda row: (row[index],)
    return itemgetter(*indexes)


def _present(cell) -> bool:
    return cell is not None and (not isinstance(cell, str) or bool(cell.strip(_WS)))


def _strings_from_cells(cells: list) -> pa.Array:
    try:
        # Most columns hold only text; Arrow takes those without a Python loop.
        return pa.array(cells, pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array(
            [cell if cell.__class__ is str or cell is None else _cell_text(cell) for cell in cells],
            pa.string(),
        )


def _cell_text(value) -> str:
    """A workbook cell as the text a user reads in Excel, in a form the parsers accept.

    Whole numbers lose Excel's '.0' (2019.0 → '2019'); an ID number typed as a number comes
    back as all its digits, not '4.30524199001011e+17' (its last digits are already lost in the
    workbook, and the ID check digit will say so); other numbers get Excel's 15 significant
    digits, so formula noise like 0.30000000000000004 reads '0.3'."""
    cls = value.__class__
    if cls is str:
        return value
    if cls is bool:
        return "是" if value else "否"
    if cls is int:
        return str(value)
    if cls is float:
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        if value.is_integer():
            return str(int(value))
        text = f"{value:.15g}"
        if "e" in text:
            text = format(Decimal(text), "f")
        return text
    if cls is dt.datetime:
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if cls is dt.date:
        return value.isoformat()
    if cls is dt.time:
        return value.isoformat(timespec="seconds")
    if cls is dt.timedelta:
        seconds = round(value.total_seconds())
        sign, seconds = ("-", -seconds) if seconds < 0 else ("", seconds)
        return f"{sign}{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return str(value)


def _clean(table: pa.Table, row_numbers: pa.Array) -> tuple[pa.Table, pa.Array]:
    """Trim every cell, make empty cells null, and leave out rows with no value at all
    (Excel's formatted-but-empty rows at the bottom, blank lines in CSV)."""
    if table.num_rows * table.num_columns > _PARALLEL_CELLS:
        # Arrow's kernels release the GIL: the columns are cleaned side by side.
        with ThreadPoolExecutor(max_workers=pa.cpu_count()) as pool:
            columns = list(pool.map(_clean_column, table.columns))
    else:
        columns = [_clean_column(column) for column in table.columns]
    table = pa.Table.from_arrays(columns, schema=table.schema)
    if table.num_columns and table.num_rows:
        filled = reduce(pc.or_, (pc.is_valid(column) for column in table.columns))
        if not pc.all(filled).as_py():
            table = table.filter(filled)
            row_numbers = row_numbers.filter(filled.combine_chunks())
    return table, row_numbers


def _clean_column(column):
    trimmed = pc.utf8_trim(column, _WS)
    empty = pc.equal(pc.binary_length(trimmed), 0)
    # Readers already give null for most empty cells; only blank-but-not-empty ones remain.
    return pc.if_else(empty, None, trimmed) if pc.any(empty).as_py() else trimmed


# --------------------------------------------------------------------------------------------
# CSV


_BINARY_MAGIC = (
    b"\x89PNG",
    b"%PDF",
    b"GIF8",
    b"\xff\xd8\xff",
    b"\x1f\x8b",
    b"7z\xbc\xaf",
    b"Rar!",
    b"PK\x05\x06",
    b"PK\x07\x08",
)
_UTF8_BOM = b"\xef\xbb\xbf"
_HTML_MARK = re.compile(rb"\s*<(?:!doctype|html|table|\?xml)", re.IGNORECASE)


def _read_csv(path: Path, head: bytes, size: int) -> Sheet:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" (UTF-16): refuse with the advice that fixes it.
        raise SpreadsheetError(_UNKNOWN_ENCODING)
    if head.startswith(_BINARY_MAGIC) or b"\x00" in head:
        raise SpreadsheetError(_NOT_A_SPREADSHEET)
    start = len(_UTF8_BOM) if head.startswith(_UTF8_BOM) else 0
    if start == size:
        raise SpreadsheetError("文件是空的。")
    if _HTML_MARK.match(head, start):
        # Many systems export HTML or XML tables under an .xls name.
        raise SpreadsheetError(
            "文件是网页（HTML）或 XML 格式，不是真正的表格文件。"
            "请用 Excel 打开后另存为 .xlsx 再导入。"
        )
    whole = size <= len(head)
    if start:
        encoding = "utf-8-sig"
        text = _decodes(head[start:], "utf-8", whole)
    else:
        encoding = "utf-8"
        text = _decodes(head, "utf-8", whole)
        if text is None:
            encoding = "gb18030"
            text = _decodes(head, "gb18030", whole)
    if text is None:
        raise SpreadsheetError(_UNKNOWN_ENCODING)
    data = pa.memory_map(os.fspath(path)).read_buffer()
    if start:
        data = data.slice(start)
    delimiter = _sniff_delimiter(text)
    first_record = next(iter(_csv_records(text, delimiter)), [])
    if not any(_present(cell) for cell in first_record):
        raise SpreadsheetError(_NO_HEADER)
    width = len(first_record)
    try:
        table, row_numbers = _parse_csv(data, encoding, delimiter, width)
    except _NotUtf8:
        if encoding != "utf-8":
            raise SpreadsheetError(_UNKNOWN_ENCODING) from None
        # The first 64 KB were ASCII-only or UTF-8 by chance; the rest says GB18030.
        encoding = "gb18030"
        table, row_numbers = _parse_csv(data, encoding, delimiter, width)
    if table.num_rows == 0:
        raise SpreadsheetError("文件是空的。")
    header = [table.column(i)[0].as_py() for i in range(table.num_columns)]
    if not any(_present(cell) for cell in header):
        raise SpreadsheetError(_NO_HEADER)
    keep, names, raws, duplicates = _headers(header)
    table = table.select(keep).rename_columns(names).slice(1)
    table, row_numbers = _clean(table, row_numbers.slice(1))
    return Sheet(table, names, raws, row_numbers, duplicates, "csv", encoding)


class _NotUtf8(Exception):
    pass


def _decodes(data: bytes, encoding: str, final: bool) -> str | None:
    try:
        # Incremental, so that a character cut at the end of the sample is not an error.
        return codecs.getincrementaldecoder(encoding)().decode(data, final)
    except UnicodeDecodeError:
        return None


def _sniff_delimiter(text: str) -> str:
    """Comma, unless the first line has more tabs (Excel's "文本文件(制表符分隔)" saves
    .txt) or semicolons (CSV from European-locale Excel)."""
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (",", "\t", ";")}
    best = max(counts, key=lambda delimiter: (counts[delimiter], delimiter == ","))
    return best if counts[best] else ","


def _csv_records(text: str, delimiter: str):
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)


def _parse_csv(
    data: pa.Buffer, encoding: str, delimiter: str, width: int
) -> tuple[pa.Table, pa.Array]:
    """All records, header included, as string columns f0…, and their 1-based record numbers.

    pyarrow reads well-formed files in parallel. A record with another number of cells than
    the header is what pyarrow cannot take, so when one occurs the file is read again on one
    thread, where pyarrow reports the record numbers of such records; they are parsed here,
    cut or padded to the header's width, and put back in place."""
    # Types for more columns than the header has cost nothing and keep every column a string
    # even if the first record is not quite what the csv module made of it.
    names = [f"f{i}" for i in range(max(width, 1) * 2 + 16)]
    convert = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()),
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
    )

    def read(use_threads: bool, handler):
        read_options = pacsv.ReadOptions(
            use_threads=use_threads,
            block_size=_CSV_BLOCK,
            autogenerate_column_names=True,
            encoding="utf8" if encoding.startswith("utf-8") else encoding,
        )
        parse_options = pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=True,
            ignore_empty_lines=False,
            invalid_row_handler=handler,
        )
        try:
            return pacsv.read_csv(
                pa.BufferReader(data),
                read_options=read_options,
                parse_options=parse_options,
                convert_options=convert,
            )
        except UnicodeDecodeError:
            raise SpreadsheetError(_UNKNOWN_ENCODING) from None
        except pa.ArrowInvalid as error:
            if aborted:
                return None
            message = str(error)
            if "invalid utf8" in message.lower():
                raise _NotUtf8() from None
            if "straddl" in message:
                raise SpreadsheetError(
                    '无法读取 CSV 文件：某一行长得异常，多半是有引号（"）不成对，'
                    "使这一行一直延续下去。请检查后再导入。"
                ) from None
            raise SpreadsheetError(f"无法读取 CSV 文件：{message}") from None

    aborted: list[bool] = []

    def stop_at_first(row) -> str:
        aborted.append(True)
        return "error"

    table = read(True, stop_at_first)
    if table is not None:
        table = _as_strings(table)
        return table, pa.array(range(1, table.num_rows + 1), pa.int64())

    aborted.clear()
    irregular: list[tuple[int, str]] = []

    def keep_aside(row) -> str:
        irregular.append((row.number, row.text))
        return "skip"

    table = _as_strings(read(False, keep_aside))
    return _put_back(table, irregular, delimiter)


def _as_strings(table: pa.Table) -> pa.Table:
    if all(pa.types.is_string(field.type) for field in table.schema):
        return table
    return table.cast(pa.schema([(field.name, pa.string()) for field in table.schema]))


def _put_back(
    table: pa.Table, irregular: list[tuple[int, str]], delimiter: str
) -> tuple[pa.Table, pa.Array]:
    width = table.num_columns
    total = table.num_rows + len(irregular)
    aside = {number for number, _ in irregular}
    numbers = [number for number in range(1, total + 1) if number not in aside]
    if len(irregular) == 0:
        return table, pa.array(numbers, pa.int64())
    cells: list[list[str | None]] = [[] for _ in range(width)]
    for _, text in irregular:
        try:
            record = next(iter(_csv_records(text, delimiter)), [])
        except csv.Error:  # a cell past the csv module's size limit: keep the text
            record = text.split(delimiter)
        record = record[:width] + [None] * (width - len(record))
        for column, cell in zip(cells, record, strict=True):
            column.append(cell)
    extra = pa.Table.from_arrays([pa.array(c, pa.string()) for c in cells], schema=table.schema)
    combined = pa.concat_tables([table, extra])
    all_numbers = pa.array(numbers + [number for number, _ in irregular], pa.int64())
    order = pc.sort_indices(all_numbers)
    return combined.take(order), all_numbers.take(order)


# --------------------------------------------------------------------------------------------
# Values: shared normalisation
#
# Every scalar parser has the same steps as its Arrow twin, in the same order, with the same
# character sets and ASCII-only regular expressions (Python's re and Arrow's RE2 agree on those).
# The Arrow forms take a string Array, a ChunkedArray (a table column) or a list, and return
# (values, error mask) of the same shape; the mask has no nulls.


_FULLWIDTH = {
    **{chr(0xFF10 + digit): str(digit) for digit in range(10)},
    "－": "-",
    "−": "-",
    "＋": "+",
    "．": ".",
    "，": ",",
    "／": "/",
    "：": ":",
}
_FULLWIDTH_TABLE = str.maketrans(_FULLWIDTH)
_FULLWIDTH_CLASS = "[" + "".join(_FULLWIDTH) + "]"
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _anchored(core: str) -> str:
    return f"^(?:{core})$"


def _to_string_array(values) -> pa.Array | pa.ChunkedArray:
    if isinstance(values, pa.Array | pa.ChunkedArray):
        if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
            return values
        return values.cast(pa.string())
    return pa.array(values, pa.string())


def _trim_to_null(values):
    return _empty_to_null(pc.utf8_trim(_to_string_array(values), _WS))


def _fullwidth_to_ascii(values):
    if not pc.any(pc.match_substring_regex(values, _FULLWIDTH_CLASS)).as_py():
        return values
    for wide, narrow in _FULLWIDTH.items():
        values = pc.replace_substring(values, wide, narrow)
    return values


def _empty_to_null(values):
    return pc.if_else(pc.equal(pc.binary_length(values), 0), None, values)


def _quoted(text: str) -> str:
    return f"“{text}”"


# --------------------------------------------------------------------------------------------
# Booleans

_TRUE = ("是", "有", "y", "yes", "1", "true")
_FALSE = ("否", "无", "n", "no", "0", "false")
_BOOLS = {**dict.fromkeys(_TRUE, True), **dict.fromkeys(_FALSE, False)}


def parse_bool(text: str | None) -> bool | None:
    """是/否, 有/无, Y/N, yes/no, 1/0, true/false (any case) → True/False; None or blank → None;
    anything else raises ValueParseError."""
    if text is None:
        return None
    key = text.strip(_WS)
    if not key:
        return None
    value = _BOOLS.get(key.translate(_ASCII_LOWER))
    if value is None:
        raise ValueParseError(f"应填写“是”或“否”，实为 {_quoted(key)}")
    return value


def parse_bool_array(values) -> tuple[pa.Array, pa.Array]:
    """The vectorised ``parse_bool``: (bool values, error mask). The mask is True where the
    text was not blank but not a yes/no either; values are null there and for blanks."""
    keys = pc.ascii_lower(_trim_to_null(values))
    is_true = pc.is_in(keys, value_set=pa.array(_TRUE))
    is_false = pc.is_in(keys, value_set=pa.array(_FALSE))
    parsed = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
    return parsed, _errors(keys, parsed)


def _errors(texts, parsed):
    return pc.and_(pc.is_valid(texts), pc.is_null(parsed))


# --------------------------------------------------------------------------------------------
# Numbers

_NUMBER = r"[+-]?(?:(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]*)?|\.[0-9]+)"
_NUMBER_RE = re.compile(_NUMBER)
_FRACTION_NOT_ZERO = r"\.[0-9]*[1-9]"
_INT_LIMIT = 10**15


def _number_text(text: str) -> str:
    """The steps before matching, in the order the Arrow code takes them."""
    text = text.strip(_WS).translate(_FULLWIDTH_TABLE)
    return text.removesuffix("元").strip(_WS)


def parse_number(text: str | None) -> Decimal | None:
    """A number as users type it: '12,345.50', '１２３４', '－5', ' 800元 ' → Decimal, exact.
    Thousands separators (, or ，) must group by three; no exponents. None or blank → None;
    anything else raises ValueParseError."""
    if text is None or not text.strip(_WS):
        return None
    cleaned = _number_text(text)
    if not _NUMBER_RE.fullmatch(cleaned):
        raise ValueParseError(f"应为数字，实为 {_quoted(text.strip(_WS))}")
    return Decimal(cleaned.replace(",", ""))


def parse_int(text: str | None) -> int | None:
    """Like ``parse_number``, but the value must be whole ('12', '12.0', '1,200') and below
    10^15 in size; None or blank → None."""
    value = parse_number(text)
    if value is None:
        return None
    if value != value.to_integral_value() or abs(value) >= _INT_LIMIT:
        raise ValueParseError(f"应为整数，实为 {_quoted(text.strip(_WS))}")
    return int(value)


def _number_texts(values):
    """(texts after the shared steps, with commas removed where valid, null where invalid;
    the trimmed input, null where blank)."""
    trimmed = _trim_to_null(values)
    if isinstance(trimmed, pa.ChunkedArray):
        trimmed = trimmed.combine_chunks()
    # Most cells are plain digits with at most one point, which need none of the steps
    # below: only the others go through them (regular expressions, the costly part).
    plain = pc.ascii_is_decimal(pc.replace_substring(trimmed, ".", "", max_replacements=1))
    others = pc.invert(pc.fill_null(plain, True))
    if not pc.any(others).as_py():
        return trimmed, trimmed
    cleaned = _fullwidth_to_ascii(trimmed.filter(others))
    cleaned = pc.utf8_trim(pc.replace_substring_regex(cleaned, "元$", ""), _WS)
    valid = pc.match_substring_regex(cleaned, _anchored(_NUMBER))
    cleaned = pc.if_else(valid, pc.replace_substring(cleaned, ",", ""), None)
    return pc.replace_with_mask(trimmed, others, cleaned), trimmed


def parse_number_array(values) -> tuple[pa.Array, pa.Array]:
    """The vectorised ``parse_number``: (float64 values, error mask).

    float64 rather than decimal128: it takes any number a user can type (decimal128(18, 2)
    would have to round or refuse '0.125'), it is what the engines compute with, and for
    amounts to the fen below 10^13 it converts back to the exact decimal. The value is the
    float nearest to ``parse_number``'s Decimal (``float(parse_number(t))``)."""
    cleaned, trimmed = _number_texts(values)
    parsed = pc.cast(cleaned, pa.float64())
    return parsed, _errors(trimmed, parsed)


def parse_int_array(values) -> tuple[pa.Array, pa.Array]:
    """The vectorised ``parse_int``: (int64 values, error mask)."""
    cleaned, trimmed = _number_texts(values)
    numbers = pc.cast(cleaned, pa.float64())
    fraction = pc.match_substring(cleaned, ".")  # only a point can bring a fraction
    if pc.any(fraction).as_py():
        fraction = pc.match_substring_regex(cleaned, _FRACTION_NOT_ZERO)
    whole = pc.and_(pc.invert(fraction), pc.less(pc.abs(numbers), float(_INT_LIMIT)))
    parsed = pc.cast(pc.if_else(whole, numbers, None), pa.int64())
    return parsed, _errors(trimmed, parsed)


# --------------------------------------------------------------------------------------------
# Dates

_TIME = r"(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?"
_DATE_FORMATS = (
    # 2019-03-01, 2019/3/1, 2019.3.1, with an optional time of day (ISO or Excel's text).
    rf"(?P<y>[0-9]{{4}})[-/.](?P<m>[0-9]{{1,2}})[-/.](?P<d>[0-9]{{1,2}})(?:(?:T| +){_TIME})?",
    r"(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日?",
    r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})",
)
_DATE_RES = tuple(re.compile(pattern) for pattern in _DATE_FORMATS)
# An Excel date serial typed or exported as text; the fraction is the time of day. Four digits
# with a one- or two-digit fraction are not a serial but the common way to write a month
# ("2019.03"), which is not a date: refused rather than read as 1905-07-11.
_SERIAL = r"(?P<n>[0-9]{1,3}|[0-9]{5,7})(?:\.[0-9]+)?|(?P<n4>[0-9]{4})(?:\.[0-9]{3,})?"
_SERIAL_RE = re.compile(_SERIAL)
_SERIAL_MAX = 2_958_465  # 9999-12-31
# Excel counts a 29 February 1900 that never was (serial 60): serials after it are one day
# further from 1899-12-31 than the calendar says.
_SERIAL_BUG = 60


def _numbered_groups(pattern: str, number: int) -> str:
    """(?P<y>…) → (?P<y0>…): RE2 wants distinct group names across alternatives."""
    for part in "ymd":
        pattern = pattern.replace(f"(?P<{part}>", f"(?P<{part}{number}>")
    return pattern


_ANY_DATE = _anchored(
    "|".join(
        [
            *(f"(?:{_numbered_groups(form, i)})" for i, form in enumerate(_DATE_FORMATS)),
            f"(?:{_SERIAL})",
        ]
    )
)
_EPOCH_BEFORE_BUG = dt.date(1899, 12, 31)
_EPOCH_AFTER_BUG = dt.date(1899, 12, 30)
_UNIX_EPOCH = dt.date(1970, 1, 1)


def parse_date(text: str | None) -> dt.date | None:
    """A date as users type it: 2019-03-01, 2019/3/1, 2019.3.1, 2019年3月1日, 20190301, an
    ISO or Excel date-time (the date is kept), or an Excel serial number as text ('43525' →
    2019-03-01; 1 to 2958465, 60 being Excel's non-existent 1900-02-29). Full-width digits are
    accepted. None or blank → None; an impossible date (2019-02-30) raises ValueParseError."""
    if text is None or not text.strip(_WS):
        return None
    cleaned = text.strip(_WS).translate(_FULLWIDTH_TABLE)
    for pattern in _DATE_RES:
        match = pattern.fullmatch(cleaned)
        if match:
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                break
    else:
        match = _SERIAL_RE.fullmatch(cleaned)
        if match:
            serial = int(match["n"] or match["n4"])
            if 1 <= serial < _SERIAL_BUG:
                return _EPOCH_BEFORE_BUG + dt.timedelta(days=serial)
            if _SERIAL_BUG < serial <= _SERIAL_MAX:
                return _EPOCH_AFTER_BUG + dt.timedelta(days=serial)
    raise ValueParseError(f"不是有效日期：{_quoted(text.strip(_WS))}")


_MONTH_DAYS = pa.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], pa.int64())


def parse_date_array(values) -> tuple[pa.Array, pa.Array]:
    """The vectorised ``parse_date``: (date32 values, error mask)."""
    trimmed = _trim_to_null(values)
    cleaned = _fullwidth_to_ascii(trimmed)
    # One pass of one regular expression for every form; exactly one alternative matches, and
    # the groups of the others come back empty, so joining a field's groups gives its value.
    found = pc.extract_regex(cleaned, _ANY_DATE)

    def field(*names):
        groups = [pc.struct_field(found, name) for name in names]
        joined = pc.binary_join_element_wise(*groups, "", null_handling="replace")
        return pc.cast(_empty_to_null(joined), pa.int64())

    numbers = range(len(_DATE_FORMATS))
    year, month, day = (field(*(f"{part}{i}" for i in numbers)) for part in "ymd")
    from_calendar = _days_from_civil(year, month, day)
    serial = field("n", "n4")
    before_bug = pc.and_(pc.greater_equal(serial, 1), pc.less(serial, _SERIAL_BUG))
    after_bug = pc.and_(pc.greater(serial, _SERIAL_BUG), pc.less_equal(serial, _SERIAL_MAX))
    from_serial = pc.if_else(
        before_bug,
        pc.add(serial, (_EPOCH_BEFORE_BUG - _UNIX_EPOCH).days),
        pc.if_else(after_bug, pc.add(serial, (_EPOCH_AFTER_BUG - _UNIX_EPOCH).days), None),
    )
    # A text that has the shape of a calendar date but is not one (2019-02-30) is an error,
    # not a serial number: the two cannot both match, so coalescing is safe.
    days = pc.coalesce(from_calendar, from_serial)
    parsed = pc.cast(pc.cast(days, pa.int32()), pa.date32())
    return parsed, _errors(trimmed, parsed)


def _days_from_civil(year, month, day):
    """Days since 1970-01-01 for valid (year, month, day), null otherwise (H. Hinnant's
    algorithm, in Arrow arithmetic)."""
    month_ok = pc.and_(pc.greater_equal(month, 1), pc.less_equal(month, 12))
    safe_month = pc.if_else(month_ok, month, 0)
    leap = pc.or_(
        pc.and_(
            pc.equal(pc.modulo(year, 4), 0),
            pc.not_equal(pc.modulo(year, 100), 0),
        ),
        pc.equal(pc.modulo(year, 400), 0),
    )
    longest = pc.add(
        pc.take(_MONTH_DAYS, safe_month),
        pc.cast(pc.and_(leap, pc.equal(safe_month, 2)), pa.int64()),
    )
    valid = pc.and_(
        pc.and_(pc.greater_equal(year, 1), month_ok),
        pc.and_(pc.greater_equal(day, 1), pc.less_equal(day, longest)),
    )
    march_based = pc.less_equal(month, 2)
    y = pc.subtract(year, pc.cast(march_based, pa.int64()))
    era = pc.divide(y, 400)  # y >= 0 here, so integer division is floor division
    year_of_era = pc.subtract(y, pc.multiply(era, 400))
    shifted_month = pc.if_else(march_based, pc.add(month, 9), pc.subtract(month, 3))
    day_of_year = pc.add(
        pc.divide(pc.add(pc.multiply(shifted_month, 153), 2), 5), pc.subtract(day, 1)
    )
    day_of_era = pc.add(
        pc.add(pc.multiply(year_of_era, 365), pc.divide(year_of_era, 4)),
        pc.subtract(day_of_year, pc.divide(year_of_era, 100)),
    )
    days = pc.subtract(pc.add(pc.multiply(era, 146097), day_of_era), 719468)
    return pc.if_else(valid, days, None)


# --------------------------------------------------------------------------------------------
# Lists

_LIST_SEPARATORS = re.compile(r"[、,，;；\s]+")


def split_multi(text: str | None) -> list[str]:
    """A cell holding several choices: '因病、因残', '因病,因残', '因病；因残', '因病 因残' →
    ['因病', '因残']. Separators are 、 , ， ; ； and blanks; None or blank → []."""
    if text is None:
        return []
    return [part for part in _LIST_SEPARATORS.split(text.strip(_WS)) if part]
