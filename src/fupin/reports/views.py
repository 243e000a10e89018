"""Statistics pages: the dashboard of an area and year (drill-down by area), each panel's
numbers as Excel, and the rebuild of the analytics tables."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from fupin.accounts import roles
from fupin.core import audit, jobs, scope
from fupin.regions.models import Region
from fupin.reports import panels, selectors, tables, tasks
from fupin.reports.views_tables import XLSX


def area_of(request) -> str:
    """The area asked for, else the one picked in the region switcher, else the user's own
    (the first province for a national account)."""
    code = request.GET.get("area") or request.region_code or request.user.region_id
    if not code:
        first = Region.objects.filter(level="province").order_by("code").first()
        code = first.code if first else ""
    return code


def _crumbs(user, region: Region) -> list[Region]:
    chain = []
    current = region
    while current is not None:
        if scope.region_in_scope(user, current.code):
            chain.append(current)
        current = current.parent
    return list(reversed(chain))


@login_required
@require_GET
def dashboard(request):
    may_rebuild = roles.may(request.user, roles.Capability.RUN_EVALUATION)
    try:
        build = selectors.build_or_raise()
    except selectors.NoAnalytics as error:
        return render(
            request,
            "reports/dashboard.html",
            {"missing": str(error), "may_rebuild": may_rebuild},
        )
    code = area_of(request)
    region = Region.objects.filter(code=code).select_related("parent").first()
    if region is None:
        raise Http404
    if not scope.region_in_scope(request.user, code):
        raise PermissionDenied(_("该数据不在您的管辖范围内。"))
    try:
        year = int(request.GET.get("year") or build.last_year)
    except ValueError:
        year = build.last_year
    year = min(max(year, build.first_year), build.last_year)

    def link(child: str) -> str:
        return f"{reverse('reports:dashboard')}?{urlencode({'area': child, 'year': year})}"

    found = panels.build(actor=request.user, code=code, year=year, link=link)
    wanted = request.GET.get("download")
    if wanted:
        panel = next((p for p in found if p.key == wanted), None)
        if panel is None:
            raise Http404
        return _download(request, panel, region, year, build)
    return render(
        request,
        "reports/dashboard.html",
        {
            "region": region,
            "crumbs": _crumbs(request.user, region),
            "year": year,
            "years": range(build.last_year, build.first_year - 1, -1),
            "panels": found,
            "build": build,
            "may_rebuild": may_rebuild,
            "charts": {
                f"chart-{panel.key}-{index}": chart.as_json()
                for panel in found
                for index, chart in enumerate(panel.charts)
            },
        },
    )


def _download(request, panel, region: Region, year: int, build):
    name = request.user.full_name or request.user.username
    heading = tables.Heading(region.name, region.code, year, build.finished_at, name)
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action="reports.panel",
            region_code=region.code,
            target_repr=panel.title,
            after={"panel": panel.key, "year": year},
        )
    response = HttpResponse(tables.to_xlsx(panel.table, heading), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        True, f"{region.name}-{panel.title}-{year}.xlsx"
    )
    return response


@login_required
@require_POST
def rebuild(request):
    if not roles.may(request.user, roles.Capability.RUN_EVALUATION):
        raise PermissionDenied(_("您的角色不能重新生成统计数据。"))
    job = jobs.job_start(
        actor=request.user,
        kind="analytics_rebuild",
        title=_("重新生成统计数据"),
        task=tasks.analytics_rebuild,
        params={},
    )
    return redirect("core:job_detail", pk=job.pk)
