from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core import audit
from fupin.core.export import csv_response
from fupin.core.forms import apply_errors
from fupin.core.paging import page_of
from fupin.procedures import access, deadlines, flows, notices, selectors, services
from fupin.procedures.forms import ActForm, AnswerForm, ObjectionForm, StartForm
from fupin.procedures.models import Attachment, Kind, Procedure, Step
from fupin.registry import choices as c
from fupin.registry.errors import StaleVersion
from fupin.registry.models import Household
from fupin.registry.selectors import household_list


@login_required
@require_GET
def procedure_list(request):
    found = selectors.procedures(
        actor=request.user,
        within=request.region_code,
        kind=request.GET.get("kind", ""),
        status=request.GET.get("status", ""),
        search=request.GET.get("q", ""),
    )
    steps = selectors.open_steps(actor=request.user, within=request.region_code)
    return render(
        request,
        "procedures/list.html",
        {
            "page": page_of(request, found),
            "kinds": Kind.choices,
            "statuses": Procedure.Status.choices,
            **_deadline_counts(steps),
        },
    )


def _deadline_counts(steps) -> dict:
    """Open steps, soon due and overdue, per county and per township, with their names."""
    from fupin.regions.models import Region

    by_county = deadlines.counts_by_area(steps, "county")
    by_township = deadlines.counts_by_area(steps, "township")
    wanted = {r["code"] + "000000" for r in by_county} | {r["code"] + "000" for r in by_township}
    names = dict(Region.objects.filter(code__in=wanted).values_list("code", "name"))
    for row in by_county:
        row["name"] = names.get(row["code"] + "000000", "")
    for row in by_township:
        row["name"] = names.get(row["code"] + "000", "")
    return {"by_county": by_county, "by_township": by_township}


def _procedure(request, pk: int) -> Procedure:
    try:
        return selectors.procedure(actor=request.user, pk=pk)
    except Procedure.DoesNotExist as error:
        raise Http404 from error


@login_required
@require_http_methods(["GET", "POST"])
def procedure_detail(request, pk: int):
    procedure = _procedure(request, pk)
    steps = list(procedure.steps.order_by("position"))
    current = next((s for s in steps if s.status == Step.Status.OPEN), None)
    form = None
    if current is not None and access.may_act(request.user, current):
        form = ActForm(
            request.POST or None, request.FILES or None, step=current, kind=procedure.kind
        )
    if request.method == "POST":
        if form is None:
            raise PermissionDenied(_("您不能办理该环节。"))
        verb = request.POST.get("verb", "")
        if form.is_valid():
            try:
                services.step_act(
                    actor=request.user,
                    step=current,
                    verb=verb,
                    version=int(request.POST.get("version") or 0),
                    comment=form.cleaned_data["comment"],
                    votes=form.votes(),
                    files=form.attachments(),
                    target_kind=form.cleaned_data.get("target_kind", ""),
                    override_reason=form.cleaned_data.get("override_reason", ""),
                )
            except StaleVersion:
                messages.error(request, _("该程序已被他人办理，请查看最新情况。"))
                return redirect("procedures:detail", pk=pk)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("已办理。"))
                return redirect("procedures:detail", pk=pk)
    return render(
        request, "procedures/detail.html", _detail_context(request, procedure, steps, current, form)
    )


def _detail_context(request, procedure, steps, current, form) -> dict:
    may_answer = (
        current is not None
        and current.type == "notice"
        and access.may_answer(request.user, current)
    )
    return {
        "procedure": procedure,
        "steps": steps,
        "current": current,
        "form": form,
        "verbs": services.VERBS_BY_TYPE[current.type] if current else (),
        "actions": procedure.actions.select_related("actor", "step").prefetch_related(
            "attachments"
        ),
        "objections": selectors.objections(actor=request.user).filter(step__procedure=procedure),
        "objection_form": ObjectionForm(prefix="objection") if may_answer else None,
        "answer_form": AnswerForm(prefix="answer") if may_answer else None,
        "may_answer": may_answer,
        "target_label": c.HouseholdType(procedure.target_kind).label
        if procedure.target_kind
        else "",
    }


@login_required
@require_POST
def objection_record(request, pk: int):
    """Staff record an objection told to them (in person, by phone) during a notice."""
    procedure = _procedure(request, pk)
    step = get_object_or_404(procedure.steps.all(), status=Step.Status.OPEN, type="notice")
    form = ObjectionForm(request.POST, prefix="objection")
    if form.is_valid():
        try:
            notices.objection_file(step=step, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已登记异议。"))
    else:
        messages.error(request, _("请填写异议内容。"))
    return redirect("procedures:detail", pk=pk)


@login_required
@require_POST
def objection_answer(request, pk: int):
    objection = get_object_or_404(selectors.objections(actor=request.user), pk=pk)
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        try:
            notices.objection_answer(
                actor=request.user,
                objection=objection,
                answer=form.cleaned_data["answer"],
                upheld=form.cleaned_data["upheld"],
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已答复异议。"))
    else:
        messages.error(request, _("请填写答复内容。"))
    return redirect("procedures:detail", pk=objection.step.procedure_id)


@login_required
@require_http_methods(["GET", "POST"])
def procedure_start(request, household_pk: int):
    household = get_object_or_404(household_list(actor=request.user), pk=household_pk)
    kinds = startable(request.user, household)
    if not kinds:
        raise PermissionDenied(_("您不能为该户发起程序。"))
    form = StartForm(request.POST or None, kinds=kinds, initial={"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            procedure = services.procedure_start(
                actor=request.user,
                household=household,
                kind=data["kind"],
                target_kind=data["target_kind"],
                reason=data["reason"],
                lead_received_on=data["lead_received_on"],
                origin="household_page",
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已发起。"))
            return redirect("procedures:detail", pk=procedure.pk)
    return render(request, "procedures/start.html", {"household": household, "form": form})


def startable(user, household: Household) -> list[str]:
    """The procedures ``user`` may start for ``household`` now (for the household page)."""
    out = []
    for kind in Kind.values:
        first = flows.flow(kind, household.region_id).steps[0]
        if services.why_not_start(kind, household) is None and access.may_act_as(
            user, level=first.level, step_roles=first.roles, region_code=household.region_id
        ):
            out.append(kind)
    return out


@login_required
@require_GET
def procedure_export(request):
    found = selectors.procedures(actor=request.user, within=request.region_code)
    header = [
        _("编号"),
        _("程序"),
        _("户编号"),
        _("户主"),
        _("所在村"),
        _("状态"),
        _("拟认定类型"),
        _("发起时间"),
        _("办结时间"),
        _("办结期限"),
    ]

    def rows():
        for p in found.iterator(chunk_size=500):
            yield [
                p.pk,
                p.get_kind_display(),
                p.household.number,
                p.household.head_name,
                p.region.name,
                p.get_status_display(),
                c.HouseholdType(p.target_kind).label if p.target_kind else "",
                p.started_at.strftime("%Y-%m-%d %H:%M"),
                p.finished_at.strftime("%Y-%m-%d %H:%M") if p.finished_at else "",
                p.due or "",
            ]

    return csv_response("procedures", header, rows())


@login_required
@require_GET
def attachment_download(request, pk: int):
    """A procedure's file, to those who may see the procedure; every download is audited."""
    attachment = get_object_or_404(Attachment.objects.select_related("action__procedure"), pk=pk)
    procedure = _procedure(request, attachment.action.procedure_id)
    with transaction.atomic():
        audit.record(
            actor=request.user,
            action="procedure.attachment_download",
            target=procedure,
            region_code=procedure.region_id,
            after={"attachment": attachment.pk, "name": attachment.name},
        )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
