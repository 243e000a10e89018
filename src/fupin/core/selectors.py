from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from fupin.core import scope
from fupin.core.models import AuditEntry, Job


def audit_search(
    *,
    actor,
    within: str | None = None,
    username: str = "",
    action: str = "",
    target_type: str = "",
    target_id: str = "",
    request_id: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEntry]:
    """Audit rows the actor may search: its region's rows, newest first. Rows without a
    region (sign-ins, system settings) are visible to national administrators only."""
    entries = scope.visible(actor, AuditEntry.objects.all(), within=within)
    if username:
        entries = entries.filter(actor_username=username.strip())
    if action:
        entries = entries.filter(action__startswith=action.strip())
    if target_type:
        entries = entries.filter(target_type=target_type.strip())
    if target_id:
        entries = entries.filter(target_id=target_id.strip())
    if request_id:
        entries = entries.filter(request_id=request_id.strip())
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        entries = entries.filter(at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return entries.order_by("-at", "-id")


def audit_get(*, actor, pk: int) -> AuditEntry:
    return get_object_or_404(audit_search(actor=actor), pk=pk)


def job_list(*, actor) -> QuerySet[Job]:
    """A user's own background jobs: they may hold exports of personal data."""
    if actor is None or not actor.is_authenticated:
        return Job.objects.none()
    return Job.objects.filter(owner=actor).order_by("-created_at")


def job_get(*, actor, pk) -> Job:
    return get_object_or_404(job_list(actor=actor), pk=pk)
