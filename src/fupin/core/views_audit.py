from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fupin.accounts import roles
from fupin.core import jobs, selectors, tasks
from fupin.core.export import csv_response
from fupin.core.forms import AuditSearchForm
from fupin.core.paging import page_of


def _require_auditor(user) -> None:
    if not roles.may(user, roles.Capability.AUDIT_SEARCH):
        raise PermissionDenied(_("只有督查和系统管理员可以查阅审计日志。"))


def _search(request):
    """The search form and its filters in JSON-safe form (dates as ISO text), which is
    what a background export stores; ``_entries`` turns them into the selector's query."""
    form = AuditSearchForm(request.GET or None)
    return form, (form.filters() if form.is_bound else {})


def _entries(request, filters: dict):
    return selectors.audit_search(
        actor=request.user, within=request.region_code, **tasks.audit_filters(filters)
    )


@login_required
def audit_list(request):
    _require_auditor(request.user)
    form, filters = _search(request)
    return render(
        request,
        "core/audit_list.html",
        {"form": form, "page": page_of(request, _entries(request, filters))},
    )


@login_required
def audit_detail(request, pk: int):
    _require_auditor(request.user)
    entry = selectors.audit_get(actor=request.user, pk=pk)
    before, after = entry.before or {}, entry.after or {}
    entry_changes = [(key, before.get(key), after.get(key)) for key in sorted({*before, *after})]
    return render(
        request, "core/audit_detail.html", {"entry": entry, "entry_changes": entry_changes}
    )


@login_required
def audit_export(request):
    """The search result as CSV, streamed."""
    _require_auditor(request.user)
    _form, filters = _search(request)
    rows = tasks.audit_export_rows(_entries(request, filters))
    return csv_response("audit", tasks.audit_export_header(), rows)


@login_required
@require_POST
def audit_export_start(request):
    """The same export as a background job, for searches too large to stream at once."""
    _require_auditor(request.user)
    _form, filters = _search(request)
    if request.region_code:
        filters["within"] = request.region_code
    job = jobs.job_start(
        actor=request.user,
        kind="audit_export",
        title=_("审计日志导出"),
        task=tasks.audit_export,
        params=filters,
    )
    messages.info(request, _("导出已在后台开始。"))
    return redirect("core:job_detail", pk=job.pk)
