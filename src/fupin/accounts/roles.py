"""Roles from DOMAIN.md's user table and what each may do. Capabilities are checked through
:func:`may`; region scope is a separate question answered by fupin.core.scope."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from fupin.accounts.models import User


class Role(models.TextChoices):
    COUNTY = "county", _("县级乡村振兴部门")
    TOWNSHIP = "township", _("乡镇扶贫工作站")
    VILLAGE = "village", _("村扶贫专干")
    WORK_TEAM = "work_team", _("驻村工作队")
    PAIRED_CADRE = "paired_cadre", _("帮扶责任人")
    DEPARTMENT = "department", _("行业部门")
    INSPECTOR = "inspector", _("督查巡察审计")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    SYSADMIN = "sysadmin", _("系统管理员")


class Department(models.TextChoices):
    EDUCATION = "education", _("教育")
    MEDICAL_INSURANCE = "medical_insurance", _("医保")
    HEALTH = "health", _("卫健")
    CIVIL_AFFAIRS = "civil_affairs", _("民政")
    HOUSING = "housing", _("住建")
    WATER = "water_resources", _("水利")
    HUMAN_RESOURCES = "human_resources", _("人社")
    DISABILITY = "disability", _("残联")
    EMERGENCY = "emergency", _("应急")
    PUBLIC_SECURITY = "public_security", _("公安")
    AGRICULTURE = "agriculture", _("农业农村")


class Capability(StrEnum):
    WRITE = "write"
    AUDIT_SEARCH = "audit_search"
    MANAGE_USERS = "manage_users"
    MANAGE_REGIONS = "manage_regions"
    EDIT_REGISTRY = "edit_registry"
    REVEAL_PERSONAL_DATA = "reveal_personal_data"
    SET_POLICY = "set_policy"
    RUN_EVALUATION = "run_evaluation"
    RECORD_EXIT_EVALUATION = "record_exit_evaluation"
    SET_WARNING_RULES = "set_warning_rules"


# The level a role's region scope sits at; None: any level (set per user).
SCOPE_LEVEL: dict[str, tuple[str, ...] | None] = {
    Role.COUNTY: ("county",),
    Role.TOWNSHIP: ("township",),
    Role.VILLAGE: ("village",),
    Role.WORK_TEAM: ("village",),
    Role.PAIRED_CADRE: ("village", "township"),
    Role.DEPARTMENT: ("county", "city", "province"),
    Role.INSPECTOR: None,
    Role.CITY: ("city",),
    Role.PROVINCE: ("province",),
    Role.SYSADMIN: None,
}

_ALL = frozenset(Role.values)
CAPABILITIES: dict[Capability, frozenset[str]] = {
    # Inspectors read and file problems through their own procedures; they change no records.
    Capability.WRITE: _ALL - {Role.INSPECTOR},
    Capability.AUDIT_SEARCH: frozenset({Role.INSPECTOR, Role.SYSADMIN}),
    Capability.MANAGE_USERS: frozenset({Role.SYSADMIN, Role.COUNTY}),
    # Households and persons are kept by the county office, townships and villages (and the
    # resident work teams who collect the data); departments, inspectors, cities and
    # provinces read, and paired cadres report through their own channels.
    Capability.EDIT_REGISTRY: frozenset(
        {Role.COUNTY, Role.TOWNSHIP, Role.VILLAGE, Role.WORK_TEAM, Role.SYSADMIN}
    ),
    # The region tree is official reference data: kept by the county office upward.
    Capability.MANAGE_REGIONS: frozenset({Role.SYSADMIN, Role.PROVINCE, Role.COUNTY}),
    Capability.REVEAL_PERSONAL_DATA: frozenset(
        {Role.COUNTY, Role.TOWNSHIP, Role.VILLAGE, Role.WORK_TEAM, Role.SYSADMIN}
    ),
    # Policy figures are set per province (and nationally by the system administrators).
    Capability.SET_POLICY: frozenset({Role.PROVINCE, Role.SYSADMIN}),
    # Batch evaluations of an area are started by the offices that answer for it.
    Capability.RUN_EVALUATION: frozenset(
        {Role.TOWNSHIP, Role.COUNTY, Role.CITY, Role.PROVINCE, Role.SYSADMIN, Role.INSPECTOR}
    ),
    # A county's exit is evaluated from above it (city review, province sampling) and by
    # the inspectors; the county itself does not record its own evaluation.
    Capability.RECORD_EXIT_EVALUATION: frozenset(
        {Role.CITY, Role.PROVINCE, Role.SYSADMIN, Role.INSPECTOR}
    ),
    # Department warning thresholds are county practice (DOMAIN.md): the county office sets
    # its own.
    Capability.SET_WARNING_RULES: frozenset({Role.COUNTY, Role.SYSADMIN}),
}

# Roles whose accounts can approve and change a whole county's data: a stolen password
# alone must not be enough.
OTP_REQUIRED_ROLES = frozenset({Role.SYSADMIN, Role.COUNTY})


def may(user: User | None, capability: Capability) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.role in CAPABILITIES[capability]


def otp_required(user: User) -> bool:
    from django.conf import settings

    return settings.FUPIN_OTP_REQUIRED and user.role in OTP_REQUIRED_ROLES
