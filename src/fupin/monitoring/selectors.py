"""Every read of leads, through the reader's scope."""

from __future__ import annotations

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from fupin.core import scope
from fupin.monitoring.models import Lead


def leads(
    *, actor, within: str | None = None, status: str = "", search: str = ""
) -> QuerySet[Lead]:
    found = scope.visible(actor, Lead.objects.all(), within=within).select_related(
        "household", "region", "procedure"
    )
    if status:
        found = found.filter(status=status)
    term = search.strip()
    if term:
        found = found.filter(
            Q(receipt=term.upper())
            | Q(household__head_name__startswith=term)
            | Q(household__number=term)
        )
    return found


def worklist(*, actor, within: str | None = None) -> QuerySet[Lead]:
    """Leads still waiting (home check, or the county decision), the most urgent first:
    overdue, then soon due, then by deadline."""
    urgency = Case(
        When(flag="overdue", then=Value(0)),
        When(flag="soon", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    waiting = leads(actor=actor, within=within).filter(
        Q(status=Lead.Status.OPEN) | Q(status=Lead.Status.PROCEDURE, decided_on__isnull=True)
    )
    return waiting.annotate(urgency=urgency).order_by("urgency", "check_due", "id")


def by_receipt(receipt: str) -> Lead | None:
    """A lead by the receipt an applicant was given (public status page: status only)."""
    code = "".join(ch for ch in receipt.upper() if ch.isalnum())
    return Lead.objects.filter(receipt=code).first() if code else None


def warning_uploads(*, actor, within: str | None = None, search: str = ""):
    """Department files: a department user sees only the department's own."""
    from fupin.monitoring.models import WarningUpload

    found = scope.visible(actor, WarningUpload.objects.all(), within=within).select_related(
        "region", "uploaded_by"
    )
    term = search.strip()
    return found.filter(filename__contains=term) if term else found


def warning_upload_leads(upload):
    """The leads an upload created or added to, each once, with how they ended."""
    return (
        Lead.objects.filter(warning_records__upload=upload)
        .distinct()
        .select_related("region", "procedure")
        .order_by("received_on", "id")
    )


def warning_rule_sets(*, actor, within: str | None = None, search: str = ""):
    from fupin.monitoring.models import WarningRuleSet

    found = scope.visible(actor, WarningRuleSet.objects.all(), within=within).select_related(
        "region", "updated_by"
    )
    term = search.strip()
    return found.filter(Q(basis__contains=term) | Q(region__name__contains=term)) if term else found


def department_notices(*, actor, within: str | None = None):
    """Outcomes of the leads a department sent: its own department, inside its area."""
    from fupin.accounts import roles
    from fupin.monitoring.models import DepartmentNotice

    leads_seen = scope.visible(actor, Lead.objects.all(), within=within)
    found = DepartmentNotice.objects.select_related("lead", "lead__region")
    if actor is not None and actor.role == roles.Role.DEPARTMENT:
        found = found.filter(department=actor.department)
        prefix = scope.user_prefix(actor)
        if prefix is None:
            return found.none()
        return found.filter(lead__region__code__startswith=prefix)
    return found.filter(lead__in=leads_seen)
