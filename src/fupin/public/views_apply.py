"""The household's own application for monitoring (自主申报), without login, on a phone:
pick the county and township, then fill in the form with the village; the receipt number
it gives lets the applicant follow the status (never the content) later."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from fupin.core.middleware import client_ip
from fupin.monitoring import selectors, services
from fupin.monitoring.forms import ApplyForm, StatusForm
from fupin.monitoring.models import Channel, Lead
from fupin.regions import codes
from fupin.regions.models import Region


@require_http_methods(["GET", "POST"])
def apply(request):
    county = request.GET.get("county", "") or request.POST.get("county", "")
    township = request.GET.get("township", "") or request.POST.get("township", "")
    counties = Region.objects.filter(level="county").order_by("code")
    townships = villages = Region.objects.none()
    if codes.is_valid(county):
        townships = Region.objects.filter(parent_id=county, level="township").order_by("code")
        if codes.is_valid(township) and codes.contains(county, township):
            villages = Region.objects.filter(parent_id=township, level="village").order_by("code")
    form = None
    if villages.exists():
        form = ApplyForm(request.POST or None, villages=[(v.code, v.name) for v in villages])
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                lead, _merged = services.lead_report(
                    channel=Channel.SELF,
                    village_code=data["village"],
                    risk_types=data["risk_types"],
                    difficulty=data["difficulty"],
                    name=data["name"],
                    phone=data["phone"],
                    id_number=data["id_number"],
                    address=client_ip(request) or "",
                )
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    form.add_error(None, error.messages)
            else:
                return render(request, "public/apply_done.html", {"receipt": lead.receipt})
    return render(
        request,
        "public/apply.html",
        {
            "form": form,
            "county": county,
            "township": township,
            "counties": counties,
            "townships": townships,
        },
    )


STATUS_TEXT = {
    Lead.Status.OPEN: gettext_lazy("已受理，等待入户核实"),
    Lead.Status.PROCEDURE: gettext_lazy("已核实，正在办理纳入监测程序"),
    Lead.Status.MONITORED: gettext_lazy("已核实，该户已在监测中"),
    Lead.Status.CLOSED: gettext_lazy("已核实，暂不纳入监测（可向村委会了解原因）"),
}


@require_GET
def apply_status(request):
    form = StatusForm(request.GET or None)
    lead, asked = None, False
    if form.is_valid():
        asked = True
        lead = selectors.by_receipt(form.cleaned_data["receipt"])
    status = None
    if lead is not None:
        status = STATUS_TEXT[lead.status]
        if lead.status == Lead.Status.PROCEDURE and lead.procedure and lead.procedure.finished_at:
            status = (
                _("已办结：已纳入监测")
                if lead.procedure.status == "done"
                else _("已办结：经评议未纳入监测")
            )
    return render(
        request,
        "public/apply_status.html",
        {"form": form, "lead": lead, "asked": asked, "status": status},
    )
