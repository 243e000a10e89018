from __future__ import annotations

from django.utils.translation import gettext as _

from fupin.standards.models import PolicyValue
from fupin.standards.parameters import NATIONAL, PARAMETERS, policy


def provinces() -> list[tuple[str, str]]:
    """(two-digit code, name) of the national row and every province in the tree."""
    from fupin.regions.models import Region

    found = Region.objects.filter(level="province").order_by("code").values_list("code", "name")
    return [(NATIONAL, _("全国")), *((code[:2], name) for code, name in found)]


def policy_rows(province: str, year: int) -> list[dict]:
    """Every parameter in force for the province and year, where it was set, and the row a
    change would edit (its version), for the policy page and API."""
    resolved = policy(province, year)
    own = {
        row.key: row
        for row in PolicyValue.objects.filter(province=province, year=year).select_related(
            "updated_by"
        )
    }
    rows = []
    for key, parameter in PARAMETERS.items():
        source = resolved.sources[key]
        row = own.get(key)
        rows.append(
            {
                "key": key,
                "label": parameter.label,
                "unit": parameter.unit,
                "value": resolved.values[key],
                "source": _source_label(source, province),
                "set_here": row is not None,
                "version": row.version if row else None,
                "note": row.note if row else "",
                "updated_by": str(row.updated_by) if row and row.updated_by else "",
                "updated_at": row.updated_at if row else None,
            }
        )
    return rows


def _source_label(source: tuple[str, int] | None, province: str) -> str:
    if source is None:
        return _("未设定（本年度不适用）")
    at, year = source
    if at == NATIONAL:
        return _("国家 %(y)s 年设定") % {"y": year}
    return _("本省 %(y)s 年设定") % {"y": year}
