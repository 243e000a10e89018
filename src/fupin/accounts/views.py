from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from fupin.accounts import roles, selectors, services
from fupin.accounts.forms import LoginForm, TokenForm, UserEditForm, UserSearchForm
from fupin.accounts.models import User
from fupin.core import audit, scope
from fupin.core.export import csv_response
from fupin.core.forms import apply_errors
from fupin.core.paging import page_of


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


def _next_url(request, default: str = "/") -> str:
    target = request.POST.get("next") or request.GET.get("next") or default
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request):
    """Enrol a TOTP authenticator: scan the code, type the first token to confirm."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:otp_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="authenticator", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            with transaction.atomic():
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                audit.record(
                    actor=request.user,
                    action="otp.enrol",
                    target=request.user,
                    region_code=request.user.region_id,
                )
            otp_login(request, device)
            messages.success(request, _("双因素认证已启用。"))
            return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确，请核对手机上的时间后重试。"))
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_svg": qr.svg_inline(scale=4, dark="#1f2937"),
            "secret": _base32_secret(device),
        },
    )


def _base32_secret(device: TOTPDevice) -> str:
    import base64

    raw = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request):
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        with transaction.atomic():
            audit.record(
                actor=request.user,
                action="otp.failed",
                target=request.user,
                region_code=request.user.region_id,
            )
        form.add_error("token", _("验证码不正确或已过期。"))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})


@login_required
def user_list(request):
    form = UserSearchForm(request.GET or None)
    users = selectors.user_list(
        actor=request.user, within=request.region_code, search=request.GET.get("q", "")
    )
    if form.is_valid() and form.cleaned_data.get("role"):
        users = users.filter(role=form.cleaned_data["role"])
    return render(
        request, "accounts/user_list.html", {"form": form, "page": page_of(request, users)}
    )


@login_required
def user_detail(request, pk: int):
    account = selectors.user_get(actor=request.user, pk=pk)
    can_edit = scope.editable(request.user, User.objects.filter(pk=account.pk)).exists()
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": account,
            "can_edit": can_edit,
            "can_search_audit": roles.may(request.user, roles.Capability.AUDIT_SEARCH),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int):
    account = get_object_or_404(scope.editable(request.user, User.objects.all()), pk=pk)
    form = UserEditForm(
        request.POST or None,
        initial={
            "full_name": account.full_name,
            "phone": account.phone,
            "is_active": account.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=account, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_edit.html", {"account": account, "form": form})


@login_required
def user_export(request):
    users = selectors.user_list(
        actor=request.user, within=request.region_code, search=request.GET.get("q", "")
    )
    header = [
        _("账号"),
        _("姓名"),
        _("角色"),
        _("管辖区域"),
        _("部门"),
        _("允许登录"),
        _("最近登录"),
    ]
    rows = (
        (
            u.username,
            u.full_name,
            u.get_role_display(),
            u.region_id or "",
            u.get_department_display(),
            _("是") if u.is_active else _("否"),
            u.last_login,
        )
        for u in users.iterator(chunk_size=1000)
    )
    return csv_response("users", header, rows)
