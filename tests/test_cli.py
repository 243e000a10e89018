from __future__ import annotations

import pytest
from typer.testing import CliRunner

from fupin.accounts.models import User
from fupin.cli import app

runner = CliRunner()


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["migrate"],
        ["createuser"],
        ["worker"],
        ["demo"],
        ["setup"],
        ["token"],
        ["resetpassword"],
        ["import", "households"],
        ["import", "template"],
        ["export", "households"],
        ["regions", "load"],
    ],
    ids=" ".join,
)
def test_every_subcommand_has_help(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


@pytest.mark.django_db
def test_createuser_makes_a_scoped_account(tree):
    result = runner.invoke(
        app,
        [
            "createuser",
            "liu",
            "--role",
            "village",
            "--region",
            "430524100201",
            "--full-name",
            "刘七",
            "--password",
            "a-long-enough-password",
        ],
    )
    assert result.exit_code == 0, result.output
    user = User.objects.get(username="liu")
    assert (user.role, user.region_id, user.full_name) == ("village", "430524100201", "刘七")


@pytest.mark.django_db
def test_createuser_explains_a_bad_scope_in_chinese(tree):
    result = runner.invoke(
        app,
        [
            "createuser",
            "liu",
            "--role",
            "village",
            "--region",
            "430524000000",
            "--password",
            "a-long-enough-password",
        ],
    )
    assert result.exit_code == 2
    assert "该角色的管辖区域应为" in result.output


@pytest.mark.django_db
def test_resetpassword_unlocks_sets_a_password_and_forgets_the_authenticator(tree):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from fupin.core.models import AuditEntry
    from tests import factories

    user = factories.make_user(username="lost", role="county", region="430524000000")
    TOTPDevice.objects.create(user=user, name="old phone", confirmed=True)

    result = runner.invoke(
        app, ["resetpassword", "lost", "--password", "a-brand-new-password", "--second-factor"]
    )

    assert result.exit_code == 0, result.output
    user.refresh_from_db()
    assert user.check_password("a-brand-new-password")
    assert not TOTPDevice.objects.filter(user=user).exists()
    entry = AuditEntry.objects.get(action="user.reset_credentials")
    assert entry.after == {"reset": ["password", "second_factor", "lockout"]}
    assert entry.channel == "cli"
