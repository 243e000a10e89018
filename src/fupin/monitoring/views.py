from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.core import scope
from fupin.core.export import csv_response
from fupin.core.forms import apply_errors
from fupin.core.paging import page_of
from fupin.monitoring import selectors, services
from fupin.monitoring.forms import CadreReportForm, CheckForm, StaffLeadForm
from fupin.monitoring.models import Channel, Lead
from fupin.regions.models import Region
from fupin.registry.errors import StaleVersion
from fupin.registry.models import Household
from fupin.registry.selectors import household_list


@login_required
@require_GET
def lead_list(request):
    waiting = request.GET.get("all") != "1"
    if waiting:
        found = selectors.worklist(actor=request.user, within=request.region_code)
    else:
        found = selectors.leads(
            actor=request.user,
            within=request.region_code,
            status=request.GET.get("status", ""),
            search=request.GET.get("q", ""),
        )
    return render(
        request,
        "monitoring/lead_list.html",
        {"page": page_of(request, found), "waiting": waiting, "statuses": Lead.Status.choices},
    )


def _villages(user, within):
    found = scope.visible(user, Region.objects.filter(level="village"), within=within)
    return [
        (r.code, f"{r.parent.name if r.parent else ''}{r.name}")
        for r in found.select_related("parent")[:2000]
    ]


@login_required
@require_http_methods(["GET", "POST"])
def lead_new(request):
    """A written or 12317 hotline application, entered by staff."""
    form = StaffLeadForm(
        request.POST or None, villages=_villages(request.user, request.region_code)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lead, merged = services.lead_report(
                actor=request.user,
                channel=data["channel"],
                village_code=data["village"],
                risk_types=data["risk_types"],
                difficulty=data["difficulty"],
                name=data["name"],
                phone=data["phone"],
                id_number=data["id_number"],
                amount=data["amount"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        except PermissionDenied:
            raise
        else:
            _said(request, lead, merged)
            return redirect("monitoring:lead_detail", pk=lead.pk)
    return render(request, "monitoring/lead_new.html", {"form": form})


def _said(request, lead: Lead, merged: bool) -> None:
    if merged:
        messages.success(
            request, _("该户近期已有线索（%(r)s），本次报告已并入。") % {"r": lead.receipt}
        )
    else:
        messages.success(request, _("已登记线索 %(r)s。") % {"r": lead.receipt})


@login_required
@require_http_methods(["GET", "POST"])
def cadre_report(request, household_pk: int):
    """A cadre's report from the household page: tick the risks, send."""
    household = get_object_or_404(household_list(actor=request.user), pk=household_pk)
    form = CadreReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lead, merged = services.lead_report(
                actor=request.user,
                channel=Channel.CADRE,
                household=household,
                risk_types=form.cleaned_data["risk_types"],
                difficulty=form.cleaned_data["difficulty"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            _said(request, lead, merged)
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "monitoring/cadre_report.html", {"form": form, "household": household})


@login_required
@require_http_methods(["GET", "POST"])
def lead_detail(request, pk: int):
    lead = get_object_or_404(selectors.leads(actor=request.user), pk=pk)
    may_check = lead.status == Lead.Status.OPEN and services.may_check(request.user, lead)
    form = CheckForm(request.POST or None) if may_check else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("该线索已核实，或不由您入户核实。"))
        if form.is_valid():
            data = form.cleaned_data
            household = None
            if data["household_number"]:
                household = Household.objects.filter(
                    county_code=lead.region_id[:6], number=data["household_number"].strip()
                ).first()
                if household is None:
                    form.add_error("household_number", _("本县没有这个户编号。"))
            if not form.errors:
                try:
                    services.lead_check(
                        actor=request.user,
                        lead=lead,
                        outcome=data["outcome"],
                        reason=data["reason"],
                        target_kind=data["target_kind"],
                        household=household,
                        version=int(request.POST.get("version") or 0),
                    )
                except StaleVersion:
                    messages.error(request, _("该线索已被他人处理，请查看最新情况。"))
                    return redirect("monitoring:lead_detail", pk=pk)
                except ValidationError as error:
                    apply_errors(form, error)
                else:
                    messages.success(request, _("已记录核实结果。"))
                    return redirect("monitoring:lead_detail", pk=pk)
    return render(
        request,
        "monitoring/lead_detail.html",
        {"lead": lead, "sources": lead.sources.select_related("recorded_by"), "form": form},
    )


@login_required
@require_GET
def lead_export(request):
    found = selectors.leads(actor=request.user, within=request.region_code)
    header = [
        _("受理编号"),
        _("受理日期"),
        _("责任村"),
        _("户编号"),
        _("户主"),
        _("风险类型"),
        _("状态"),
        _("入户核实期限"),
        _("入户核实日期"),
        _("县级确定期限"),
        _("办结日期"),
    ]

    def rows():
        for lead in found.iterator(chunk_size=500):
            yield [
                lead.receipt,
                lead.received_on,
                lead.region.name,
                lead.household.number if lead.household_id else "",
                lead.household.head_name if lead.household_id else "",
                lead.risk_labels(),
                lead.get_status_display(),
                lead.check_due,
                lead.checked_on or "",
                lead.decision_due,
                lead.decided_on or "",
            ]

    return csv_response("leads", header, rows())
