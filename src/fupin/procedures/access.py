"""Who may act on a step: a role the step names, at the step's level, with the household
in the user's region scope. Paired cadres act on village steps from either level their
scope may sit at."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.core import scope
from fupin.procedures.models import Step
from fupin.regions import codes


def level_of_user(user) -> str | None:
    return codes.level_of(user.region_id) if getattr(user, "region_id", None) else None


def may_act_as(user, *, level: str, step_roles, region_code: str) -> bool:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not roles.may(user, roles.Capability.WRITE) or user.role not in step_roles:
        return False
    at_level = level_of_user(user) == level or (
        user.role == roles.Role.PAIRED_CADRE and level == "village"
    )
    return at_level and scope.region_in_scope(user, region_code)


def may_act(user, step: Step) -> bool:
    return step.status == Step.Status.OPEN and may_act_as(
        user, level=step.level, step_roles=step.role_list, region_code=step.procedure.region_id
    )


def require_act(user, step: Step) -> None:
    if step.status != Step.Status.OPEN:
        raise PermissionDenied(_("该环节当前不在办理中。"))
    if not may_act(user, step):
        raise PermissionDenied(
            _("“%(step)s”由%(level)s的%(roles)s办理，您不能办理。")
            % {
                "step": _(step.label),
                "level": level_label(step.level),
                "roles": "、".join(str(roles.Role(r).label) for r in step.role_list),
            }
        )


def may_answer(user, step: Step) -> bool:
    """Objections are answered by whoever may act on the notice, or by the offices above it
    (township, county) within their scope."""
    if may_act_as(
        user, level=step.level, step_roles=step.role_list, region_code=step.procedure.region_id
    ):
        return True
    above = {"village": ("township", "county"), "township": ("county",), "county": ()}[step.level]
    return any(
        may_act_as(
            user,
            level=level,
            step_roles=(roles.Role.TOWNSHIP, roles.Role.COUNTY),
            region_code=step.procedure.region_id,
        )
        for level in above
    )


def level_label(level: str) -> str:
    return {"village": _("村级"), "township": _("乡镇"), "county": _("县级")}[level]
