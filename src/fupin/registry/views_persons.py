from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from fupin.accounts import roles
from fupin.core.export import csv_response
from fupin.core.forms import apply_errors
from fupin.core.paging import page_of
from fupin.registry import selectors, services
from fupin.registry.errors import StaleVersion
from fupin.registry.exports import export_header, export_rows
from fupin.registry.forms import MemberEditForm, MemberRemoveForm
from fupin.registry.models import Person
from fupin.registry.services.common import registry_editable


@login_required
def person_list(request):
    search = request.GET.get("q", "")
    persons = selectors.person_list(actor=request.user, within=request.region_code, search=search)
    return render(
        request, "registry/person_list.html", {"page": page_of(request, persons), "search": search}
    )


@login_required
def person_detail(request, pk: int):
    person = selectors.person_get(actor=request.user, pk=pk)
    memberships = person.memberships.select_related("household").order_by("start", "id")
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "memberships": memberships,
            "can_reveal": roles.may(request.user, roles.Capability.REVEAL_PERSONAL_DATA),
            "can_edit": registry_editable(
                request.user, Person.objects.filter(pk=person.pk)
            ).exists(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk: int):
    person = get_object_or_404(registry_editable(request.user, Person.objects.all()), pk=pk)
    form = MemberEditForm(request.POST or None, instance=person)
    version = int(request.POST.get("version") or person.version)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(
                actor=request.user,
                person=person,
                version=version,
                fields=form.member_fields(),
                reason=form.cleaned_data["reason"],
            )
        except StaleVersion:
            form.add_error(None, _("该成员信息已被他人修改。请重新打开本页，核对后再保存。"))
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("registry:household_detail", pk=person.household_id)
    person.refresh_from_db()
    return render(
        request,
        "registry/member_form.html",
        {"form": form, "person": person, "household": person.household, "version": version},
    )


@login_required
@require_POST
def person_reveal_id(request, pk: int):
    """The full number in place of the masked one (htmx); audited by the service."""
    person = selectors.person_get(actor=request.user, pk=pk)
    number = services.person_id_reveal(actor=request.user, person=person)
    return HttpResponse(format_html('<code class="revealed">{}</code>', number))


@login_required
def export(request):
    """The registry in the import template, one row per person, scoped and masked."""
    rows = export_rows(actor=request.user, within=request.region_code)
    return csv_response("households", export_header(), rows)


@login_required
@require_POST
def member_remove(request, pk: int):
    person = get_object_or_404(registry_editable(request.user, Person.objects.all()), pk=pk)
    household_id = person.household_id
    form = MemberRemoveForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("registry:household_detail", pk=household_id)
    try:
        on = form.cleaned_data["on"]
        services.member_remove(
            actor=request.user,
            person=person,
            reason_code=form.cleaned_data["reason_code"],
            on=on,
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("已登记减少。"))
    return redirect("registry:household_detail", pk=household_id)
