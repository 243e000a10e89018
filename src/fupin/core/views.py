from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.core.middleware import SESSION_REGION_KEY
from fupin.core.scope import region_in_scope
from fupin.regions import selectors as region_selectors


@login_required
def dashboard(request):
    rows = region_selectors.region_child_counts(actor=request.user, code=request.region_code)
    chart = {
        "title": str(_("各下级区域所辖区划数")),
        "categories": [row["name"] for row in rows],
        "values": [row["count"] for row in rows],
    }
    return render(
        request,
        "core/dashboard.html",
        {"children": rows, "children_count": len(rows), "chart": chart},
    )


@login_required
@require_POST
def region_select(request):
    """Switch the region the pages show; only regions inside the user's scope are accepted."""
    code = request.POST.get("region", "")
    if code and not region_in_scope(request.user, code):
        return HttpResponseBadRequest(_("区划不在您的管辖范围内。"))
    if code:
        request.session[SESSION_REGION_KEY] = code
    else:
        request.session.pop(SESSION_REGION_KEY, None)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return redirect(target)


@login_required
def region_switcher(request):
    """The switcher's list (loaded by htmx): the regions one level below ``code``."""
    code = request.GET.get("code") or request.region_code
    if code and not region_in_scope(request.user, code):
        code = request.user.region_id
    children = region_selectors.region_children(actor=request.user, code=code)[:500]
    trail = region_selectors.region_trail(actor=request.user, code=code)
    return render(
        request,
        "core/_region_switcher.html",
        {"children": children, "switch_trail": trail, "switch_code": code},
    )
