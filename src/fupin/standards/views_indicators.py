from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from fupin.core import scope
from fupin.core.export import csv_response
from fupin.core.forms import apply_errors
from fupin.core.paging import page_of
from fupin.regions.models import Region
from fupin.registry.errors import StaleVersion
from fupin.standards import indicators as ind
from fupin.standards.evaluations import COUNTS, evaluation_record, may_record
from fupin.standards.models import CountyExitEvaluation
from fupin.standards.parameters import FIRST_YEAR

EXIT_LABELS = {
    "comprehensive_incidence": gettext_lazy("综合贫困发生率"),
    "wrong_exit_rate": gettext_lazy("错退率"),
    "missed_rate": gettext_lazy("漏评率"),
    "approval": gettext_lazy("群众认可度"),
}


class EvaluationForm(forms.ModelForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = CountyExitEvaluation
        fields = [*COUNTS, "note"]


def _year(request) -> int:
    try:
        return min(max(int(request.GET.get("year", "")), FIRST_YEAR), 2100)
    except ValueError:
        return timezone.localdate().year - 1


def evaluations_visible(user):
    return scope.visible(user, CountyExitEvaluation.objects.select_related("region", "entered_by"))


def county_panel(item, year: int) -> dict | None:
    record, result = ind.county_exit_for(item, year)
    if record is None:
        return None
    rows = [
        {"key": key, "label": EXIT_LABELS[key], **result[key]}
        for key in ("comprehensive_incidence", "wrong_exit_rate", "missed_rate", "approval")
    ]
    return {"record": record, "rows": rows, "meets_all": result["meets_all"]}


@login_required
@require_http_methods(["GET", "POST"])
def indicators_page(request):
    year = _year(request)
    code = request.GET.get("region") or request.region_code or request.user.region_id or ""
    region = Region.objects.filter(code=code).first()
    if region is None or not scope.region_in_scope(request.user, region.code):
        region = Region.objects.filter(code=request.user.region_id or "").first()
    if region is None:
        return render(request, "standards/indicators.html", {"year": year, "rows": []})
    form = None
    record = CountyExitEvaluation.objects.filter(region=region, year=year).first()
    if region.level == "county" and may_record(request.user):
        form = EvaluationForm(request.POST or None, instance=record)
        if record is not None:
            form.fields["version"].initial = record.version
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("您的角色不能录入贫困县退出评估。"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                evaluation_record(
                    actor=request.user,
                    county_code=region.code,
                    year=year,
                    counts={name: data[name] for name in COUNTS},
                    note=data.get("note", ""),
                    version=data.get("version"),
                )
            except StaleVersion:
                messages.error(request, _("评估记录已被他人修改，请核对后重新填写。"))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("已保存贫困县退出评估。"))
                return redirect(f"{request.path}?region={region.code}&year={year}")
    rows = ind.area_indicators(region.code, year)
    panel = county_panel(rows[0], year) if region.level == "county" else None
    return render(
        request,
        "standards/indicators.html",
        {
            "year": year,
            "years": range(FIRST_YEAR, timezone.localdate().year + 1),
            "region": region,
            "rows": rows,
            "panel": panel,
            "form": form,
        },
    )


@login_required
@require_safe
def evaluation_list(request):
    found = evaluations_visible(request.user)
    term = request.GET.get("q", "").strip()
    if term:
        found = found.filter(Q(region__name__contains=term) | Q(note__contains=term))
    return render(
        request,
        "standards/evaluation_list.html",
        {"page": page_of(request, found.order_by("-year", "region_id"))},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def evaluation_detail(request, pk: int):
    record = get_object_or_404(evaluations_visible(request.user), pk=pk)
    return render(request, "standards/evaluation_detail.html", {"record": record})


@login_required
@require_safe
def evaluation_export(request):
    found = evaluations_visible(request.user)
    header = [_("县"), _("行政区划代码"), _("评估年度")]
    header += [str(CountyExitEvaluation._meta.get_field(n).verbose_name) for n in COUNTS]
    header += [_("说明"), _("录入人"), _("录入时间")]

    def rows():
        for r in found.iterator(chunk_size=500):
            yield [
                r.region.name,
                r.region_id,
                r.year,
                *[getattr(r, n) for n in COUNTS],
                r.note,
                str(r.entered_by or ""),
                timezone.localtime(r.entered_at).strftime("%Y-%m-%d %H:%M"),
            ]

    return csv_response("county-exit-evaluations", header, rows())
