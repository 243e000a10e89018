"""`fupin regions load`: the region tree from a CSV (code,name,parent_code,level), with the
same rules as every import: row-by-row reasons, counts that add up, one transaction."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from fupin.core import audit
from fupin.core.import_report import ImportResult, Problem
from fupin.core.spreadsheets import read_sheet
from fupin.regions import codes
from fupin.regions.models import Region

COLUMNS = ["code", "name", "parent_code", "level"]


def regions_load(*, path: str | Path, actor=None, dry_run: bool = False) -> ImportResult:
    sheet = read_sheet(path)
    result = ImportResult(read=sheet.table.num_rows)
    missing = [c for c in COLUMNS if c not in sheet.headers]
    if missing:
        from fupin.core.spreadsheets import SpreadsheetError

        raise SpreadsheetError(
            f"缺少必需的列：{'、'.join(missing)}（表头应为 code,name,parent_code,level）"
        )
    result.unknown_columns = [h for h in sheet.headers if h not in COLUMNS]
    data = {name: sheet.table.column(sheet.headers.index(name)).to_pylist() for name in COLUMNS}
    row_numbers = sheet.row_numbers.to_pylist()
    existing = {
        r.code: r
        for r in Region.objects.all().only("code", "name", "level", "parent_id", "version")
    }

    accepted: dict[str, tuple[int, str, str, str | None]] = {}
    for i, row in enumerate(row_numbers):
        code, name, parent, level = (data[c][i] or "" for c in COLUMNS)
        errors = _row_errors(code, name, parent, level)
        if not errors and code in accepted:
            errors.append(("code", code, f"区划代码与第 {accepted[code][0]} 行重复"))
        for column, value, message in errors:
            result.problems.append(Problem(row, column, value, message))
        if not errors:
            accepted[code] = (row, name, level, parent or None)

    # Parents must exist in the database or among the accepted rows; one rejection can
    # orphan others, so repeat until nothing changes.
    changed = True
    while changed:
        changed = False
        for code, (row, _name, _level, parent) in list(accepted.items()):
            if parent and parent not in accepted and parent not in existing:
                result.problems.append(
                    Problem(
                        row,
                        "parent_code",
                        parent,
                        "上级区划不存在（既不在系统中，也不在本文件的有效行中）",
                    )
                )
                del accepted[code]
                changed = True

    new, renamed = [], []
    for code, (_row, name, level, parent) in accepted.items():
        current = existing.get(code)
        if current is None:
            new.append(Region(code=code, name=name, level=level, parent_id=parent))
        elif current.name != name or current.level != level or current.parent_id != parent:
            current.name, current.level, current.parent_id = name, level, parent
            current.version += 1
            renamed.append(current)
        else:
            result.unchanged += 1
    result.written = len(new) + len(renamed)
    result.check()
    if dry_run or not result.written:
        return result
    with transaction.atomic():
        # Parents first, so foreign keys hold at every insert.
        new.sort(key=lambda r: (codes.LEVELS.index(r.level), r.code))
        Region.objects.bulk_create(new, batch_size=2000)
        Region.objects.bulk_update(renamed, ["name", "level", "parent", "version"], batch_size=2000)
        audit.record(
            actor=actor,
            action="regions.load",
            target_repr=str(path)[-200:],
            after={
                "written": result.written,
                "new": len(new),
                "changed": len(renamed),
                "unchanged": result.unchanged,
                "rejected": result.rejected,
            },
        )
    return result


def _row_errors(code: str, name: str, parent: str, level: str) -> list[tuple[str, str, str]]:
    errors = []
    if not codes.is_valid(code):
        errors.append(("code", code, "区划代码应为12位数字（村民小组15位）"))
    if not name.strip():
        errors.append(("name", name, "名称不能为空"))
    if level not in codes.LEVELS:
        errors.append(("level", level, f"层级应为 {', '.join(codes.LEVELS)} 之一"))
    if errors:
        return errors
    if codes.level_of(code) != level:
        errors.append(("level", level, f"层级与代码不符：代码 {code} 是 {codes.level_of(code)} 级"))
    expected = codes.parent_code(code) or ""
    if (parent or "") != expected:
        errors.append(
            ("parent_code", parent, f"上级区划代码应为 {expected or '（空，省级没有上级）'}")
        )
    return errors
