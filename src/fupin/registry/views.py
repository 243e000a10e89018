from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from fupin.accounts import roles
from fupin.core import scope
from fupin.core.forms import apply_errors
from fupin.core.paging import page_of
from fupin.regions.models import Region
from fupin.registry import selectors, services
from fupin.registry.errors import StaleVersion
from fupin.registry.forms import (
    DesignationForm,
    HouseholdCreateForm,
    HouseholdFilterForm,
    HouseholdForm,
    IncomeForm,
    MemberForm,
    MemberRemoveForm,
)
from fupin.registry.models import Household
from fupin.registry.services.common import registry_editable
from fupin.registry.services.households import transition_event_kind


def _filters(form: HouseholdFilterForm) -> selectors.HouseholdFilters:
    if not form.is_valid():
        return selectors.HouseholdFilters()
    data = form.cleaned_data
    return selectors.HouseholdFilters(
        household_type=data["household_type"],
        designation_category=data["designation_category"],
        main_cause=data["main_cause"],
        identification_year=data["identification_year"],
        exit_year=data["exit_year"],
        region_flag=data["region_flag"],
        search=data["q"],
    )


@login_required
def household_list(request):
    form = HouseholdFilterForm(request.GET or None)
    households = selectors.household_list(
        actor=request.user, within=request.region_code, filters=_filters(form)
    )
    return render(
        request,
        "registry/household_list.html",
        {
            "form": form,
            "page": page_of(request, households),
            "can_create": roles.may(request.user, roles.Capability.EDIT_REGISTRY),
        },
    )


def _can_edit(user, household: Household) -> bool:
    return registry_editable(user, Household.objects.filter(pk=household.pk)).exists()


@login_required
def household_detail(request, pk: int):
    household = selectors.household_detail(actor=request.user, pk=pk)
    return render(
        request,
        "registry/household_detail.html",
        {
            "household": household,
            "standards": household_standards(household),
            "can_edit": _can_edit(request.user, household),
            "can_reveal": roles.may(request.user, roles.Capability.REVEAL_PERSONAL_DATA),
            "can_search_audit": roles.may(request.user, roles.Capability.AUDIT_SEARCH),
            "income_form": IncomeForm(),
            "designation_form": DesignationForm(),
            "remove_form": MemberRemoveForm(),
            **household_procedures(request.user, household),
            **household_pairing(request.user, household),
        },
    )


def household_pairing(user, household: Household) -> dict:
    """The household's responsible cadre and its changes (the assistance app's panel)."""
    from fupin.assistance.views import household_pairing as pairing_panel

    return pairing_panel(user, household)


def household_procedures(user, household: Household) -> dict:
    """The household's procedures with their timelines, those the user may start, and its
    monitoring leads."""
    from fupin.monitoring import selectors as monitoring_selectors
    from fupin.procedures import selectors as procedure_selectors
    from fupin.procedures.models import Kind
    from fupin.procedures.views import startable

    return {
        "procedures": procedure_selectors.for_household(actor=user, household=household),
        "startable": [(k, Kind(k).label) for k in startable(user, household)],
        "leads": monitoring_selectors.leads(actor=user).filter(household=household),
        # Any staff member who keeps or visits the household may report a risk.
        "can_report": roles.may(user, roles.Capability.WRITE)
        and user.role != roles.Role.DEPARTMENT
        and scope.region_in_scope(user, household.region_id),
    }


def household_standards(household: Household) -> dict:
    """The household against the standards of its latest income year, by the same rules
    the batch runs use: shown on the page that every save returns to."""
    from fupin.standards.engine import evaluate_household
    from fupin.standards.explain import explain
    from fupin.standards.parameters import policy

    verdict = evaluate_household(household)
    return explain(verdict, policy(household.region_id[:2], verdict["year"]))


def _editable(request, pk: int) -> Household:
    return get_object_or_404(registry_editable(request.user, Household.objects.all()), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request):
    if not roles.may(request.user, roles.Capability.EDIT_REGISTRY):
        raise PermissionDenied(_("您的角色不能修改农户信息。"))
    villages = scope.visible(
        request.user, Region.objects.filter(level="village"), within=request.region_code
    )
    form = HouseholdCreateForm(
        request.POST or None, villages=villages.select_related("parent")[:2000]
    )
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(
                actor=request.user,
                region_code=form.cleaned_data["region"],
                number=form.cleaned_data["number"],
                household_type=form.cleaned_data["household_type"],
                identification_year=form.cleaned_data["identification_year"],
                fields=form.personal_and_fields(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("农户已建档。"))
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/household_form.html", {"form": form, "creating": True})


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk: int):
    household = _editable(request, pk)
    form = HouseholdForm(request.POST or None, instance=household)
    version = int(request.POST.get("version") or household.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(
                actor=request.user,
                household=household,
                version=version,
                fields=form.personal_and_fields(),
                reason=form.cleaned_data["reason"],
            )
        except StaleVersion:
            form.add_error(None, _("该户信息已被他人修改。请重新打开本页，核对后再保存。"))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:household_detail", pk=household.pk)
    household.refresh_from_db()
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "household": household, "version": version},
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, pk: int):
    household = _editable(request, pk)
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_add(
                actor=request.user,
                household=household,
                id_number=form.cleaned_data["id_number"],
                name=form.cleaned_data["name"],
                relation=form.cleaned_data["relation"],
                fields=form.member_fields(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("成员已加入。"))
            return redirect("registry:household_detail", pk=household.pk)
    return render(request, "registry/member_form.html", {"form": form, "household": household})


@login_required
@require_http_methods(["POST"])
def income_save(request, pk: int):
    household = _editable(request, pk)
    form = IncomeForm(request.POST)
    if form.is_valid():
        parts = {k: v for k, v in form.cleaned_data.items() if k != "year"}
        try:
            services.income_set(
                actor=request.user, household=household, year=form.cleaned_data["year"], parts=parts
            )
        except ValidationError as error:
            apply_errors(form, error)
    if form.errors:
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            messages.error(request, f"{label} {' '.join(errors)}".strip())
    else:
        messages.success(request, _("收入已保存。"))
    return redirect("registry:household_detail", pk=household.pk)


@login_required
@require_http_methods(["POST"])
def designation_change(request, pk: int):
    """A direct change of 户类型 (信息更正 or a decision taken outside the procedures)."""
    household = _editable(request, pk)
    form = DesignationForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.designation_set(
                actor=request.user,
                household=household,
                kind=data["kind"],
                on=data["on"],
                event_kind=transition_event_kind(household.household_type, data["kind"]),
                reason=data["reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("户类型已变更。"))
    else:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    return redirect("registry:household_detail", pk=household.pk)
