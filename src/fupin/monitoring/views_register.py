"""Pages of the monitored register (current, history, yearly share, export) and of the
timeliness of leads. Thin: every read goes through monitoring.register or
monitoring.timeliness with the reader's scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from fupin.core import scope
from fupin.core.export import xlsx_response
from fupin.core.paging import page_of
from fupin.monitoring import register as reads
from fupin.monitoring import selectors
from fupin.monitoring.forms_register import RegisterFilterForm, TimelinessForm
from fupin.monitoring.timeliness import level_below, timeliness
from fupin.regions import codes
from fupin.regions.models import Region
from fupin.registry import choices as c
from fupin.standards.parameters import FIRST_YEAR


def _base_area(request) -> str:
    return request.region_code or request.user.region_id or ""


def _areas(request) -> list[tuple[str, str]]:
    """The areas one level below the reader's: the register's area filter."""
    base = _base_area(request)
    if base and codes.level_of(base) in ("village", "group"):
        return []
    below = (
        Region.objects.filter(parent_id=base) if base else Region.objects.filter(level="province")
    )
    return list(
        scope.visible(request.user, below).order_by("code").values_list("code", "name")[:1000]
    )


def _filter_form(request, history: bool = False) -> RegisterFilterForm:
    return RegisterFilterForm(request.GET or None, areas=_areas(request), history=history)


def _within(request, form: RegisterFilterForm) -> str | None:
    return form.value("area") or request.region_code


def _filters(form: RegisterFilterForm) -> reads.RegisterFilters:
    return reads.RegisterFilters(
        kind=form.value("kind"), risk_type=form.value("risk_type"), search=form.value("q")
    )


@login_required
@require_GET
def register(request):
    form = _filter_form(request)
    found = reads.current(actor=request.user, within=_within(request, form), filters=_filters(form))
    page = page_of(request, found)
    rows = reads.decorate(page.object_list, actor=request.user, today=timezone.localdate())
    return render(
        request,
        "monitoring/register.html",
        {"tab": "current", "form": form, "page": page, "rows": rows},
    )


def _history(request):
    form = _filter_form(request, history=True)
    found = reads.history(
        actor=request.user,
        within=_within(request, form),
        kind=form.value("kind"),
        search=form.value("q"),
    )
    return form, found


@login_required
@require_GET
def register_history(request):
    form, found = _history(request)
    page = page_of(request, found)
    for designation in page:
        designation.ending = reads.ending(designation)
    return render(
        request, "monitoring/register_history.html", {"tab": "history", "form": form, "page": page}
    )


def _year(request) -> int:
    this_year = timezone.localdate().year
    try:
        return min(max(int(request.GET.get("year", "")), FIRST_YEAR), this_year)
    except ValueError:
        return this_year


@login_required
@require_GET
def register_share(request):
    """The monitored persons' share of registered persons in the reader's area for a year
    (at 31 December; this year: as things stand), and in each area below it."""
    year = _year(request)
    code = _base_area(request)
    rows = reads.share(code, year) if code and scope.region_in_scope(request.user, code) else []
    return render(
        request,
        "monitoring/register_share.html",
        {
            "tab": "share",
            "year": year,
            "years": range(timezone.localdate().year, FIRST_YEAR - 1, -1),
            "area": rows[0] if rows else None,
            "children": rows[1:],
        },
    )


@login_required
@require_GET
def register_export(request):
    if request.GET.get("tab") == "history":
        return _history_export(request)
    form = _filter_form(request)
    found = reads.current(actor=request.user, within=_within(request, form), filters=_filters(form))
    header = [
        _("户编号"),
        _("户主"),
        _("所在村"),
        _("家庭人口"),
        _("监测类型"),
        _("风险类型"),
        _("纳入监测日期"),
        _("纳入天数"),
        _("帮扶责任人"),
        _("最近核验"),
        _("核验日期"),
    ]

    def rows():
        today = timezone.localdate()
        for h in reads.decorated(found, actor=request.user, today=today):
            yield [
                h.number,
                h.head_name,
                h.region.name,
                h.member_count,
                h.get_household_type_display(),
                h.risk_labels,
                h.since,
                h.days_monitored,
                h.cadre_name or "",
                _verdict_text(h.verdict_id, h.verdict_eliminable),
                timezone.localtime(h.verdict_at).date() if h.verdict_at else None,
            ]

    return xlsx_response("monitored", header, rows(), sheet=_("监测对象"))


def _verdict_text(verdict_id, eliminable) -> str:
    if verdict_id is None:
        return _("未核验")
    if eliminable is None:
        return _("未判定")
    return _("符合风险消除条件") if eliminable else _("暂不符合风险消除条件")


def _history_export(request):
    _form, found = _history(request)
    header = [
        _("户编号"),
        _("户主"),
        _("所在村"),
        _("监测类型"),
        _("开始日期"),
        _("结束日期"),
        _("结果"),
    ]

    def rows():
        for d in found.iterator(chunk_size=500):
            yield [
                d.household.number,
                d.household.head_name,
                d.household.region.name,
                c.HouseholdType(d.kind).label if d.kind in c.HouseholdType.values else d.kind,
                d.start,
                d.end,
                reads.ending(d),
            ]

    return xlsx_response("monitored-history", header, rows(), sheet=_("监测历史"))


@login_required
@require_GET
def timeliness_page(request):
    """Leads received in a period per township (per county above the county level): how
    many were checked and decided in time, the median days to decision, what is open."""
    form = TimelinessForm(request.GET or None)
    start, end = form.period()
    if not form.is_bound:
        form.initial = {"start": start, "end": end}
    area = _base_area(request)
    leads = selectors.leads(actor=request.user, within=request.region_code).filter(
        received_on__gte=start, received_on__lte=end
    )
    report = timeliness(leads, level=level_below(area), today=timezone.localdate(), total_code=area)
    if request.GET.get("format") == "xlsx":
        return _timeliness_export(report)
    return render(
        request,
        "monitoring/timeliness.html",
        {"form": form, "start": start, "end": end, "report": report},
    )


def _timeliness_export(report):
    header = [
        _("区域"),
        _("受理线索"),
        _("已入户核实"),
        _("按期核实"),
        _("按期核实率（%）"),
        _("已办结"),
        _("按期办结"),
        _("按期办结率（%）"),
        _("办结天数中位数"),
        _("未办结"),
        _("已逾期"),
    ]

    def rows():
        for item in [*report.areas, report.total]:
            yield [
                item.name or item.code or _("合计"),
                item.received,
                item.checked,
                item.checked_in_time,
                item.checked_in_time_rate,
                item.decided,
                item.decided_in_time,
                item.decided_in_time_rate,
                item.median_days,
                item.open,
                item.overdue,
            ]

    return xlsx_response("lead-timeliness", header, rows(), sheet=_("线索办理及时性"))
