"""Recording a county exit evaluation's sampled counts: validated, versioned, audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.core import audit, scope
from fupin.regions.models import Region
from fupin.registry.errors import StaleVersion
from fupin.standards.models import CountyExitEvaluation
from fupin.standards.parameters import FIRST_YEAR

COUNTS = [
    "sampled_exited_persons",
    "wrong_exit_persons",
    "sampled_other_persons",
    "missed_persons",
    "surveyed_households",
    "approving_households",
]
# (part, whole): a part cannot exceed the sample it was found in.
PARTS = [
    ("wrong_exit_persons", "sampled_exited_persons"),
    ("missed_persons", "sampled_other_persons"),
    ("approving_households", "surveyed_households"),
]


def may_record(user) -> bool:
    return roles.may(user, roles.Capability.RECORD_EXIT_EVALUATION)


@transaction.atomic
def evaluation_record(
    *, actor, county_code: str, year: int, counts: dict, note: str = "", version=None
) -> CountyExitEvaluation:
    if not may_record(actor):
        raise PermissionDenied(_("您的角色不能录入贫困县退出评估。"))
    scope.require_read(actor, county_code)
    county = Region.objects.filter(code=county_code, level="county").first()
    if county is None:
        raise ValidationError({"region": _("请选择一个县。")})
    errors = {}
    if not (FIRST_YEAR <= int(year) <= 2100):
        errors["year"] = _("年度应在 %(y)s 年以后。") % {"y": FIRST_YEAR}
    values = {}
    for name in COUNTS:
        value = counts.get(name)
        if value is None or int(value) < 0:
            errors[name] = _("请填写不小于 0 的整数。")
        else:
            values[name] = int(value)
    for part, whole in PARTS:
        if part in values and whole in values and values[part] > values[whole]:
            errors[part] = _("不能大于抽查（调查）总数 %(n)s。") % {"n": values[whole]}
    if errors:
        raise ValidationError(errors)
    record = (
        CountyExitEvaluation.objects.select_for_update().filter(region=county, year=year).first()
    )
    before = None
    if record is None:
        record = CountyExitEvaluation(region=county, year=year, **values)
    else:
        if version is not None and version != record.version:
            raise StaleVersion(record)
        before = {name: getattr(record, name) for name in COUNTS}
        for name, value in values.items():
            setattr(record, name, value)
        record.version += 1
    record.note = note[:200]
    record.entered_by = actor
    record.entered_at = timezone.now()
    record.save()
    audit.record(
        actor=actor,
        action="exit_evaluation.record",
        target=record,
        region_code=county_code,
        before=before,
        after={"year": year, **values, "note": note},
    )
    return record
