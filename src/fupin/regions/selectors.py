from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from fupin.core import scope
from fupin.regions import codes
from fupin.regions.models import Region


def region_list(*, actor, within: str | None = None, search: str = "") -> QuerySet[Region]:
    regions = scope.visible(actor, Region.objects.all(), within=within)
    search = search.strip()
    if search:
        regions = regions.filter(Q(name__contains=search) | Q(code__startswith=search))
    return regions


def region_get(*, actor, code: str) -> Region:
    return get_object_or_404(region_list(actor=actor), code=code)


def region_children(*, actor, code: str | None) -> QuerySet[Region]:
    """The regions one level below ``code`` (below the country when ``code`` is None)."""
    regions = scope.visible(actor, Region.objects.all())
    if code:
        return regions.filter(parent_id=code)
    return regions.filter(parent__isnull=True)


def region_child_counts(*, actor, code: str | None) -> list[dict]:
    """For each region one level below ``code``: how many regions sit one level below it
    (villages per township for a county, counties per city for a province). One query."""
    children = list(region_children(actor=actor, code=code).values("code", "name", "level"))
    if not children:
        return []
    below = (
        scope.visible(actor, Region.objects.all(), within=code)
        .filter(parent_id__in=[c["code"] for c in children])
        .values("parent_id")
        .annotate(n=Count("code"))
    )
    counts = {row["parent_id"]: row["n"] for row in below}
    return [{**child, "count": counts.get(child["code"], 0)} for child in children]


def region_trail(*, actor, code: str | None) -> list[dict]:
    """The breadcrumb from the top of the user's scope down to ``code``.

    Names of the regions above a user's own scope are shown too (a township clerk sees
    which county it is in): they are the tree's labels, not records of that area."""
    if not code or not codes.is_valid(code) or not scope.region_in_scope(actor, code):
        return []
    chain = []
    current: str | None = code
    while current:
        chain.append(current)
        current = codes.parent_code(current)
    names = dict(Region.objects.filter(code__in=chain).values_list("code", "name"))
    trail = []
    for item in reversed(chain):
        if item in names:
            trail.append(
                {
                    "code": item,
                    "name": names[item],
                    "selectable": scope.region_in_scope(actor, item),
                }
            )
    return trail
