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


def runs(*, actor, within: str | None = None, search: str = ""):
    from django.db.models import Q

    from fupin.core import scope
    from fupin.standards.models import EvaluationRun

    found = scope.visible(actor, EvaluationRun.objects.all(), within=within)
    term = search.strip()
    if term:
        found = found.filter(Q(note__contains=term) | Q(region__name__contains=term))
    return found.select_related("region", "started_by")


def run_detail(*, actor, pk: int):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(runs(actor=actor), pk=pk)


OUTCOMES = {
    "exit_eligible": {"exit_eligible": True},
    "not_exit_eligible": {"exit_eligible": False},
    "monitoring_candidate": {"monitoring_candidate": True},
    "risk_eliminable": {"risk_eliminable": True},
    "not_risk_eliminable": {"risk_eliminable": False},
}


def verdicts(
    *,
    actor,
    within: str | None = None,
    run_id: int | None = None,
    outcome: str = "",
    failed: str = "",
    search: str = "",
):
    """Verdicts the actor may see (by the household's village), filtered."""
    from django.db.models import Q

    from fupin.core import scope
    from fupin.standards.models import Verdict
    from fupin.standards.rules import CRITERIA

    found = scope.visible(actor, Verdict.objects.all(), within=within)
    if run_id:
        found = found.filter(run_id=run_id)
    if outcome in OUTCOMES:
        found = found.filter(**OUTCOMES[outcome])
    if failed in CRITERIA:
        found = found.filter(failed_criteria__contains=failed)
    term = search.strip()
    if term:
        found = found.filter(Q(household_number=term) | Q(household__head_name__startswith=term))
    return found.select_related("region", "household", "run").order_by("run_id", "region_id", "id")


def village_summary(*, actor, run_id: int) -> list[dict]:
    """Per village of a run: households, poor, exit-eligible, candidates, monitored."""
    from django.db.models import Count, Q

    rows = (
        verdicts(actor=actor, run_id=run_id)
        .order_by()
        .values("region_id", "region__name")
        .annotate(
            households=Count("id"),
            poor=Count("id", filter=Q(exit_eligible__isnull=False)),
            eligible=Count("id", filter=Q(exit_eligible=True)),
            candidates=Count("id", filter=Q(monitoring_candidate=True)),
            monitored=Count("id", filter=Q(risk_eliminable__isnull=False)),
            eliminable=Count("id", filter=Q(risk_eliminable=True)),
        )
        .order_by("region_id")
    )
    return list(rows)
