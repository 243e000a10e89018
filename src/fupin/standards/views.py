from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from fupin.registry.errors import StaleVersion
from fupin.standards import selectors
from fupin.standards.parameters import FIRST_YEAR, NATIONAL, PARAMETERS
from fupin.standards.services import may_set, policy_set


class PolicyForm(forms.Form):
    key = forms.ChoiceField(choices=[(k, p.label) for k, p in PARAMETERS.items()])
    value = forms.DecimalField(label=gettext_lazy("数值"), max_digits=12, decimal_places=2)
    note = forms.CharField(
        label=gettext_lazy("依据（文件名或文号）"), max_length=200, required=False
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _year(value: str | None) -> int:
    try:
        year = int(value or "")
    except ValueError:
        return timezone.localdate().year
    return min(max(year, FIRST_YEAR), 2100)


@login_required
@require_http_methods(["GET", "POST"])
def policy_page(request):
    provinces = selectors.provinces()
    default = (request.user.region_id or "")[:2] or NATIONAL
    province = request.GET.get("province") or default
    if province not in {code for code, _name in provinces}:
        province = NATIONAL
    year = _year(request.GET.get("year"))
    editable = may_set(request.user, province)
    errors = {}
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(_("您不能修改该省份的政策参数。"))
        form = PolicyForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                policy_set(
                    actor=request.user,
                    province=province,
                    year=year,
                    key=data["key"],
                    value=data["value"],
                    note=data["note"],
                    version=data["version"],
                )
            except StaleVersion:
                messages.error(request, _("该参数已被他人修改，请核对后重新填写。"))
            except ValidationError as error:
                errors[data["key"]] = "；".join(m for ms in error.message_dict.values() for m in ms)
            else:
                messages.success(
                    request, _("已保存：%(label)s") % {"label": PARAMETERS[data["key"]].label}
                )
                return redirect(f"{request.path}?province={province}&year={year}")
        else:
            key = request.POST.get("key", "")
            errors[key] = "；".join(m for ms in form.errors.values() for m in ms)
    rows = selectors.policy_rows(province, year)
    for row in rows:
        row["error"] = errors.get(row["key"], "")
    return render(
        request,
        "standards/policy.html",
        {
            "rows": rows,
            "province": province,
            "provinces": provinces,
            "year": year,
            "years": range(FIRST_YEAR, timezone.localdate().year + 2),
            "editable": editable,
        },
    )
