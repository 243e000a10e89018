from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import render

from fupin.core import audit, selectors
from fupin.core.paging import page_of


@login_required
def job_list(request):
    return render(
        request,
        "core/job_list.html",
        {"page": page_of(request, selectors.job_list(actor=request.user))},
    )


@login_required
def job_detail(request, pk):
    job = selectors.job_get(actor=request.user, pk=pk)
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, pk):
    job = selectors.job_get(actor=request.user, pk=pk)
    if not job.result_file:
        raise Http404
    path = (settings.FUPIN_EXPORT_DIR / job.result_file).resolve()
    if path.parent != settings.FUPIN_EXPORT_DIR.resolve() or not path.exists():
        raise Http404
    with transaction.atomic():
        audit.record(actor=request.user, action="job.download", target=job)
    return FileResponse(open(path, "rb"), as_attachment=True, filename=path.name)
