from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.assistance import selectors, services
from fupin.assistance.forms import PairingForm
from fupin.assistance.models import CADRE_ROLES
from fupin.core.export import csv_response
from fupin.core.forms import apply_errors
from fupin.core.paging import page_of
from fupin.registry.models import Household
from fupin.registry.selectors import household_list


def household_pairing(user, household: Household) -> dict:
    """The household page's pairing panel: its pairings and whether the user may change it."""
    return {
        "pairings": selectors.for_household(actor=user, household=household),
        "can_pair": services.may_pair(user, household),
    }


@login_required
@require_GET
def pairing_list(request):
    everything = request.GET.get("all") == "1"
    mine = request.user.role in CADRE_ROLES and request.GET.get("mine") == "1"
    found = selectors.pairings(
        actor=request.user,
        within=request.region_code,
        current=not everything,
        cadre=request.user if mine else None,
        search=request.GET.get("q", ""),
    )
    return render(
        request,
        "assistance/pairing_list.html",
        {
            "page": page_of(request, found),
            "everything": everything,
            "mine": bool(mine),
            "may_filter_mine": request.user.role in CADRE_ROLES,
        },
    )


@login_required
@require_GET
def pairing_detail(request, pk: int):
    pairing = get_object_or_404(selectors.pairings(actor=request.user), pk=pk)
    return render(
        request,
        "assistance/pairing_detail.html",
        {
            "pairing": pairing,
            "history": selectors.for_household(actor=request.user, household=pairing.household),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def pairing_set(request, household_pk: int):
    """Give a household its responsible cadre (from the household page)."""
    household = get_object_or_404(household_list(actor=request.user), pk=household_pk)
    if not services.may_pair(request.user, household):
        raise PermissionDenied(_("您的角色不能确定帮扶责任人。"))
    form = PairingForm(request.POST or None, cadres=selectors.cadres_for(household))
    if request.method == "POST" and form.is_valid():
        try:
            services.pairing_set(
                actor=request.user,
                household=household,
                cadre=form.cleaned_data["cadre"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已确定帮扶责任人。"))
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "assistance/pairing_form.html", {"form": form, "household": household})


@login_required
@require_GET
def pairing_export(request):
    found = selectors.pairings(
        actor=request.user, within=request.region_code, current=request.GET.get("all") != "1"
    )
    header = [
        _("户编号"),
        _("户主"),
        _("所在村"),
        _("户类型"),
        _("帮扶责任人"),
        _("角色"),
        _("开始日期"),
        _("结束日期"),
        _("原因"),
    ]

    def rows():
        for p in found.iterator(chunk_size=500):
            yield [
                p.household.number,
                p.household.head_name,
                p.household.region.name,
                p.household.get_household_type_display(),
                p.cadre.display_name,
                p.cadre.get_role_display(),
                p.start,
                p.end or "",
                p.reason,
            ]

    return csv_response("pairings", header, rows())
