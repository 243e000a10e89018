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
