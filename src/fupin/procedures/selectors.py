"""Every read of procedures, through the reader's scope."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from fupin.accounts import roles
from fupin.core import scope
from fupin.procedures import access
from fupin.procedures.models import Objection, Procedure, Step


def procedures(
    *, actor, within: str | None = None, kind: str = "", status: str = "", search: str = ""
) -> QuerySet[Procedure]:
    found = scope.visible(actor, Procedure.objects.all(), within=within).select_related(
        "household", "region"
    )
    if kind:
        found = found.filter(kind=kind)
    if status:
        found = found.filter(status=status)
    term = search.strip()
    if term:
        found = found.filter(Q(household__head_name__startswith=term) | Q(household__number=term))
    return found


def procedure(*, actor, pk: int) -> Procedure:
    return procedures(actor=actor).get(pk=pk)


def for_household(*, actor, household) -> QuerySet[Procedure]:
    return (
        procedures(actor=actor)
        .filter(household=household)
        .prefetch_related("steps", "actions__actor", "actions__step", "actions__attachments")
    )


def worklist(*, actor, within: str | None = None) -> QuerySet[Step]:
    """Open steps the user may act on, oldest first: a role the step names, at the user's
    level (paired cadres: village steps), inside the user's scope."""
    if actor is None or not roles.may(actor, roles.Capability.WRITE):
        return Step.objects.none()
    level = access.level_of_user(actor)
    levels = {level}
    if actor.role == roles.Role.PAIRED_CADRE:
        levels.add("village")
    steps = Step.objects.filter(
        status=Step.Status.OPEN,
        level__in=levels,
        procedure__in=scope.visible(actor, Procedure.objects.all(), within=within),
    ).select_related("procedure__household", "procedure__region")
    # Roles are few and the column short: a role is matched as a whole ';'-separated item.
    role = actor.role
    steps = steps.filter(
        Q(roles=role)
        | Q(roles__startswith=f"{role};")
        | Q(roles__endswith=f";{role}")
        | Q(roles__contains=f";{role};")
    )
    return steps.order_by("opened_on", "procedure_id")


def open_steps(*, actor, within: str | None = None) -> QuerySet[Step]:
    """Every open step in the reader's scope (for the deadline counts)."""
    return Step.objects.filter(
        status=Step.Status.OPEN,
        procedure__in=scope.visible(actor, Procedure.objects.all(), within=within),
    )


def objections(*, actor, within: str | None = None, search: str = "", waiting=False):
    found = scope.visible(actor, Objection.objects.all(), within=within).select_related(
        "step__procedure__household", "step__procedure__region"
    )
    if waiting:
        found = found.filter(answered_at__isnull=True)
    term = search.strip()
    if term:
        found = found.filter(
            Q(step__procedure__household__head_name__startswith=term) | Q(text__contains=term)
        )
    return found.order_by("-received_at")
