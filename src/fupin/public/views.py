"""Pages without login: the notices (公示/公告) of the procedures, current and past, by
county, township and village; each notice's page with the objection form; its printable
PDF. They show a household's head, village, the procedure and the dates: never ID numbers,
phones, bank accounts or health conditions, and no member names."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fupin.core.middleware import client_ip
from fupin.core.paging import page_of
from fupin.procedures import notices
from fupin.procedures.forms import ObjectionForm
from fupin.procedures.models import Kind, Step
from fupin.public.pdf import FontMissing, notice_pdf
from fupin.regions import codes
from fupin.regions.models import Region
from fupin.registry import choices as c

INTRO = {
    Kind.IDENTIFICATION: _(
        "经农户申请、村民代表大会民主评议，拟将下列农户识别为建档立卡贫困户，现予公示。"
    ),
    Kind.EXIT: _("经民主评议、村两委和驻村工作队核实、农户签字确认，下列贫困户拟退出，现予公示。"),
    Kind.MONITORING: _("经入户核实和村级评议，拟将下列农户纳入防止返贫监测，现予公示。"),
    Kind.ELIMINATION: _("经入户核实和评议，下列监测对象拟消除返贫致贫风险，现予公示。"),
}


def _notices():
    return Step.objects.filter(type="notice", notice_starts__isnull=False).select_related(
        "procedure__household", "procedure__region"
    )


def _names(codes: set[str]) -> dict[str, str]:
    return dict(Region.objects.filter(code__in=codes).values_list("code", "name"))


def _places(village: str) -> tuple[str, str, str]:
    return village[:6] + "000000", village[:9] + "000", village


@require_GET
def notice_list(request):
    when = "past" if request.GET.get("when") == "past" else "current"
    found = _notices()
    if when == "current":
        found = found.filter(status=Step.Status.OPEN).order_by("notice_ends", "pk")
    else:
        found = found.exclude(status=Step.Status.OPEN).order_by("-notice_starts", "-pk")
    county = request.GET.get("county", "")
    township = request.GET.get("township", "")
    village = request.GET.get("village", "")
    # The narrowest choice that lies inside the wider ones: a township of another county (a
    # form sent after the county changed) counts for nothing.
    region = county
    if codes.is_valid(township) and codes.is_valid(county) and codes.contains(county, township):
        region = township
        if codes.is_valid(village) and codes.contains(township, village):
            region = village
    if codes.is_valid(region):
        found = found.filter(procedure__region__code__startswith=codes.prefix(region))
    page = page_of(request, found)
    villages = {s.procedure.region_id for s in page}
    names = _names({code for v in villages for code in _places(v)})
    rows = [_row(s, names) for s in page]
    counties = Region.objects.filter(level="county").order_by("code")
    townships = villages = Region.objects.none()
    if codes.is_valid(county):
        townships = Region.objects.filter(parent_id=county, level="township").order_by("code")
    if region != county:
        villages = Region.objects.filter(parent_id=region[:9] + "000", level="village")
        villages = villages.order_by("code")
    return render(
        request,
        "public/notice_list.html",
        {
            "page": page,
            "rows": rows,
            "when": when,
            "county": county if codes.is_valid(county) else "",
            "township": region[:9] + "000" if region != county else "",
            "village": region if codes.is_valid(region) and region[9:] != "000" else "",
            "counties": counties,
            "villages": villages,
            "townships": townships,
        },
    )


def _row(step: Step, names: dict[str, str]) -> dict:
    procedure = step.procedure
    county, township, village = _places(procedure.region_id)
    return {
        "pk": step.pk,
        "kind": procedure.get_kind_display(),
        "step": _(step.label),
        "head": procedure.household.head_name,
        "place": "".join(names.get(code, "") for code in (county, township, village)),
        "starts": step.notice_starts,
        "ends": step.notice_ends,
    }


def notice_view(step: Step) -> dict:
    """What one notice says, for its page and its PDF alike."""
    procedure = step.procedure
    household = procedure.household
    county, township, village = _places(procedure.region_id)
    names = _names({county, township, village})
    place = names.get(county, "") + names.get(township, "") + names.get(village, "")
    issuer = {
        "village": names.get(village, "") + _("村民委员会"),
        "township": names.get(township, "") + _("人民政府"),
        "county": names.get(county, "") + _("乡村振兴局"),
    }[step.level]
    target = c.HouseholdType(procedure.target_kind).label if procedure.target_kind else ""
    rows = [
        (_("户主姓名"), household.head_name or _("（无户主）")),
        (_("所在村"), place),
        (_("家庭人口"), _("%(n)s 人") % {"n": household.member_count}),
        (_("事项"), procedure.get_kind_display() + (f"（{target}）" if target else "")),
        (_("公示环节"), _(step.label)),
    ]
    return {
        "title": f"{place} {procedure.get_kind_display()}{_(step.label)}",
        "intro": INTRO[procedure.kind],
        "rows": rows,
        "starts": step.notice_starts,
        "ends": step.notice_ends,
        "days": (step.notice_ends - step.notice_starts).days + 1,
        "issuer": issuer,
        "open": step.status == Step.Status.OPEN,
    }


def _notice(pk: int) -> Step:
    step = get_object_or_404(_notices(), pk=pk)
    return step


@require_http_methods(["GET", "POST"])
def notice_detail(request, pk: int):
    step = _notice(pk)
    view = notice_view(step)
    form = ObjectionForm(request.POST or None) if view["open"] else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                notices.objection_file(
                    step=step, address=client_ip(request) or "", **form.cleaned_data
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("您的异议已收到，工作人员将核实并答复。"))
                return redirect("public:notice", pk=pk)
    answers = step.objections.filter(answered_at__isnull=False).values(
        "answer", "upheld", "answered_at"
    )
    return render(
        request,
        "public/notice_detail.html",
        {
            "step": step,
            "notice": view,
            "form": form,
            "received": step.objections.count(),
            "answers": answers,
            "today": timezone.localdate(),
        },
    )


@require_GET
def notice_pdf_view(request, pk: int):
    step = _notice(pk)
    url = request.build_absolute_uri(reverse("public:notice", kwargs={"pk": pk}))
    try:
        data = notice_pdf(notice_view(step), url)
    except FontMissing as error:
        return HttpResponse(
            _(
                "服务器缺少中文字体（%(f)s），无法生成打印版。"
                "请管理员安装 fonts-noto-cjk 或设置 FUPIN_PDF_FONT。"
            )
            % {"f": error},
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="notice-{pk}.pdf"'
    return response
