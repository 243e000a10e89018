"""The worklist (steps waiting for the user), acting on many at once where the step allows,
starting exits and risk eliminations from the standards engine's verdicts, and the
objections list."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fupin.core.export import csv_response
from fupin.core.paging import page_of
from fupin.procedures import access, flows, selectors, services
from fupin.procedures.forms import AnswerForm
from fupin.procedures.models import Action, Kind, Origin, Procedure
from fupin.registry import choices as c
from fupin.standards.models import EvaluationRun


@login_required
@require_GET
def worklist(request):
    steps = selectors.worklist(actor=request.user, within=request.region_code)
    return render(request, "procedures/worklist.html", {"page": page_of(request, steps)})


@login_required
@require_POST
def worklist_bulk(request):
    """One action on several steps at once: only steps whose flow allows it (bulk), and
    only the forward action (approve, close a notice). Each step is its own transaction, so
    one that cannot go on (an objection open, a notice not over) does not stop the others."""
    verb = request.POST.get("verb", "")
    if verb not in (Action.Verb.APPROVE, Action.Verb.CLOSE_NOTICE):
        raise PermissionDenied(_("批量办理只能“同意”或“结束公示”。"))
    chosen = [int(v) for v in request.POST.getlist("step") if v.isdigit()]
    steps = selectors.worklist(actor=request.user).filter(pk__in=chosen)

    def act(step) -> None:
        if not step.rules.get("bulk") or verb not in services.VERBS_BY_TYPE[step.type]:
            raise ValidationError(_("该环节不能批量办理"))
        services.step_act(actor=request.user, step=step, verb=verb)

    done = _each(request, steps, act, lambda step: step.procedure.household)
    messages.success(request, _("已办理 %(n)s 件。") % {"n": done})
    return redirect("procedures:worklist")


def _each(request, items, call, who) -> int:
    """Run ``call`` on each item in its own transaction (the services open one), so that one
    that cannot go on does not stop the others; each refusal becomes a message naming the
    household (``who``). Returns how many went through."""
    done = 0
    for item in items:
        try:
            call(item)
        except (ValidationError, PermissionDenied) as error:
            text = "；".join(getattr(error, "messages", [str(error)]))
            messages.error(request, f"{who(item)}：{text}")
        else:
            done += 1
    return done


OUTCOME = {Kind.EXIT: "exit_eligible", Kind.ELIMINATION: "risk_eliminable"}


@login_required
@require_http_methods(["GET", "POST"])
def start_from_verdicts(request, kind: str):
    """The households the latest finished run found eligible (exit, or risk elimination),
    without a procedure of that kind under way, with a "start" for many at once."""
    if kind not in OUTCOME:
        raise PermissionDenied(_("只能从核验结果发起退出或风险消除。"))
    run = _latest_run(request)
    found = selectors_verdicts(request, kind, run)
    if request.method == "POST":
        chosen = {int(v) for v in request.POST.getlist("verdict") if v.isdigit()}
        outcome = _("符合脱贫条件") if kind == Kind.EXIT else _("符合风险消除条件")

        def start(verdict) -> None:
            services.procedure_start(
                actor=request.user,
                household=verdict.household,
                kind=kind,
                origin=Origin.VERDICT,
                verdict=verdict,
                reason=_("%(y)s 年核验 #%(r)s：%(o)s")
                % {"y": verdict.run.year, "r": verdict.run_id, "o": outcome},
            )

        started = _each(request, found.filter(pk__in=chosen), start, lambda v: v.household)
        messages.success(request, _("已发起 %(n)s 户。") % {"n": started})
        return redirect("procedures:start_from_verdicts", kind=kind)
    first = flows.flow(kind, getattr(request.user, "region_id", "") or "00").steps[0]
    return render(
        request,
        "procedures/from_verdicts.html",
        {
            "kind": kind,
            "kind_label": Kind(kind).label,
            "run": run,
            "page": page_of(request, found),
            "may_start": request.user.role in first.roles,
        },
    )


def _latest_run(request):
    """The run asked for (?run=), or the latest finished one with verdicts in the user's
    scope (a national or provincial run covers a township too)."""
    from fupin.standards.selectors import verdicts

    done = EvaluationRun.objects.filter(status=EvaluationRun.Status.DONE)
    asked = request.GET.get("run", "")
    if asked.isdigit():
        done = done.filter(pk=int(asked))
    for run in done.order_by("-finished_at", "-pk")[:20]:
        if verdicts(actor=request.user, within=request.region_code, run_id=run.pk).exists():
            return run
    return None


def selectors_verdicts(request, kind: str, run):
    from fupin.standards.selectors import verdicts

    if run is None:
        from fupin.standards.models import Verdict

        return Verdict.objects.none()
    wanted = c.POOR_TYPES if kind == Kind.EXIT else c.MONITORED_TYPES
    return (
        verdicts(actor=request.user, within=request.region_code, run_id=run.pk)
        .filter(**{OUTCOME[kind]: True}, household__household_type__in=wanted)
        .exclude(
            household__procedures__kind=kind,
            household__procedures__status=Procedure.Status.OPEN,
        )
    )


@login_required
@require_GET
def objection_list(request):
    found = selectors.objections(
        actor=request.user,
        within=request.region_code,
        search=request.GET.get("q", ""),
        waiting=request.GET.get("waiting") == "1",
    )
    return render(request, "procedures/objection_list.html", {"page": page_of(request, found)})


@login_required
@require_GET
def objection_detail(request, pk: int):
    objection = get_object_or_404(selectors.objections(actor=request.user), pk=pk)
    may_answer = not objection.answered and access.may_answer(request.user, objection.step)
    return render(
        request,
        "procedures/objection_detail.html",
        {
            "objection": objection,
            "answer_form": AnswerForm(prefix="answer") if may_answer else None,
        },
    )


@login_required
@require_GET
def objection_export(request):
    found = selectors.objections(actor=request.user, within=request.region_code)
    header = [
        _("编号"),
        _("程序编号"),
        _("公示"),
        _("户主"),
        _("渠道"),
        _("异议内容"),
        _("提出时间"),
        _("结论"),
        _("答复"),
        _("答复时间"),
    ]

    def rows():
        for o in found.iterator(chunk_size=500):
            yield [
                o.pk,
                o.step.procedure_id,
                _(o.step.label),
                o.step.procedure.household.head_name,
                o.get_channel_display(),
                o.text,
                o.received_at.strftime("%Y-%m-%d %H:%M"),
                "" if o.upheld is None else (_("成立") if o.upheld else _("不成立")),
                o.answer,
                o.answered_at.strftime("%Y-%m-%d %H:%M") if o.answered_at else "",
            ]

    return csv_response("objections", header, rows())
