"""Streaming CSV exports: rows are written as the database yields them, so an export of a
whole county never sits in memory. UTF-8 with a BOM, because that is what makes Excel on a
county office PC open Chinese text correctly."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence

from django.http import StreamingHttpResponse
from django.utils import timezone


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
