"""Deadlines of procedure steps and their flags: orange (SOON) when a step is due within the
policy's warning days (due today included), red (OVERDUE) from the day after it is due.
The figures are policy parameters of the household's province and the current year."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from fupin.procedures.models import Flag, Procedure, Step
from fupin.standards.parameters import policy


def days(province: str, key: str, today: date | None = None) -> int:
    """A whole-day policy figure for ``province`` in the current year."""
    today = today or timezone.localdate()
    value = getattr(policy(province, today.year), key)
    return int(value)


def flag_for(due: date | None, today: date, warning_days: int) -> str:
    if due is None:
        return Flag.NONE
    if today > due:
        return Flag.OVERDUE
    if (due - today).days <= warning_days:
        return Flag.SOON
    return Flag.NONE


def step_due(step: Step, procedure: Procedure, today: date) -> date:
    """When an open step must be done: a notice some days after it ends (someone must close
    it), another step the policy's days after it opened; never after the procedure's own
    deadline (monitoring: days from the first lead to the county decision)."""
    province = procedure.region_id[:2]
    if step.type == "notice":
        due = step.notice_ends + timedelta(days=days(province, "notice_close_days", today))
    else:
        due = today + timedelta(days=days(province, "step_deadline_days", today))
    if procedure.due is not None:
        due = min(due, max(procedure.due, today))
    return due


def refresh(steps, today: date | None = None) -> int:
    """Recompute the flags of these open steps; returns how many changed."""
    today = today or timezone.localdate()
    changed = []
    warning: dict[str, int] = {}
    for step in steps:
        province = step.procedure.region_id[:2]
        if province not in warning:
            warning[province] = days(province, "deadline_warning_days", today)
        flag = flag_for(step.due, today, warning[province])
        if flag != step.flag:
            step.flag = flag
            changed.append(step)
    Step.objects.bulk_update(changed, ["flag"], batch_size=1000)
    return len(changed)


@transaction.atomic
def recompute_all(today: date | None = None) -> int:
    """The daily recomputation: every open step's flag as of ``today``."""
    steps = Step.objects.filter(status=Step.Status.OPEN).select_related("procedure")
    return refresh(steps.iterator(chunk_size=2000), today)


def counts_by_area(steps, level: str) -> list[dict]:
    """Open steps per township or county (``level``) with how many are soon due and
    overdue, from the stored flags."""
    width = {"township": 9, "county": 6}[level]
    rows: dict[str, dict] = {}
    for row in steps.values("procedure__region_id").annotate(
        open=Count("id"),
        soon=Count("id", filter=Q(flag=Flag.SOON)),
        overdue=Count("id", filter=Q(flag=Flag.OVERDUE)),
    ):
        code = row["procedure__region_id"][:width]
        entry = rows.setdefault(code, {"code": code, "open": 0, "soon": 0, "overdue": 0})
        for key in ("open", "soon", "overdue"):
            entry[key] += row[key]
    return sorted(rows.values(), key=lambda r: r["code"])
