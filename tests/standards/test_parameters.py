from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.accounts.roles import Role
from fupin.core.models import AuditEntry
from fupin.registry.errors import StaleVersion
from fupin.standards.parameters import policy
from fupin.standards.services import policy_set
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("year", "line"),
    [(2014, 2800), (2015, 2855), (2016, 2952), (2019, 3218), (2020, 4000), (2024, 4000)],
)
def test_the_national_poverty_line_by_year_carries_forward(year, line):
    assert policy("43", year).poverty_line == Decimal(line)


def test_national_defaults_as_shipped():
    p = policy("43", 2021)
    assert (p.monitoring_threshold, p.school_age_from, p.school_age_to) == (6000, 7, 15)
    assert (p.incidence_max_east_central, p.incidence_max_west) == (2, 3)
    assert (p.wrong_exit_max, p.missed_max, p.approval_min) == (2, 2, 90)
    assert (p.monitoring_share_low, p.monitoring_share_high) == (5, 10)
    assert policy("43", 2020).monitoring_threshold is None  # monitoring starts in 2021


def test_a_province_s_own_figure_overrides_and_carries_forward(tree):
    admin = factories.make_user(role=Role.PROVINCE, region="430000000000")
    policy_set(actor=admin, province="43", year=2022, key="monitoring_threshold", value=6500)
    assert policy("43", 2021).monitoring_threshold == 6000
    assert policy("43", 2023).monitoring_threshold == 6500
    assert policy("42", 2023).monitoring_threshold == 6000  # other provinces unchanged
    assert policy("43", 2023).sources["monitoring_threshold"] == ("43", 2022)
    entry = AuditEntry.objects.get(action="policy.set")
    assert entry.after["value"] == "6500" and entry.actor == admin


def test_only_province_administrators_of_that_province_and_sysadmins_set_figures(tree):
    other = factories.make_user(role=Role.PROVINCE, region="430000000000")
    county = factories.make_user(role=Role.COUNTY, region="430524000000")
    with pytest.raises(PermissionDenied):
        policy_set(actor=other, province="42", year=2022, key="poverty_line", value=4100)
    with pytest.raises(PermissionDenied):
        policy_set(actor=other, province="00", year=2022, key="poverty_line", value=4100)
    with pytest.raises(PermissionDenied):
        policy_set(actor=county, province="43", year=2022, key="poverty_line", value=4100)
    admin = factories.make_user(role=Role.SYSADMIN, region=None)
    policy_set(actor=admin, province="00", year=2025, key="poverty_line", value=4100)
    assert policy("43", 2025).poverty_line == 4100


@pytest.mark.parametrize(
    ("key", "value"),
    [("poverty_line", "abc"), ("poverty_line", 0), ("school_age_from", "7.5"), ("nope", 1)],
)
def test_bad_figures_are_refused_in_chinese(tree, key, value):
    admin = factories.make_user(role=Role.PROVINCE, region="430000000000")
    with pytest.raises(ValidationError) as error:
        policy_set(actor=admin, province="43", year=2022, key=key, value=value)
    assert any("\u4e00" <= ch <= "\u9fff" for ch in str(error.value))


def test_school_ages_cannot_cross(tree):
    admin = factories.make_user(role=Role.PROVINCE, region="430000000000")
    with pytest.raises(ValidationError):
        policy_set(actor=admin, province="43", year=2022, key="school_age_from", value=16)


def test_a_stale_version_is_refused(tree):
    admin = factories.make_user(role=Role.PROVINCE, region="430000000000")
    row = policy_set(actor=admin, province="43", year=2022, key="poverty_line", value=4100)
    policy_set(actor=admin, province="43", year=2022, key="poverty_line", value=4200, version=1)
    with pytest.raises(StaleVersion):
        policy_set(
            actor=admin,
            province="43",
            year=2022,
            key="poverty_line",
            value=4300,
            version=row.version,
        )


def test_the_command_line_shows_and_sets_figures(tree):
    from typer.testing import CliRunner

    from fupin.cli import app

    runner = CliRunner()
    set_ = runner.invoke(
        app,
        ["policy", "set", "--province", "43", "--year", "2024", "--key", "monitoring_threshold",
         "--value", "7000", "--note", "湘政办"],
    )  # fmt: skip
    assert set_.exit_code == 0, set_.output
    shown = runner.invoke(app, ["policy", "show", "--province", "43", "--year", "2025"])
    assert "monitoring_threshold" in shown.output and "7000" in shown.output
    assert "本省 2024 年设定" in shown.output
    assert AuditEntry.objects.filter(action="policy.set", actor__isnull=True).count() == 1
    bad = runner.invoke(
        app,
        ["policy", "set", "--province", "43", "--year", "2024", "--key", "poverty_line",
         "--value", "abc"],
    )  # fmt: skip
    assert bad.exit_code == 2 and "数值应为数字" in bad.output
