from __future__ import annotations

import hashlib
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.core import audit, bulk
from fupin.core.import_report import ImportResult, Problem
from fupin.core.spreadsheets import SpreadsheetError, read_sheet
from fupin.registry.importing import checks, staging, writing
from fupin.registry.importing.staging import ImportFileError
from fupin.registry.template import BY_HEADER

# Rows written after which the tables' planner statistics are refreshed.
ANALYZE_AFTER = 10_000
# The tables an import writes; on a first load their indexes are built after it (bulk).
TABLES = (
    "registry_household",
    "registry_householdevent",
    "registry_designation",
    "registry_householdincome",
    "registry_person",
    "registry_membership",
)


def import_households(
    *,
    path: str | Path,
    actor=None,
    dry_run: bool = False,
    as_of: date | None = None,
    filename: str | None = None,
    progress=None,
) -> ImportResult:
    """Import a file in the standard template. ``actor`` None means the command line (no
    scope limit); a user's import is limited to its region. ``as_of`` is the date from
    which the file's facts hold (memberships, new designations); default today.

    Raises ImportFileError when the file as a whole cannot be used."""
    if actor is not None and not roles.may(actor, roles.Capability.EDIT_REGISTRY):
        raise PermissionDenied(_("您的角色不能导入农户信息。"))
    today = timezone.localdate()
    as_of = as_of or today
    source = filename or Path(path).name
    report = progress or (lambda stage, done=0, total=0: None)
    try:
        sheet = read_sheet(path, filename=filename)
    except SpreadsheetError as error:
        raise ImportFileError(error.message) from error
    report("read", 0, sheet.table.num_rows)
    # Only a write is audited with the file's hash; a dry run reads the file once.
    digest = None if dry_run else _sha256_behind(path)
    staged = staging.stage(sheet)
    result = ImportResult(read=staged.rows)
    result.unknown_columns = [h for h in sheet.headers if h and h not in BY_HEADER]
    rows = checks.to_rows(staged, today=today)
    checks.check(staged, rows, actor=actor, today=today)
    _explain_household_rejections(staged, rows)
    report("checked", staged.rows, staged.rows)
    plan = writing.plan(staged, rows, as_of=as_of)
    result.problems = staged.problems
    for header in sheet.duplicate_headers:
        result.problems.append(
            Problem(1, header, header, "列名重复，只导入了第一列", severity="warning")
        )
    result.written = plan.status.count("written")
    result.unchanged = plan.status.count("unchanged")
    result.check()
    if dry_run or result.written == 0:
        return result
    # Only new households of only new persons: nothing the import writes needs an index
    # to find what it changes, so on a large load they can be built once afterwards.
    first_load = not (plan.existing or plan.rejoining or plan.changed_persons)
    with transaction.atomic():
        with (
            bulk.without_indexes(
                TABLES, adding=len(plan.new_persons) if first_load else 0, largest="registry_person"
            ) as first_load,
            bulk.copying_behind(),
        ):
            touched = writing.write(staged, rows, plan, actor=actor, as_of=as_of, source=source)
        audit.record(
            actor=actor,
            action="registry.import",
            target_repr=source[:200],
            region_code=getattr(actor, "region_id", None),
            after={
                "file": source,
                "sha256": digest.result(),
                "read": result.read,
                "written": result.written,
                "unchanged": result.unchanged,
                "rejected": result.rejected,
                "households": len(touched),
                "as_of": as_of.isoformat(),
                # The registry tables were locked and their indexes built after the load.
                "first_load": first_load,
            },
        )
    if result.written >= ANALYZE_AFTER:
        bulk.analyze(
            "registry_household", "registry_person", "registry_membership", "registry_designation"
        )
    report("written", staged.rows, staged.rows)
    return result


def _explain_household_rejections(staged: staging.Staged, rows: checks.Rows) -> None:
    """Rows that fell with their household but had no problem of their own get one, so
    every rejected row in the report says why."""
    own = {p.row for p in staged.problems if p.severity == "error"}
    first_bad: dict[tuple[str, str], int] = {}
    for i in sorted(rows.rejected):
        if staged.row_numbers[i] in own and rows.key[i] is not None:
            first_bad.setdefault(rows.key[i], staged.row_numbers[i])
    for i in sorted(rows.rejected):
        if staged.row_numbers[i] not in own:
            key = rows.key[i]
            where = f"第 {first_bad[key]} 行" if key in first_bad else "同户其他行"
            staged.problems.append(
                Problem(
                    staged.row_numbers[i],
                    "户编号",
                    key[1] if key else "",
                    f"本户{where}有错误，整户未导入",
                )
            )


def _sha256_behind(path) -> Future:
    """The file's SHA-256 for the audit record, worked out in a thread while the rows are
    checked: hashlib lets go of the interpreter while it hashes, and a county's file is
    hundreds of megabytes."""
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="fupin-sha256")
    try:
        return pool.submit(_sha256, path)
    finally:
        pool.shutdown(wait=False)


def _sha256(path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


__all__ = ["ImportFileError", "import_households"]
