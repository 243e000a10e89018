"""The demo goes through the same import as a county's file, and what lands in the registry
keeps the published figures (scaled)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Q, Sum

from fupin.accounts.models import User
from fupin.demo.load import ACCOUNTS, demo_load
from fupin.regions.models import Region, RegionFlag
from fupin.registry import choices as c
from fupin.registry.models import Designation, Household, Person

pytestmark = pytest.mark.django_db

SCALE = 0.005


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        summary = demo_load(scale=SCALE, seed=7)
        yield summary
        # Module-scoped data lives outside the per-test transactions; the next test
        # modules start from an empty registry.
        from django.core.management import call_command
        from django.db import connection

        from fupin.core import audit_sql

        audit_sql.remove(connection)
        call_command("flush", interactive=False, verbosity=0)
        audit_sql.install(connection)


def test_every_row_of_the_demo_is_accepted(loaded):
    imports = [line for line in loaded.splitlines() if line.startswith("demo households")]
    assert len(imports) == 4
    for line in imports:
        assert "rejected 0" in line, line


def test_the_demo_village_has_procedures_under_way_for_its_cadre(loaded):
    from fupin.accounts.models import User
    from fupin.procedures.selectors import worklist

    assert any(line.startswith("demo procedures:") for line in loaded.splitlines())
    cadre = User.objects.get(username="cun")
    waiting = worklist(actor=cadre)
    assert waiting.exists()
    assert waiting.filter(flag="overdue").exists()  # the one started three weeks ago
    from fupin.monitoring.selectors import worklist as leads

    assert leads(actor=cadre).exists()  # a cadre's report (and a hotline call at larger scales)


def test_the_demo_county_medical_office_has_sent_a_list(loaded):
    from fupin.monitoring.models import WarningUpload

    upload = WarningUpload.objects.get(department="medical_insurance")
    assert upload.read == upload.rejected + upload.unmatched + upload.matched
    assert upload.uploaded_by.username == "yibao"
    assert upload.matched >= 1


def test_the_tree_has_the_published_village_counts(loaded):
    villages = {code: Region.objects.filter(level="village", code__startswith=code).count()
                for code in ("430524", "431123", "431382", "420625")}  # fmt: skip
    assert villages == {"430524": 572, "431123": 114, "431382": 483, "420625": 290}
    assert (
        RegionFlag.objects.filter(kind="poverty_village", region__code__startswith="430524").count()
        == 192
    )


def test_every_role_has_a_demo_account(loaded):
    assert set(User.objects.values_list("username", flat=True)) >= {a[0] for a in ACCOUNTS}


def test_longhui_still_poor_at_the_end_of_2019_scales_with_the_published_figure(loaded):
    year_end = date(2019, 12, 31)
    open_then = Q(start__lte=year_end) & (Q(end__isnull=True) | Q(end__gte=year_end))
    poor = Designation.objects.filter(
        open_then, kind__in=list(c.POOR_TYPES), household__county_code="430524"
    ).values("household_id")
    households = Household.objects.filter(pk__in=poor)
    persons = households.aggregate(n=Sum("member_count"))["n"]
    assert abs(households.count() - round(3345 * SCALE)) <= 1
    assert abs(persons - round(7725 * SCALE)) <= 2
    rural = Person.objects.filter(household__county_code="430524").count()
    assert abs(persons / rural * 100 - 0.68) < 0.05


def test_longhui_exits_in_2019_scale_with_the_published_figure(loaded):
    exited = Household.objects.filter(county_code="430524", exit_year=2019)
    assert abs(exited.count() - round(13034 * SCALE)) <= 1
    assert abs(exited.aggregate(n=Sum("member_count"))["n"] - round(39926 * SCALE)) <= 2
