from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fupin.accounts import roles
from fupin.core import scope
from fupin.core.export import csv_response
from fupin.core.forms import apply_errors
from fupin.core.paging import page_of
from fupin.regions import selectors, services
from fupin.regions.forms import RegionRenameForm
from fupin.regions.models import Region


@login_required
def region_list(request):
    search = request.GET.get("q", "")
    within = request.region_code
    if search:
        regions = selectors.region_list(actor=request.user, within=within, search=search)
    else:
        regions = selectors.region_children(actor=request.user, code=within)
    regions = regions.select_related("parent")
    return render(
        request,
        "regions/region_list.html",
        {"page": page_of(request, regions), "search": search},
    )


@login_required
def region_detail(request, pk: str):
    region = selectors.region_get(actor=request.user, code=pk)
    children = selectors.region_children(actor=request.user, code=region.code)
    can_edit = roles.may(request.user, roles.Capability.MANAGE_REGIONS) and (
        scope.editable(request.user, Region.objects.filter(pk=region.pk)).exists()
    )
    return render(
        request,
        "regions/region_detail.html",
        {"region": region, "page": page_of(request, children), "can_edit": can_edit},
    )


@login_required
@require_http_methods(["GET", "POST"])
def region_edit(request, pk: str):
    region = get_object_or_404(scope.editable(request.user, Region.objects.all()), pk=pk)
    if not roles.may(request.user, roles.Capability.MANAGE_REGIONS):
        raise PermissionDenied(_("只有县级及以上管理部门可以维护行政区划。"))
    form = RegionRenameForm(request.POST or None, initial={"name": region.name})
    if request.method == "POST" and form.is_valid():
        try:
            services.region_rename(
                actor=request.user, region=region, name=form.cleaned_data["name"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("regions:detail", pk=region.pk)
    return render(request, "regions/region_edit.html", {"region": region, "form": form})


@login_required
def region_export(request):
    regions = selectors.region_list(
        actor=request.user, within=request.region_code, search=request.GET.get("q", "")
    ).values_list("code", "name", "level", "parent_id")
    header = [_("区划代码"), _("名称"), _("层级"), _("上级区划代码")]
    return csv_response("regions", header, regions.iterator(chunk_size=2000))
