"""Error pages in Chinese; under /api/ the same errors in the API's JSON shape."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _api(request) -> bool:
    return request.path.startswith("/api/")


def _respond(request, status: int, template: str, message: str):
    if _api(request):
        return JsonResponse(
            {"error": {"status": status, "code": str(status), "message": message, "details": None}},
            status=status,
            json_dumps_params={"ensure_ascii": False},
        )
    return render(request, template, {"message": message}, status=status)


def bad_request(request, exception=None):
    return _respond(request, 400, "400.html", _("请求有误。"))


def permission_denied(request, exception=None):
    detail = str(exception) if exception is not None and str(exception) else ""
    return _respond(request, 403, "403.html", detail or _("您没有访问该页面的权限。"))


def page_not_found(request, exception=None):
    return _respond(request, 404, "404.html", _("页面不存在，或不在您的管辖范围内。"))


def server_error(request):
    # No template context processors here: the failure may have come from them.
    if _api(request):
        return _respond(request, 500, "500.html", _("服务器内部错误。"))
    from django.http import HttpResponseServerError
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponseServerError(
        template.render({"request_id": getattr(request, "request_id", "")})
    )
