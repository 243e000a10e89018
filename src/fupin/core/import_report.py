"""The report of an import: every rejected row with its row number, column, value and a
Chinese reason, and every warning; written as .xlsx (or .csv when so named) for the user."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

import xlsxwriter


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    message: str
    severity: str = "error"  # "error" rejects the row; "warning" only reports it


@dataclass
class ImportResult:
    read: int = 0
    written: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)

    @property
    def rejected_rows(self) -> set[int]:
        return {p.row for p in self.problems if p.severity == "error"}

    @property
    def rejected(self) -> int:
        return len(self.rejected_rows)

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        return (
            f"read {self.read}, written {self.written}, "
            f"unchanged {self.unchanged}, rejected {self.rejected}"
        )

    def check(self) -> None:
        """The counts always add up; an import that loses a row is a bug, not a warning."""
        if self.read != self.written + self.unchanged + self.rejected:
            raise AssertionError(f"import counts do not add up: {self.summary()}")

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0


HEADER = ["行号", "列", "内容", "问题", "类别"]


SEVERITY_LABELS = {"error": "拒绝", "warning": "提示"}


def _safe(value: str) -> str:
    # A cell starting with = + - @ would be a formula in Excel: the report shows it as text.
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def write_report(
    result,
    path: str | Path,
    *,
    counts: list[tuple[str, int]] | None = None,
    labels: dict[str, str] | None = None,
) -> Path:
    """Write ``result``'s problems (and unknown columns) with the counts on top; another
    kind of import passes its own ``counts`` and labels for its own severities."""
    path = Path(path)
    counts = counts or [
        ("读取", result.read),
        ("写入", result.written),
        ("未变化", result.unchanged),
        ("拒绝", result.rejected),
    ]
    labels = {**SEVERITY_LABELS, **(labels or {})}
    rows = [
        [p.row, p.column, _safe(p.value), p.message, labels.get(p.severity, p.severity)]
        for p in sorted(result.problems, key=lambda p: (p.row, p.severity, p.column))
    ]
    rows += [[1, column, "", "未知列，已忽略", "提示"] for column in result.unknown_columns]
    if path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER)
            writer.writerows(rows)
        return path
    workbook = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet("导入报告")
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, [label for label, _count in counts], bold)
    sheet.write_row(1, 0, [count for _label, count in counts])
    sheet.write_row(3, 0, HEADER, bold)
    for index, row in enumerate(rows, start=4):
        sheet.write_row(index, 0, row)
    sheet.set_column(0, 0, 8)
    sheet.set_column(1, 1, 16)
    sheet.set_column(2, 2, 28)
    sheet.set_column(3, 3, 60)
    sheet.freeze_panes(4, 0)
    workbook.close()
    return path
