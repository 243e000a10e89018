from __future__ import annotations

from django.shortcuts import redirect
from django_otp import user_has_device

from fupin.accounts import roles

_EXEMPT_PREFIXES = (
    "/accounts/login/",
    "/accounts/logout/",
    "/accounts/otp/",
    "/static/",
    "/i18n/",
    "/api/",
)


class SecondFactorMiddleware:
    """Roles that must use TOTP get no page until they have passed it this session: first
    the enrolment page (no device yet), then the verification page. The API enforces the
    same through its permission class and answers in JSON."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and roles.otp_required(user)
            and not user.is_verified()
            and not request.path.startswith(_EXEMPT_PREFIXES)
        ):
            if user_has_device(user, confirmed=True):
                return redirect(f"/accounts/otp/verify/?next={request.path}")
            return redirect("accounts:otp_setup")
        return self.get_response(request)
