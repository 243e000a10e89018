"""The standard tables page: pick a table and a year for the area in view, read it on the
page, download it as Excel or PDF (audited: the tables carry the printer's name)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fupin.core import audit
from fupin.public.pdf import FontMissing
from fupin.reports import selectors, tables

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _area(request) -> str:
    return request.GET.get("area") or request.region_code or request.user.region_id or ""


@login_required
@require_GET
def table_list(request):
    try:
        build = selectors.build_or_raise()
    except selectors.NoAnalytics as error:
        return render(request, "reports/tables.html", {"missing": str(error)})
    code = _area(request)
    key = request.GET.get("table", "households")
    if key not in tables.TABLES:
        raise Http404
    try:
        year = int(request.GET.get("year") or build.last_year)
    except ValueError:
        year = build.last_year
    year = min(max(year, build.first_year), build.last_year)
    table, heading = tables.make(key, actor=request.user, code=code, year=year)
    download = request.GET.get("format")
    if download in ("xlsx", "pdf"):
        return _download(request, table, heading, download)
    return render(
        request,
        "reports/tables.html",
        {
            "table": table,
            "heading": heading,
            "choices": [(k, label) for k, (label, _b) in tables.TABLES.items()],
            "key": key,
            "years": range(build.last_year, build.first_year - 1, -1),
            "year": year,
            "area": code,
        },
    )


def _download(request, table, heading, kind: str):
    if kind == "pdf":
        try:
            content = tables.to_pdf(table, heading)
        except FontMissing:
            return HttpResponse(
                _("服务器缺少中文字体，暂时不能生成 PDF；请下载 Excel。"), status=503
            )
        content_type = "application/pdf"
    else:
        content, content_type = tables.to_xlsx(table, heading), XLSX
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action="reports.table",
            region_code=heading.code,
            target_repr=table.title,
            after={"table": table.key, "year": heading.year, "format": kind},
        )
    response = HttpResponse(content, content_type=content_type)
    name = f"{heading.area}-{table.title}-{heading.year}.{kind}"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response
