"""Exports. Streaming CSV: rows are written as the database yields them, so an export of a
whole county never sits in memory; UTF-8 with a BOM, because that is what makes Excel on a
county office PC open Chinese text correctly. And .xlsx, for tables people format and print."""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Iterable, Sequence

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.functional import Promise


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_rows(header: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow(["" if v is None else v for v in row])


def csv_response(filename_stem: str, header: Sequence[str], rows: Iterable[Sequence]):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    response = StreamingHttpResponse(csv_rows(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename_stem}-{stamp}.csv"'
    return response


def _cell(value):
    if value is None:
        return ""
    # Translated labels arrive as lazy strings, which XlsxWriter does not know.
    return str(value) if isinstance(value, Promise) else value


def xlsx_response(filename_stem: str, header: Sequence[str], rows: Iterable[Sequence], sheet: str):
    """An .xlsx download. XlsxWriter keeps one row in memory at a time (constant memory) and
    the workbook goes to a temporary file, deleted when the response is closed. Cell text is
    never taken for a formula or a link, so a name typed as "=…" stays text."""
    # Closed by the FileResponse once sent (and then deleted).
    handle = tempfile.TemporaryFile()  # noqa: SIM115
    workbook = xlsxwriter.Workbook(
        handle,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "default_date_format": "yyyy-mm-dd",
        },
    )
    worksheet = workbook.add_worksheet(sheet[:31])
    bold = workbook.add_format({"bold": True})
    worksheet.write_row(0, 0, [_cell(v) for v in header], bold)
    for number, row in enumerate(rows, start=1):
        worksheet.write_row(number, 0, [_cell(v) for v in row])
    workbook.close()
    handle.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    return FileResponse(handle, as_attachment=True, filename=f"{filename_stem}-{stamp}.xlsx")
