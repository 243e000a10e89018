from __future__ import annotations

import ipaddress
import re

from django.conf import settings

from fupin.core import context
from fupin.core.scope import region_in_scope

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SESSION_REGION_KEY = "fupin_region"


def client_ip(request) -> str | None:
    candidate = request.META.get("REMOTE_ADDR", "")
    if settings.FUPIN_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            candidate = forwarded.split(",")[0].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class RequestContextMiddleware:
    """Gives every request an id (kept from a well-formed X-Request-ID header) that the
    audit log records and the response echoes, so a user's report can be traced."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        supplied = request.headers.get("X-Request-ID", "")
        request_id = supplied if _REQUEST_ID.match(supplied) else context.new_request_id()
        request.request_id = request_id
        origin = context.Origin(request_id=request_id, ip=client_ip(request), channel="web")
        with context.origin(origin):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class CurrentRegionMiddleware:
    """The region a user is looking at: its own scope, or a region below it picked with the
    switcher. It only ever narrows; a stale or foreign choice falls back to the scope."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.region_code = None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            chosen = request.session.get(SESSION_REGION_KEY)
            if chosen and region_in_scope(user, chosen):
                request.region_code = chosen
            else:
                request.region_code = user.region_id
        return self.get_response(request)
