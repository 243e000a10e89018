from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from fupin.core.export import csv_response
from fupin.core.forms import apply_errors
from fupin.core.paging import page_of
from fupin.regions.models import Region
from fupin.registry import choices as c
from fupin.standards import selectors
from fupin.standards.engine import ENGINES
from fupin.standards.explain import LABELS, STATUS
from fupin.standards.parameters import FIRST_YEAR
from fupin.standards.rules import CRITERIA
from fupin.standards.runs import may_run, run_start

OUTCOME_CHOICES = [
    ("", gettext_lazy("全部")),
    ("exit_eligible", gettext_lazy("符合脱贫条件")),
    ("not_exit_eligible", gettext_lazy("贫困户中暂不符合脱贫条件")),
    ("monitoring_candidate", gettext_lazy("符合纳入监测条件")),
    ("risk_eliminable", gettext_lazy("符合风险消除条件")),
    ("not_risk_eliminable", gettext_lazy("监测户中暂不符合风险消除条件")),
]


class RunForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("核验年度"), min_value=FIRST_YEAR, max_value=2100)
    region = forms.ChoiceField(label=gettext_lazy("核验区域"))
    engine = forms.ChoiceField(
        label=gettext_lazy("计算引擎"), choices=[(e, e) for e in ENGINES], initial="duckdb"
    )
    note = forms.CharField(label=gettext_lazy("说明"), max_length=200, required=False)

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, f"{r.name}（{r.code}）") for r in regions]
        self.fields["year"].initial = timezone.localdate().year - 1


def _start_regions(user):
    """The user's own region and the levels down to townships, for the start form."""
    from fupin.core import scope

    return scope.visible(
        user, Region.objects.filter(level__in=["province", "city", "county", "township"])
    ).order_by("code")[:500]


@login_required
@require_http_methods(["GET", "POST"])
def run_list(request):
    form = None
    if may_run(request.user):
        form = RunForm(request.POST or None, regions=_start_regions(request.user))
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("您的角色不能发起批量核验。"))
        if form.is_valid():
            data = form.cleaned_data
            try:
                run = run_start(
                    actor=request.user,
                    year=data["year"],
                    region_code=data["region"],
                    engine_name=data["engine"],
                    note=data["note"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                return redirect("standards:run_detail", pk=run.pk)
    runs = selectors.runs(
        actor=request.user, within=request.region_code, search=request.GET.get("q", "")
    )
    return render(
        request, "standards/run_list.html", {"page": page_of(request, runs), "form": form}
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def run_detail(request, pk: int):
    run = selectors.run_detail(actor=request.user, pk=pk)
    counts = run.counts or {}
    return render(
        request,
        "standards/run_detail.html",
        {
            "run": run,
            "counts": counts,
            "villages": selectors.village_summary(actor=request.user, run_id=run.pk)[:1000],
            "parameters": _parameter_rows(run),
        },
    )


def _parameter_rows(run) -> list[dict]:
    from fupin.standards.parameters import PARAMETERS

    rows = []
    for province, values in sorted((run.parameters or {}).items()):
        for key, value in values.items():
            if key in PARAMETERS:
                rows.append(
                    {
                        "province": province,
                        "label": PARAMETERS[key].label,
                        "value": value,
                        "unit": PARAMETERS[key].unit,
                    }
                )
    return rows


@login_required
@require_safe
def run_export(request):
    runs = selectors.runs(actor=request.user, within=request.region_code)
    header = [
        _("编号"),
        _("核验年度"),
        _("核验区域"),
        _("计算引擎"),
        _("状态"),
        _("发起人"),
        _("发起时间"),
        _("用时（秒）"),
        _("户数"),
        _("符合脱贫条件"),
        _("符合纳入监测条件"),
        _("符合风险消除条件"),
        _("说明"),
    ]

    def rows():
        for run in runs.iterator(chunk_size=500):
            counts = run.counts or {}
            yield [
                run.pk,
                run.year,
                run.region.name if run.region_id else _("全部"),
                run.engine,
                run.get_status_display(),
                str(run.started_by or _("命令行")),
                timezone.localtime(run.started_at).strftime("%Y-%m-%d %H:%M"),
                run.seconds,
                counts.get("households"),
                counts.get("exit_eligible"),
                counts.get("monitoring_candidates"),
                counts.get("risk_eliminable"),
                run.note,
            ]

    return csv_response("evaluation-runs", header, rows())


class VerdictFilterForm(forms.Form):
    run = forms.IntegerField(label=gettext_lazy("核验编号"), required=False)
    outcome = forms.ChoiceField(label=gettext_lazy("结果"), choices=OUTCOME_CHOICES, required=False)
    failed = forms.ChoiceField(
        label=gettext_lazy("未达标项"),
        choices=[("", gettext_lazy("全部")), *LABELS.items()],
        required=False,
    )
    q = forms.CharField(label=gettext_lazy("户编号或户主姓名"), required=False)


def _filtered_verdicts(request):
    form = VerdictFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    found = selectors.verdicts(
        actor=request.user,
        within=request.region_code,
        run_id=data.get("run"),
        outcome=data.get("outcome") or "",
        failed=data.get("failed") or "",
        search=data.get("q") or "",
    )
    return form, found


@login_required
@require_safe
def verdict_list(request):
    form, found = _filtered_verdicts(request)
    return render(
        request,
        "standards/verdict_list.html",
        {"form": form, "page": page_of(request, found), "labels": LABELS},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def verdict_detail(request, pk: int):
    verdict = get_object_or_404(selectors.verdicts(actor=request.user), pk=pk)
    rows = [
        {
            "label": LABELS[name],
            "status": verdict.criteria.get(name, "unknown"),
            "status_label": STATUS[verdict.criteria.get(name, "unknown")],
        }
        for name in CRITERIA
    ]
    kind = c.HouseholdType(verdict.monitoring_kind).label if verdict.monitoring_kind else ""
    return render(
        request,
        "standards/verdict_detail.html",
        {"verdict": verdict, "rows": rows, "kind": kind},
    )


@login_required
@require_safe
def verdict_export(request):
    _form, found = _filtered_verdicts(request)
    header = [
        _("核验编号"),
        _("核验年度"),
        _("户编号"),
        _("户主"),
        _("所在村"),
        _("行政区划代码"),
        _("计算人口"),
        _("人均纯收入"),
        *[str(LABELS[n]) for n in CRITERIA],
        _("符合脱贫条件"),
        _("未达标项"),
        _("符合纳入监测条件"),
        _("监测类型"),
        _("纳入监测原因"),
        _("符合风险消除条件"),
    ]
    yes_no = {True: _("是"), False: _("否"), None: ""}
    reasons = {"income_below_threshold": _("收入低于监测范围"), "rigid_spending": _("刚性支出过大")}

    def rows():
        for v in found.iterator(chunk_size=2000):
            yield [
                v.run_id,
                v.run.year,
                v.household_number,
                v.household.head_name,
                v.region.name,
                v.region_id,
                v.members_counted,
                v.per_capita_net_income,
                *[str(STATUS[v.criteria.get(n, "unknown")]) for n in CRITERIA],
                yes_no[v.exit_eligible],
                "、".join(str(LABELS[f]) for f in v.failed_list),
                yes_no[v.monitoring_candidate],
                c.HouseholdType(v.monitoring_kind).label if v.monitoring_kind else "",
                "、".join(str(reasons[r]) for r in v.reasons_list),
                yes_no[v.risk_eliminable],
            ]

    return csv_response("verdicts", header, rows())
