"""Reads of the monitored register (监测对象名册), every one through the reader's scope:

- the households monitored now, with their kind, risk types, since when, the responsible
  cadre, the days since inclusion and the standards engine's latest verdict;
- every period a household was monitored (its 户类型 designations), with how it ended;
- the yearly share of monitored persons among registered persons (standards.indicators),
  against the policy's band."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from itertools import islice

from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from fupin.assistance.selectors import current_cadre
from fupin.core import scope
from fupin.monitoring.models import Lead, RiskType
from fupin.procedures import access, flows
from fupin.procedures.models import Kind, Procedure
from fupin.registry import choices as c
from fupin.registry.models import Designation, Household
from fupin.standards.models import EvaluationRun, Verdict

# The leads of a household's current monitoring: the one whose procedure brought it in
# (decided the day the designation starts) and those attached to it later.
_MONITORING_LEADS = (Lead.Status.PROCEDURE, Lead.Status.MONITORED)


@dataclass(frozen=True)
class RegisterFilters:
    kind: str = ""
    risk_type: str = ""
    search: str = ""


def _has_risk(risk: str) -> Q:
    # risk_types is ';'-separated: match a whole item, never a part of another code.
    return (
        Q(risk_types=risk)
        | Q(risk_types__startswith=f"{risk};")
        | Q(risk_types__endswith=f";{risk}")
        | Q(risk_types__contains=f";{risk};")
    )


def current(
    *, actor, within: str | None = None, filters: RegisterFilters | None = None
) -> QuerySet[Household]:
    """Households monitored now, each annotated with ``since`` (start of the monitoring
    designation), ``cadre_name``, the latest verdict (``verdict_id``, ``verdict_eliminable``,
    ``verdict_at``, ``verdict_year``; from the most recent finished run that evaluated the
    household) and ``elimination_id`` (its risk-elimination procedure under way, if any)."""
    f = filters or RegisterFilters()
    households = scope.visible(
        actor, Household.objects.filter(household_type__in=c.MONITORED_TYPES), within=within
    )
    open_designation = Designation.objects.filter(
        household=OuterRef("pk"),
        category=c.DesignationCategory.POVERTY,
        end__isnull=True,
    )
    latest = Verdict.objects.filter(
        household=OuterRef("pk"), run__status=EvaluationRun.Status.DONE
    ).order_by(F("run__finished_at").desc(nulls_last=True), "-run_id")
    households = households.annotate(
        since=Subquery(open_designation.values("start")[:1]),
        cadre_name=current_cadre(),
        verdict_id=Subquery(latest.values("id")[:1]),
        verdict_eliminable=Subquery(latest.values("risk_eliminable")[:1]),
        verdict_at=Subquery(latest.values("run__finished_at")[:1]),
        verdict_year=Subquery(latest.values("run__year")[:1]),
        elimination_id=Subquery(
            Procedure.objects.filter(
                household=OuterRef("pk"), kind=Kind.ELIMINATION, status=Procedure.Status.OPEN
            ).values("id")[:1]
        ),
    ).select_related("region")
    if f.kind in c.MONITORED_TYPES:
        households = households.filter(household_type=f.kind)
    if f.risk_type:
        households = households.filter(
            Exists(
                Lead.objects.filter(
                    _has_risk(f.risk_type),
                    household=OuterRef("pk"),
                    status__in=_MONITORING_LEADS,
                    decided_on__gte=OuterRef("since"),
                )
            )
        )
    term = f.search.strip()
    if term:
        households = households.filter(Q(head_name__startswith=term) | Q(number=term))
    return households.order_by("region_id", "number")


def decorate(households: Iterable[Household], *, actor, today: date) -> list[Household]:
    """Add what the register shows beyond the annotations, in one more query for any number
    of rows: ``risk_labels`` (of the current monitoring's leads), ``days_monitored``, and
    ``may_start_elimination`` for ``actor``."""
    rows = list(households)
    risks: dict[int, dict[str, None]] = {h.pk: {} for h in rows}
    since = {h.pk: h.since for h in rows}
    leads = Lead.objects.filter(
        household_id__in=list(risks), status__in=_MONITORING_LEADS, decided_on__isnull=False
    ).values_list("household_id", "decided_on", "risk_types")
    for household_id, decided_on, risk_types in leads.order_by("received_on", "id"):
        start = since.get(household_id)
        if start is not None and decided_on >= start:
            risks[household_id].update(dict.fromkeys(r for r in risk_types.split(";") if r))
    for household in rows:
        labels = [str(RiskType(r).label) for r in risks[household.pk] if r in RiskType.values]
        household.risk_labels = "、".join(labels)
        household.days_monitored = (today - household.since).days if household.since else None
        household.may_start_elimination = household.elimination_id is None and (
            elimination_startable(actor, household)
        )
    return rows


def elimination_startable(actor, household: Household) -> bool:
    """Whether ``actor`` may start risk elimination for this monitored household (the
    first step's roles and level, in scope): the same test as the procedure's start page."""
    first = flows.flow(Kind.ELIMINATION, household.region_id).steps[0]
    return access.may_act_as(
        actor, level=first.level, step_roles=first.roles, region_code=household.region_id
    )


def decorated(queryset: QuerySet[Household], *, actor, today: date) -> Iterator[Household]:
    """Every row of ``queryset`` decorated, a chunk at a time (exports)."""
    rows = queryset.iterator(chunk_size=500)
    while chunk := list(islice(rows, 500)):
        yield from decorate(chunk, actor=actor, today=today)


def history(
    *, actor, within: str | None = None, kind: str = "", search: str = ""
) -> QuerySet[Designation]:
    """Every period a household in scope was monitored (one 户类型 designation of a
    monitoring kind each), newest first, annotated with what followed it: ``next_kind`` and
    ``next_event`` (the change event's kind, e.g. 风险消除 or 返贫)."""
    households = scope.visible(actor, Household.objects.all(), within=within)
    following = Designation.objects.filter(
        household=OuterRef("household"),
        category=c.DesignationCategory.POVERTY,
        start__gt=OuterRef("start"),
    ).order_by("start", "id")
    found = Designation.objects.filter(
        category=c.DesignationCategory.POVERTY,
        kind__in=c.MONITORED_TYPES,
        household__in=households,
    )
    if kind in c.MONITORED_TYPES:
        found = found.filter(kind=kind)
    term = search.strip()
    if term:
        found = found.filter(Q(household__head_name__startswith=term) | Q(household__number=term))
    return (
        found.annotate(
            next_kind=Subquery(following.values("kind")[:1]),
            next_event=Subquery(following.values("event__kind")[:1]),
        )
        .select_related("household", "household__region")
        .order_by("-start", "-id")
    )


def ending(designation: Designation) -> str:
    """How a monitoring period ended, as the register says it."""
    if designation.end is None:
        return _("监测中")
    next_kind = getattr(designation, "next_kind", None)
    if not next_kind:
        return _("已结束")
    to = c.HouseholdType(next_kind).label if next_kind in c.HouseholdType.values else next_kind
    event = getattr(designation, "next_event", None)
    if next_kind in c.MONITORED_TYPES:
        return _("转为%(k)s") % {"k": to}
    if event in c.EventKind.values and event != c.EventKind.IMPORTED:
        return _("%(e)s，转为%(k)s") % {"e": c.EventKind(event).label, "k": to}
    return _("转为%(k)s") % {"k": to}


def share(area_code: str, year: int):
    """The area's monitored share of the year and each child area's, against the band."""
    from fupin.standards.indicators import area_indicators

    return area_indicators(area_code, year)
