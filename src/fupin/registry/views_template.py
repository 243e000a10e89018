"""The blank household import template for download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from fupin.registry.template_file import CONTENT_TYPE, FILENAME, template_bytes


@login_required
@require_safe
def template_download(request):
    response = HttpResponse(template_bytes(), content_type=CONTENT_TYPE)
    # filename*=utf-8''… (RFC 5987): the Chinese file name survives every current browser.
    response["Content-Disposition"] = content_disposition_header(True, FILENAME)
    return response
