from __future__ import annotations

import pytest
from django.contrib.auth.hashers import identify_hasher
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from fupin.accounts import roles
from fupin.core.models import AuditEntry
from tests import factories

pytestmark = pytest.mark.django_db


def _totp_now(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_passwords_are_hashed_with_argon2(tree):
    user = factories.make_user()
    assert identify_hasher(user.password).algorithm == "argon2"


def test_an_account_is_locked_after_five_failures_even_with_the_right_password(client, tree):
    factories.make_user(username="wang")
    for _ in range(5):
        client.post(reverse("accounts:login"), {"username": "wang", "password": "wrong-password"})

    response = client.post(
        reverse("accounts:login"), {"username": "wang", "password": factories.PASSWORD}
    )

    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_four_failures_do_not_lock_the_account(client, tree):
    factories.make_user(username="li")
    for _ in range(4):
        page = client.post(reverse("accounts:login"), {"username": "li", "password": "wrong"})
        assert "账号或密码错误" in page.content.decode()
    response = client.post(
        reverse("accounts:login"), {"username": "li", "password": factories.PASSWORD}
    )
    assert response.status_code == 302


def test_the_lockout_threshold_is_configurable(client, tree, settings):
    settings.AXES_FAILURE_LIMIT = 2
    factories.make_user(username="zhao")
    for _ in range(2):
        client.post(reverse("accounts:login"), {"username": "zhao", "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": "zhao", "password": factories.PASSWORD}
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    "role,region", [(roles.Role.COUNTY, "430524000000"), (roles.Role.SYSADMIN, None)]
)
def test_county_and_admin_roles_must_enrol_a_second_factor_before_any_page(
    client, tree, settings, role, region
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off wait after the deliberate wrong token
    user = factories.make_user(role=role, region=region, username="boss")
    response = client.post(
        reverse("accounts:login"), {"username": "boss", "password": factories.PASSWORD}
    )
    assert response.status_code == 302

    assert client.get("/").url == reverse("accounts:otp_setup")
    setup_page = client.get(reverse("accounts:otp_setup")).content.decode()
    assert "<svg" in setup_page and "身份验证器" in setup_page

    wrong = client.post(reverse("accounts:otp_setup"), {"token": "000000"})
    assert "验证码不正确" in wrong.content.decode()
    device = TOTPDevice.objects.get(user=user)
    client.post(reverse("accounts:otp_setup"), {"token": _totp_now(device)})

    assert client.get("/").status_code == 200
    assert AuditEntry.objects.filter(action="otp.enrol", actor=user).exists()


def test_an_enrolled_user_must_enter_a_token_at_each_sign_in(client, tree):
    user = factories.make_user(role=roles.Role.COUNTY, region="430524000000", username="boss")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client.post(reverse("accounts:login"), {"username": "boss", "password": factories.PASSWORD})

    assert client.get(reverse("regions:list")).url.startswith(reverse("accounts:otp_verify"))
    response = client.post(
        reverse("accounts:otp_verify"), {"token": _totp_now(device), "next": "/regions/"}
    )
    assert response.url == "/regions/"
    assert client.get("/regions/").status_code == 200


@pytest.mark.parametrize(
    "role,region", [(roles.Role.TOWNSHIP, "430524100000"), (roles.Role.INSPECTOR, "430524000000")]
)
def test_other_roles_sign_in_with_a_password_alone(client, tree, role, region):
    factories.make_user(role=role, region=region, username="staff")
    client.post(reverse("accounts:login"), {"username": "staff", "password": factories.PASSWORD})
    assert client.get("/").status_code == 200


def test_the_demo_switch_turns_the_second_factor_off(client, tree, settings):
    settings.FUPIN_OTP_REQUIRED = False
    factories.make_user(role=roles.Role.COUNTY, region="430524000000", username="boss")
    client.post(reverse("accounts:login"), {"username": "boss", "password": factories.PASSWORD})
    assert client.get("/").status_code == 200


def test_settings_default_to_secure_cookies_and_a_required_second_factor():
    # Read the settings module afresh with a production-like environment.
    import importlib
    import os

    from fupin.config import settings as settings_module

    saved = {
        k: os.environ.pop(k, None)
        for k in ("FUPIN_DEMO", "FUPIN_DEBUG", "FUPIN_SECURE_COOKIES", "FUPIN_OTP_REQUIRED")
    }
    try:
        fresh = importlib.reload(settings_module)
        assert fresh.SESSION_COOKIE_SECURE and fresh.CSRF_COOKIE_SECURE
        assert fresh.FUPIN_OTP_REQUIRED
        assert fresh.AXES_FAILURE_LIMIT == 5
        assert fresh.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
        os.environ["FUPIN_DEMO"] = "1"
        demo = importlib.reload(settings_module)
        assert not demo.SESSION_COOKIE_SECURE and not demo.FUPIN_OTP_REQUIRED
    finally:
        os.environ.pop("FUPIN_DEMO", None)
        for key, value in saved.items():
            if value is not None:
                os.environ[key] = value
        importlib.reload(settings_module)


def test_the_secret_key_comes_from_the_environment_or_a_private_file(tmp_path, monkeypatch):
    from fupin.config.secrets import secret

    monkeypatch.setenv("FUPIN_TEST_SECRET", "from-env")
    assert secret(env="FUPIN_TEST_SECRET", path=tmp_path / "s") == "from-env"
    monkeypatch.delenv("FUPIN_TEST_SECRET")
    generated = secret(env="FUPIN_TEST_SECRET", path=tmp_path / "s")
    assert len(generated) > 40
    assert secret(env="FUPIN_TEST_SECRET", path=tmp_path / "s") == generated
    assert (tmp_path / "s").stat().st_mode & 0o777 == 0o600
