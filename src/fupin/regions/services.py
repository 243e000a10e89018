from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.core import audit, scope
from fupin.regions import codes
from fupin.regions.models import Region


def _require_region_manager(actor) -> None:
    if not roles.may(actor, roles.Capability.MANAGE_REGIONS):
        raise PermissionDenied(_("只有县级及以上管理部门可以维护行政区划。"))


@transaction.atomic
def region_create(*, actor, code: str, name: str) -> Region:
    """Add a region below an existing parent; its level follows from the code."""
    code = codes.expand(code)
    if not codes.is_valid(code):
        raise ValidationError({"code": _("区划代码应为12位数字（村民小组15位）。")})
    parent = codes.parent_code(code)
    _require_region_manager(actor)
    scope.require_write(actor, parent or code)
    if parent and not Region.objects.filter(code=parent).exists():
        raise ValidationError({"code": _("上级区划 %(code)s 不存在。") % {"code": parent}})
    if Region.objects.filter(code=code).exists():
        raise ValidationError({"code": _("区划代码 %(code)s 已存在。") % {"code": code}})
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("名称不能为空。")})
    region = Region.objects.create(
        code=code, name=name, level=codes.level_of(code), parent_id=parent
    )
    audit.record(
        actor=actor,
        action="region.create",
        target=region,
        region_code=code,
        after=audit.snapshot(region),
    )
    return region


@transaction.atomic
def region_rename(*, actor, region: Region, name: str) -> Region:
    """Change a region's name (the code never changes: it is the key other records hold)."""
    region = Region.objects.select_for_update().get(pk=region.pk)
    _require_region_manager(actor)
    scope.require_write(actor, region.code)
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("名称不能为空。")})
    before = audit.snapshot(region, ["name", "version"])
    region.name = name
    region.version += 1
    region.save(update_fields=["name", "version"])
    old, new = audit.changes(before, audit.snapshot(region, ["name", "version"]))
    audit.record(
        actor=actor,
        action="region.rename",
        target=region,
        region_code=region.code,
        before=old,
        after=new,
    )
    return region
