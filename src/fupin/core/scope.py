"""Region (and department) scope: the one place that decides what a user may see or change.

Every selector narrows its queryset with :func:`visible` or :func:`editable`; services check
single objects with :func:`require_read` / :func:`require_write`. A model joins by calling
:func:`register`, which also lists the pages, API and export through which it is exposed, so
that the scope test (tests/core/test_scope_everywhere.py) checks it on every surface."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from fupin.accounts import roles
from fupin.regions import codes

if TYPE_CHECKING:
    from fupin.accounts.models import User


@dataclass(frozen=True)
class Surfaces:
    """URL names through which a scoped model is exposed; detail names take ``pk``."""

    page_list: str
    page_detail: str
    api_list: str
    api_detail: str
    export: str
    page_edit: str | None = None


@dataclass(frozen=True)
class ScopedModel:
    model: type[Model]
    region_field: str
    surfaces: Surfaces
    department_field: str | None = None
    # Reference data every department user needs (the region tree itself).
    open_to_departments: bool = False
    # Further narrowing by role, e.g. a paired cadre to its own households.
    narrow: Callable[[User, QuerySet], QuerySet] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


_registry: dict[type[Model], ScopedModel] = {}


def requires(capability: roles.Capability) -> Callable[[User, QuerySet], QuerySet]:
    """A ``narrow`` for models only some roles may see at all (the audit log, accounts)."""

    def narrow(user: User, queryset: QuerySet) -> QuerySet:
        return queryset if roles.may(user, capability) else queryset.none()

    return narrow


def register(model: type[Model], *, region_field: str, surfaces: Surfaces, **options) -> None:
    _registry[model] = ScopedModel(
        model=model, region_field=region_field, surfaces=surfaces, **options
    )


def registered() -> list[ScopedModel]:
    return list(_registry.values())


def spec_for(model: type[Model]) -> ScopedModel:
    try:
        return _registry[model]
    except KeyError:
        raise ImproperlyConfigured(
            f"{model._meta.label} is not registered with fupin.core.scope"
        ) from None


def user_prefix(user: User | None) -> str | None:
    """The region-code prefix a user may see: '' for the whole country, None for nothing."""
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if not user.region_id:
        return "" if user.role == roles.Role.SYSADMIN else None
    return codes.prefix(user.region_id)


def region_in_scope(user: User | None, code: str | None) -> bool:
    user_scope = user_prefix(user)
    if user_scope is None:
        return False
    if user_scope == "":
        return True
    return bool(code) and code.startswith(user_scope)


def visible(user: User | None, queryset: QuerySet, *, within: str | None = None) -> QuerySet:
    """Narrow ``queryset`` to what ``user`` may read, optionally to the region ``within``
    (which only narrows further: a region outside the user's scope yields nothing)."""
    spec = spec_for(queryset.model)
    user_scope = user_prefix(user)
    if user_scope is None:
        return queryset.none()
    lookup = f"{spec.region_field}__startswith"
    if user_scope:
        queryset = queryset.filter(**{lookup: user_scope})
    if within:
        if not region_in_scope(user, within):
            return queryset.none()
        queryset = queryset.filter(**{lookup: codes.prefix(within)})
    if user.role == roles.Role.DEPARTMENT:
        if spec.department_field:
            queryset = queryset.filter(**{spec.department_field: user.department})
        elif not spec.open_to_departments:
            return queryset.none()
    if spec.narrow is not None:
        queryset = spec.narrow(user, queryset)
    return queryset


def editable(user: User | None, queryset: QuerySet) -> QuerySet:
    """Narrow ``queryset`` to what ``user`` may change."""
    if user is None or not roles.may(user, roles.Capability.WRITE):
        return queryset.none()
    return visible(user, queryset)


def require_read(user: User | None, region_code: str | None) -> None:
    if not region_in_scope(user, region_code):
        raise PermissionDenied(_("该数据不在您的管辖范围内。"))


def require_write(user: User | None, region_code: str | None) -> None:
    if user is None or not roles.may(user, roles.Capability.WRITE):
        raise PermissionDenied(_("您的角色没有修改权限。"))
    require_read(user, region_code)
