"""A few procedures under way in the demo village (红星村, where the demo's village cadre,
work team and paired cadre sit), so that worklists, notices and deadline flags have
something to show: an identification at its democratic review, a monitoring inclusion in
its village notice (on the public page) with an objection waiting for an answer, another
waiting for the township and an exit where the village has the households for them (their
number grows with the scale), and an identification whose first step is overdue. Built
through the services, as users would."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from fupin.accounts.models import User
from fupin.procedures import notices, services
from fupin.procedures.services import File
from fupin.registry.models import Household

VILLAGE = "430524100201"


def _form(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "演示材料（扫描件）".encode(), content_type="text/plain")


def _act(actor, procedure, steps) -> None:
    for verb, kind, day, options in steps:
        files = [File(kind, _form(f"{kind}.txt"))] if kind else []
        step = procedure.steps.get(status="open")
        services.step_act(actor=actor, step=step, verb=verb, files=files, today=day, **options)


def demo_procedures() -> int:
    cun = User.objects.filter(username="cun").first()
    if cun is None:
        return 0
    today = timezone.localdate()
    households = Household.objects.filter(region_id=VILLAGE).order_by("number")
    general = list(households.filter(household_type="general")[:2])
    exited = list(households.filter(household_type="exited")[:2])
    poor = households.filter(household_type__in=["poor_general", "poor_dibao"]).first()
    made = []
    votes = {"votes": {"for": 29, "against": 1, "abstain": 2}}
    if general:
        procedure = services.procedure_start(
            actor=cun,
            household=general[0],
            kind="identification",
            target_kind="poor_general",
            reason="农户书面申请：家中主要劳动力患大病，无力务工",
            today=today - timedelta(days=1),
        )
        _act(cun, procedure, [("submit", "application", today - timedelta(days=1), {})])
        made.append(procedure)
    for n, household in enumerate(exited):
        # The first in its village notice (on the public page, with an objection waiting
        # for an answer); the second past its notice, waiting for the township.
        lead = today - timedelta(days=3 if n == 0 else 10)
        procedure = services.procedure_start(
            actor=cun,
            household=household,
            kind="monitoring",
            target_kind="unstable",
            reason="医保部门预警：住院自付费用较高",
            lead_received_on=lead,
            today=lead,
        )
        steps = [("submit", "consent", lead, {}), ("approve", None, lead, {})]
        if n == 1:
            steps.append(("close_notice", None, lead + timedelta(days=5), {}))
        _act(cun, procedure, steps)
        if n == 0:
            notices.objection_file(
                step=procedure.steps.get(status="open"),
                text="该户子女在外务工收入较高，是否符合纳入条件请核实。",
                address="demo",
            )
        made.append(procedure)
    if poor is not None:
        procedure = services.procedure_start(
            actor=cun, household=poor, kind="exit", reason="年度核验符合脱贫条件", today=today
        )
        day = today - timedelta(days=2)
        _act(
            cun,
            procedure,
            [
                ("approve", "minutes", day, votes),
                ("submit", None, day, {"comment": "人均纯收入稳定超过标准，两不愁三保障达标"}),
                ("submit", "signed_form", day, {}),
            ],
        )
        made.append(procedure)
    if len(general) > 1:
        # Started three weeks ago and never taken up: its first step is overdue.
        made.append(
            services.procedure_start(
                actor=cun,
                household=general[1],
                kind="identification",
                target_kind="poor_general",
                reason="村民小组推荐",
                today=today - timedelta(days=21),
            )
        )
    from fupin.procedures.deadlines import recompute_all

    recompute_all(today)
    return len(made)
