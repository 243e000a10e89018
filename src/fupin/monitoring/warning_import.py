"""`fupin warnings import`: a department's file of persons, matched with the registry by ID
number, judged by the department's rules as the person's county set them, and turned into
leads (合并 as every lead is). Nothing is dropped: each row is rejected (with its reason),
unmatched (with its reason) or matched, and the counts always add up, N = R + U + M."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import audit, bulk, crypto, idnumbers, scope
from fupin.core.import_report import Problem, write_report
from fupin.core.spreadsheets import (
    SpreadsheetError,
    ValueParseError,
    parse_date,
    parse_number,
    read_sheet,
)
from fupin.monitoring import warning_specs as specs
from fupin.monitoring.models import Channel, WarningRecord, WarningRuleSet, WarningUpload
from fupin.regions import codes
from fupin.registry.models import Household, Person

CHUNK = 500  # keys per IN (…): under SQLite's variable limit, small for PostgreSQL's planner
AMOUNT_LIMIT = Decimal("100000000")  # yuan; a larger self-pay or loss is a typing error
LABELS = {"unmatched": "未匹配", "lead": "线索"}


@dataclass
class WarningResult:
    department: str
    read: int = 0
    unmatched: int = 0
    matched: int = 0
    lead_ids: set[int] = field(default_factory=set)
    problems: list[Problem] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    upload: WarningUpload | None = None

    @property
    def rejected(self) -> int:
        return len({p.row for p in self.problems if p.severity == "error"})

    @property
    def leads(self) -> int:
        return len(self.lead_ids)

    def summary(self) -> str:
        return (
            f"read {self.read}, rejected {self.rejected}, unmatched {self.unmatched}, "
            f"matched {self.matched}, leads {self.leads}"
        )

    def check(self) -> None:
        if self.read != self.rejected + self.unmatched + self.matched:
            raise AssertionError(f"warning import counts do not add up: {self.summary()}")

    @property
    def exit_code(self) -> int:
        return 3 if self.rejected else 0

    def counts(self) -> list[tuple[str, int]]:
        return [
            ("读取", self.read),
            ("拒绝", self.rejected),
            ("未匹配", self.unmatched),
            ("匹配", self.matched),
            ("线索", self.leads),
        ]

    def write_report(self, path: str | Path) -> Path:
        return write_report(self, path, counts=self.counts(), labels=LABELS)


@dataclass
class _Row:
    number: int
    name: str
    resident: str
    values: dict
    cells: tuple


@dataclass
class _Group:
    person: dict
    judgement: specs.Judgement
    rows: list[int] = field(default_factory=list)
    amount: Decimal = Decimal(0)


def warnings_import(
    *,
    department: str,
    path: str | Path,
    actor=None,
    region_code: str | None = None,
    filename: str | None = None,
    today: date | None = None,
    progress: Callable[..., None] | None = None,
) -> WarningResult:
    """Import one department file. ``actor`` (a department user, or county staff for a
    department) limits matching to the actor's region; from the command line (no actor)
    ``region_code`` does, or nothing. Raises SpreadsheetError when the file cannot be used
    and PermissionDenied when the actor may not send this department's warnings."""
    today = today or timezone.localdate()
    progress = progress or (lambda *args, **kwargs: None)
    try:
        spec = specs.spec_for(department)
    except ValueError:
        raise SpreadsheetError(
            _("未知的部门：%(d)s（应为 %(all)s 之一）")
            % {"d": department, "all": ", ".join(specs.DEPARTMENTS)}
        ) from None
    prefix, region = _area(actor, department, region_code)
    sheet = read_sheet(path, filename=filename)
    required = [specs.ID_COLUMN, specs.NAME_COLUMN] + [
        column.header for column in spec.columns if column.required
    ]
    missing = [header for header in required if header not in sheet.headers]
    if missing:
        raise SpreadsheetError(
            _("缺少必需的列：%(missing)s。%(dept)s预警文件的列为：%(all)s")
            % {
                "missing": "、".join(missing),
                "dept": _label(department),
                "all": "、".join(spec.headers),
            }
        )
    result = WarningResult(department=department, read=sheet.num_rows)
    result.unknown_columns = [
        raw
        for raw, name in zip(sheet.raw_headers, sheet.headers, strict=True)
        if name not in spec.headers
    ]
    progress("read", 0, result.read)

    rows = _parse(spec, sheet, result, today)
    with transaction.atomic():
        upload = WarningUpload.objects.create(
            department=department,
            region=region,
            filename=(filename or Path(path).name)[:200],
            uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        result.upload = upload
        matched = _match(rows, prefix, result)
        progress("matched", len(rows), result.read)
        _judge(spec, matched, upload, actor, result, today)
        result.check()
        upload.read, upload.rejected = result.read, result.rejected
        upload.unmatched, upload.matched, upload.leads = (
            result.unmatched,
            result.matched,
            result.leads,
        )
        upload.save()
        audit.record(
            actor=actor,
            action="warnings.import",
            target=upload,
            region_code=region.code if region else None,
            after={"department": department, "counts": dict(result.counts())},
        )
    return result


def _label(department: str) -> str:
    from fupin.accounts.roles import Department

    return str(Department(department).label) if department in Department.values else department


def _area(actor, department: str, region_code: str | None):
    from fupin.regions.models import Region

    if actor is None:
        if not region_code:
            return "", None
        code = codes.expand(region_code)
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise SpreadsheetError(_("区划代码不存在：%(c)s") % {"c": region_code})
        return codes.prefix(code), region
    if not may_upload(actor, department):
        raise PermissionDenied(_("您不能导入该部门的预警数据。"))
    return scope.user_prefix(actor) or "", actor.region


def may_upload(actor, department: str) -> bool:
    from fupin.accounts import roles

    if actor is None or not roles.may(actor, roles.Capability.WRITE):
        return False
    if actor.role == roles.Role.DEPARTMENT:
        return actor.department == department
    return actor.role in (roles.Role.COUNTY, roles.Role.SYSADMIN)


def _parse(spec: specs.DepartmentSpec, sheet, result: WarningResult, today: date) -> list[_Row]:
    """Every row checked; the good ones come back parsed, the others are in the report."""
    table = sheet.table
    column = {name: table.column(i).to_pylist() for i, name in enumerate(sheet.headers)}
    numbers = sheet.row_numbers.to_pylist()
    ids = idnumbers.parse_array(table.column(sheet.headers.index(specs.ID_COLUMN)), today=today)
    id_ok = ids.column("ok").to_pylist()
    id_resident = ids.column("resident_number").to_pylist()
    id_error = ids.column("error_message").to_pylist()
    raw_ids = column[specs.ID_COLUMN]
    names = column[specs.NAME_COLUMN]
    good: list[_Row] = []
    for i, number in enumerate(numbers):
        errors: list[Problem] = []
        if not id_ok[i]:
            errors.append(Problem(number, specs.ID_COLUMN, raw_ids[i] or "", id_error[i]))
        name = (names[i] or "").strip()
        if not name:
            errors.append(Problem(number, specs.NAME_COLUMN, "", _("缺少姓名")))
        elif len(name) > 50:
            errors.append(Problem(number, specs.NAME_COLUMN, name[:60], _("姓名超过 50 个字")))
        values: dict = {}
        cells = []
        for col in spec.columns:
            text = column[col.header][i] if col.header in column else None
            cells.append(text or "")
            value, message = _value(col, text, today)
            if message:
                errors.append(Problem(number, col.header, text or "", message))
            values[col.key] = value
        if errors:
            result.problems.extend(errors)
            continue
        good.append(_Row(number, name, id_resident[i], values, tuple(cells)))
    return good


def _value(col: specs.Column, text: str | None, today: date):
    """(parsed value, Chinese message or None) for one cell."""
    if text is None or not text.strip():
        return None, (_("缺少必填项") if col.required else None)
    text = text.strip()
    try:
        if col.kind == "date":
            value = parse_date(text)
            if value > today:
                return None, _("日期晚于今天")
            return value, None
        if col.kind == "amount":
            value = parse_number(text)
            if value < 0:
                return None, _("金额不能为负数")
            if value >= AMOUNT_LIMIT:
                return None, _("金额超出范围")
            return value, None
    except ValueParseError as error:
        return None, error.message
    if col.choices and text not in col.choices and text.upper() not in col.choices:
        return None, _("应为 %(c)s 之一") % {"c": "、".join(col.choices)}
    if len(text) > 100:
        return None, _("内容超过 100 个字")
    return text, None


def _match(rows: list[_Row], prefix: str, result: WarningResult) -> list[tuple[_Row, dict]]:
    """Each row's person by the HMAC of the ID number, inside the area; the rest is
    unmatched (one message for absent and out of area: the file learns nothing more)."""
    hashes = crypto.lookup_hash_many([row.resident for row in rows])
    found: dict[str, dict] = {}
    for start in range(0, len(hashes), CHUNK):
        chunk = hashes[start : start + CHUNK]
        people = Person.objects.filter(id_hash__in=chunk, household__isnull=False)
        if prefix:
            people = people.filter(region__code__startswith=prefix)
        for person in people.values(
            "id",
            "id_hash",
            "name",
            "birth_date",
            "region_id",
            "household_id",
            "household__household_type",
        ):
            found[person["id_hash"]] = person
    matched = []
    for row, digest in zip(rows, hashes, strict=True):
        person = found.get(digest)
        if person is None:
            result.unmatched += 1
            result.problems.append(
                Problem(
                    row.number,
                    specs.ID_COLUMN,
                    idnumbers.mask(row.resident),
                    _("本辖区农户成员中没有这个证件号码"),
                    "unmatched",
                )
            )
            continue
        result.matched += 1
        if person["name"] != row.name:
            result.problems.append(
                Problem(
                    row.number,
                    specs.NAME_COLUMN,
                    row.name,
                    _("姓名与系统登记的不一致，已按证件号码匹配，请核对"),
                    "warning",
                )
            )
        matched.append((row, person))
    return matched


def _row_hash(department: str, row: _Row) -> str:
    return crypto.lookup_hash("|".join([department, row.resident, *row.cells]))


def _judge(spec, matched, upload, actor, result: WarningResult, today: date) -> None:
    department = spec.department
    digests = [_row_hash(department, row) for row, _person in matched]
    seen: set[str] = set()
    for start in range(0, len(digests), CHUNK):
        seen.update(
            WarningRecord.objects.filter(
                department=department, row_hash__in=digests[start : start + CHUNK]
            ).values_list("row_hash", flat=True)
        )
    rules = RuleCache(department)
    groups: dict[tuple[int, str], _Group] = {}
    maker = bulk.RowMaker(WarningRecord, with_id=False)
    records: list[tuple[list, tuple[int, str] | None]] = []
    first_row: dict[str, int] = {}
    for (row, person), digest in zip(matched, digests, strict=True):
        if digest in seen:
            earlier = first_row.get(digest)
            message = (
                _("与本文件第 %(r)s 行相同，已忽略") % {"r": earlier}
                if earlier
                else _("此前已导入过相同的记录，已忽略")
            )
            result.problems.append(Problem(row.number, specs.ID_COLUMN, "", message, "warning"))
            continue
        seen.add(digest)
        first_row[digest] = row.number
        judged = spec.rule(
            row.values,
            specs.Person(person["birth_date"], person["household__household_type"]),
            rules.for_person(person),
            today,
        )
        key = None
        if judged is not None:
            key = (person["id"], judged.key)
            group = groups.setdefault(key, _Group(person=person, judgement=judged))
            group.rows.append(row.number)
            group.amount += judged.amount or 0
        record = maker.make(
            upload_id=upload.pk,
            department=department,
            row=row.number,
            person_id=person["id"],
            rule_key=judged.key if judged else "",
            amount=row.values.get(spec.amount_key) if spec.amount_key else None,
            on=row.values.get(spec.date_key) if spec.date_key else None,
            row_hash=digest,
        )
        records.append((record, key))
    fired = _fire(spec, groups, matched, upload, actor, result, today)
    lead_column = maker.index["lead_id"]
    for record, key in records:
        record[lead_column] = fired.get(key) if key else None
    # Tuples, not model instances: a county's monthly medical list is a hundred thousand rows.
    bulk.insert(maker, [record for record, _key in records])


def _earlier(department: str, groups) -> dict[tuple[int, str], tuple[Decimal, int]]:
    """(amount so far, leads given) per person and key from earlier imports."""
    by_person: dict[int, set[str]] = defaultdict(set)
    for person_id, key in groups:
        by_person[person_id].add(key)
    out = {}
    people = list(by_person)
    for start in range(0, len(people), CHUNK):
        found = (
            WarningRecord.objects.filter(
                department=department,
                person_id__in=people[start : start + CHUNK],
                rule_key__in={k for p in people[start : start + CHUNK] for k in by_person[p]},
            )
            .values("person_id", "rule_key")
            .annotate(total=Sum("amount"), leads=Count("lead"))
        )
        for item in found:
            out[(item["person_id"], item["rule_key"])] = (
                item["total"] or Decimal(0),
                item["leads"],
            )
    return out


def _fire(spec, groups, matched, upload, actor, result, today) -> dict[tuple[int, str], int]:
    """One lead per person and key that reached its threshold (or needs none) and was not
    warned of before; a household's leads merge as any lead does."""
    from fupin.monitoring.services import lead_report

    earlier = _earlier(spec.department, groups)
    firing = []
    for key, group in sorted(groups.items(), key=lambda item: item[1].rows[0]):
        before, warned = earlier.get(key, (Decimal(0), 0))
        total = before + group.amount
        threshold = group.judgement.threshold
        if not warned and (threshold is None or total >= threshold):
            firing.append((key, group, total))
    names = {person["id"]: row for row, person in matched}
    households = Household.objects.in_bulk({g.person["household_id"] for _k, g, _t in firing})
    fired: dict[tuple[int, str], int] = {}
    for key, group, total in firing:
        judgement = group.judgement
        row = names[group.person["id"]]
        lead, merged = lead_report(
            channel=Channel.DEPARTMENT,
            household=households[group.person["household_id"]],
            risk_types=[spec.risk],
            difficulty=judgement.reason
            % {"total": specs._yuan(total), "threshold": specs._yuan(judgement.threshold or 0)},
            name=row.name,
            id_number=row.resident,
            amount=total if judgement.amount is not None else None,
            department=spec.department,
            details={"upload": upload.pk, "rows": group.rows, "rule": judgement.key},
            actor=actor,
            today=today,
        )
        fired[key] = lead.pk
        result.lead_ids.add(lead.pk)
        message = (_("并入线索 %(r)s") if merged else _("生成线索 %(r)s")) % {"r": lead.receipt}
        for number in group.rows:
            result.problems.append(Problem(number, specs.ID_COLUMN, "", message, "lead"))
    return fired


class RuleCache:
    """The effective thresholds per county for one department (defaults overlaid by the
    county's own), looked up once per county."""

    def __init__(self, department: str):
        self.department = department
        self._by_county: dict[str, dict] = {}

    def for_county(self, county: str) -> dict:
        if county not in self._by_county:
            self._by_county[county] = effective_rules(county, self.department)
        return self._by_county[county]

    def for_person(self, person: dict) -> dict:
        return self.for_county(person["region_id"][:6] + "000000")


def effective_rules(county: str, department: str) -> dict:
    values = dict(specs.defaults()[department])
    own = WarningRuleSet.objects.filter(region_id=county, department=department).first()
    if own is not None:
        values.update(own.values)
    return values
