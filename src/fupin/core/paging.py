from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZE = 50


def page_of(request, queryset, per_page: int = PAGE_SIZE):
    """One page of ``queryset`` for a list page, with the query string kept for the links."""
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    page.querystring = params.urlencode()
    return page
