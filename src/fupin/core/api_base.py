"""API plumbing every app shares: one error shape with a Chinese message, pagination and
the permission that requires a verified user. Kept apart from the API views because DRF
imports these classes from settings while rest_framework.views itself is loading."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions, status
from rest_framework.pagination import PageNumberPagination

from fupin.accounts import roles

_MESSAGES = {
    status.HTTP_400_BAD_REQUEST: _("请求数据有误。"),
    status.HTTP_401_UNAUTHORIZED: _("请先登录。"),
    status.HTTP_403_FORBIDDEN: _("您没有执行此操作的权限。"),
    status.HTTP_404_NOT_FOUND: _("未找到该记录，或不在您的管辖范围内。"),
    status.HTTP_405_METHOD_NOT_ALLOWED: _("不支持该请求方法。"),
    status.HTTP_409_CONFLICT: _("记录已被他人修改，请刷新后重试。"),
    status.HTTP_429_TOO_MANY_REQUESTS: _("请求过于频繁，请稍后再试。"),
}


def exception_handler(exc, context):
    """Every API error as {"error": {"status", "code", "message", "details"}}.

    ``message`` is a sentence in the user's language (Chinese by default); ``details``
    keeps DRF's field-by-field errors for forms."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) if str(exc) else None)
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    details = response.data
    if isinstance(exc, exceptions.ValidationError):
        message = _MESSAGES[status.HTTP_400_BAD_REQUEST]
    elif isinstance(details, dict) and isinstance(details.get("detail"), str):
        message = _localised(exc, details["detail"], response.status_code)
        details = None
    else:
        message = _MESSAGES.get(response.status_code, _("请求失败。"))
    response.data = {
        "error": {
            "status": response.status_code,
            "code": getattr(exc, "get_codes", lambda: code)() if code == "error" else code,
            "message": message,
            "details": details,
        }
    }
    return response


def _localised(exc, detail: str, status_code: int) -> str:
    # DRF's own default messages are English: replace them with ours; keep messages that
    # our code raised on purpose (those are already translated).
    if detail == str(getattr(exc, "default_detail", "")) and status_code in _MESSAGES:
        return str(_MESSAGES[status_code])
    return detail


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500


class IsVerifiedUser(permissions.BasePermission):
    """Signed in, active, and past the second factor where the role requires one.

    Token clients are integrations set up by an administrator; the token itself is the
    second factor there."""

    message = _("需要完成双因素认证后才能访问接口。")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated and user.is_active):
            return False
        if isinstance(request.successful_authenticator, _token_authentication()):
            return True
        return not roles.otp_required(user) or user.is_verified()


def _token_authentication():
    from rest_framework.authentication import TokenAuthentication

    return TokenAuthentication


def conflict_response(current: dict):
    """HTTP 409 for an update that carried a stale version, with the record as it is now,
    in the one error shape of the API."""
    from django.utils.translation import gettext
    from rest_framework.response import Response

    return Response(
        {
            "error": {
                "status": 409,
                "code": "stale_version",
                "message": gettext("记录已被他人修改，请刷新后重试。"),
                "details": None,
                "current": current,
            }
        },
        status=status.HTTP_409_CONFLICT,
    )
