from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from fupin.accounts.models import User
from fupin.core import scope


def user_list(*, actor, within: str | None = None, search: str = "") -> QuerySet[User]:
    users = scope.visible(actor, User.objects.all(), within=within).select_related("region")
    search = search.strip()
    if search:
        users = users.filter(Q(username__icontains=search) | Q(full_name__contains=search))
    return users.order_by("region_id", "username")


def user_get(*, actor, pk: int) -> User:
    return get_object_or_404(user_list(actor=actor), pk=pk)
