"""Timeliness of leads (线索办理及时性) per township or county: how many leads came in, how
many were checked at home by the deadline and decided by the county by theirs, the median
days from receipt to decision, and how many are still open and overdue.

Counts are aggregates in the database, grouped by the prefix of the lead's village code
(township: 9 digits, county: 6); only the median is taken in Python, over the decided leads'
durations. The caller chooses the leads (scope, date range), so statistics can reuse
:func:`timeliness` over any set of leads."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr

from fupin.monitoring.models import Lead
from fupin.regions import codes
from fupin.regions.models import Region
from fupin.standards.indicators import percent

_COUNTS = (
    "received",
    "checked",
    "checked_in_time",
    "due_for_check",
    "decided",
    "decided_in_time",
    "due_for_decision",
    "open",
    "overdue",
)


_TENTH = Decimal("0.1")  # the page shows rates to a tenth of a percent


@dataclass
class Timeliness:
    """One area's figures. ``due_for_check`` and ``due_for_decision`` are the leads whose step is
    done or whose deadline has passed: the leads that could have been on time by now, so a
    lead received yesterday does not count against the rate."""

    code: str
    name: str = ""
    received: int = 0
    checked: int = 0
    checked_in_time: int = 0
    due_for_check: int = 0
    decided: int = 0
    decided_in_time: int = 0
    due_for_decision: int = 0
    open: int = 0
    overdue: int = 0
    median_days: Decimal | None = None
    durations: list[int] = field(default_factory=list, repr=False)

    @property
    def checked_in_time_rate(self) -> Decimal | None:
        return percent(self.checked_in_time, self.due_for_check, _TENTH)

    @property
    def decided_in_time_rate(self) -> Decimal | None:
        return percent(self.decided_in_time, self.due_for_decision, _TENTH)

    def as_row(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "durations"}
        data["checked_in_time_rate"] = self.checked_in_time_rate
        data["decided_in_time_rate"] = self.decided_in_time_rate
        return data


@dataclass
class Report:
    level: str
    areas: list[Timeliness]
    total: Timeliness


def _median(durations: list[int]) -> Decimal | None:
    if not durations:
        return None
    return Decimal(str(statistics.median(durations))).quantize(Decimal("0.1"))


def overdue_condition(today: date) -> Q:
    """Waiting past its deadline as of ``today``: the home check for an open lead, the
    county decision for a lead in a procedure (as the worklist flags them)."""
    return Q(status=Lead.Status.OPEN, check_due__lt=today) | Q(
        status=Lead.Status.PROCEDURE, decided_on__isnull=True, decision_due__lt=today
    )


def timeliness(leads: QuerySet[Lead], *, level: str, today: date, total_code: str = "") -> Report:
    """The figures of ``leads`` per area of ``level`` ("township" or "county"), and their
    total (named after ``total_code`` when given). A check on its due date is in time, a day
    later is not; likewise the decision."""
    width = codes.PREFIX_LENGTH[level]
    by_area = (
        leads.order_by()
        .annotate(area=Substr("region_id", 1, width))
        .values("area")
        .annotate(
            received=Count("id"),
            checked=Count("id", filter=Q(checked_on__isnull=False)),
            checked_in_time=Count("id", filter=Q(checked_on__lte=F("check_due"))),
            due_for_check=Count("id", filter=Q(checked_on__isnull=False) | Q(check_due__lt=today)),
            decided=Count("id", filter=Q(decided_on__isnull=False)),
            decided_in_time=Count("id", filter=Q(decided_on__lte=F("decision_due"))),
            due_for_decision=Count(
                "id", filter=Q(decided_on__isnull=False) | Q(decision_due__lt=today)
            ),
            open=Count("id", filter=Q(decided_on__isnull=True)),
            overdue=Count("id", filter=overdue_condition(today)),
        )
    )
    areas = {
        row["area"]: Timeliness(
            code=row["area"].ljust(12, "0"), **{key: row[key] for key in _COUNTS}
        )
        for row in by_area
    }
    durations: dict[str, list[int]] = defaultdict(list)
    decided = (
        leads.order_by()
        .filter(decided_on__isnull=False)
        .annotate(area=Substr("region_id", 1, width))
        .values_list("area", "received_on", "decided_on")
    )
    for area, received_on, decided_on in decided.iterator(chunk_size=5000):
        durations[area].append((decided_on - received_on).days)

    total = Timeliness(code=total_code)
    for prefix, item in areas.items():
        item.durations = durations.get(prefix, [])
        item.median_days = _median(item.durations)
        for key in _COUNTS:
            setattr(total, key, getattr(total, key) + getattr(item, key))
        total.durations.extend(item.durations)
    total.median_days = _median(total.durations)

    names = dict(
        Region.objects.filter(code__in=[*[a.code for a in areas.values()], total_code]).values_list(
            "code", "name"
        )
    )
    for item in [*areas.values(), total]:
        item.name = names.get(item.code, "")
    return Report(level=level, areas=sorted(areas.values(), key=lambda a: a.code), total=total)


def level_below(area_code: str | None) -> str:
    """Which areas a reader of ``area_code`` compares: townships within a county (or a
    township or village), counties above that (and for the whole country)."""
    if not area_code:
        return "county"
    return (
        "township" if codes.level_of(area_code) in ("county", "township", "village") else "county"
    )
