from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from fupin.accounts import roles
from fupin.assistance import services
from fupin.assistance.models import Pairing
from fupin.core.models import AuditEntry
from tests import factories
from tests.factories import make_cadre, make_household, make_staff, make_user

pytestmark = pytest.mark.django_db
MAY_DAY = date(2026, 5, 11)


@pytest.fixture
def staff():
    factories.region_tree()
    return make_staff()


def test_a_household_gets_its_responsible_cadre_with_an_audit_record(staff):
    household = make_household(household_type="unstable")
    cadre = make_cadre(full_name="李帮扶")
    pairing = services.pairing_set(
        actor=staff["village"], household=household, cadre=cadre, today=MAY_DAY, reason="新纳入监测"
    )
    assert (pairing.cadre, pairing.start, pairing.end) == (cadre, MAY_DAY, None)
    entry = AuditEntry.objects.get(action="pairing.set")
    assert entry.region_code == household.region_id and "李帮扶" in entry.target_repr
    assert entry.after["cadre"] == cadre.pk


def test_a_new_cadre_ends_the_current_pairing_that_day_and_keeps_the_history(staff):
    household = make_household(household_type="unstable")
    first, second = make_cadre(), make_cadre(role=roles.Role.WORK_TEAM)
    services.pairing_set(actor=staff["township"], household=household, cadre=first, today=MAY_DAY)
    later = date(2026, 8, 3)
    services.pairing_set(actor=staff["township"], household=household, cadre=second, today=later)
    rows = list(Pairing.objects.filter(household=household).order_by("start"))
    assert [(p.cadre, p.start, p.end) for p in rows] == [
        (first, MAY_DAY, later),
        (second, later, None),
    ]
    before = AuditEntry.objects.filter(action="pairing.set").order_by("id").last().before
    assert before["cadre"] == first.pk


def test_the_same_cadre_twice_is_refused(staff):
    household = make_household(household_type="edge")
    cadre = make_cadre()
    services.pairing_set(actor=staff["village"], household=household, cadre=cadre, today=MAY_DAY)
    with pytest.raises(ValidationError, match="已由此人帮扶"):
        services.pairing_set(actor=staff["village"], household=household, cadre=cadre)


def test_a_hand_over_cannot_be_dated_before_the_current_pairing(staff):
    household = make_household(household_type="edge")
    services.pairing_set(
        actor=staff["village"], household=household, cadre=make_cadre(), today=MAY_DAY
    )
    with pytest.raises(ValidationError, match="不能早于"):
        services.pairing_set(
            actor=staff["village"],
            household=household,
            cadre=make_cadre(),
            today=date(2026, 5, 10),
        )


@pytest.mark.parametrize(
    "role,region",
    [
        (roles.Role.PAIRED_CADRE, "430524100202"),  # another village
        (roles.Role.TOWNSHIP, "430524100000"),  # not a cadre role
        (roles.Role.VILLAGE, "431123100201"),  # another county
    ],
)
def test_the_cadre_must_be_a_cadre_of_the_households_village(staff, role, region):
    household = make_household(household_type="unstable")
    cadre = make_user(role=role, region=region)
    with pytest.raises(ValidationError, match="帮扶责任人应是该村"):
        services.pairing_set(actor=staff["village"], household=household, cadre=cadre)
    assert not Pairing.objects.exists()


def test_a_paired_cadre_of_the_township_may_hold_the_household(staff):
    household = make_household(household_type="unstable")
    cadre = make_user(role=roles.Role.PAIRED_CADRE, region="430524100000")
    pairing = services.pairing_set(actor=staff["county"], household=household, cadre=cadre)
    assert pairing.end is None


def test_an_inactive_cadre_is_refused(staff):
    household = make_household(household_type="unstable")
    cadre = make_cadre()
    cadre.is_active = False
    cadre.save()
    with pytest.raises(ValidationError):
        services.pairing_set(actor=staff["village"], household=household, cadre=cadre)


@pytest.mark.parametrize(
    "role,region",
    [
        (roles.Role.TOWNSHIP, "430524101000"),  # another township
        (roles.Role.PAIRED_CADRE, "430524100201"),  # does not assign itself
        (roles.Role.INSPECTOR, "430524000000"),  # reads only
    ],
)
def test_only_those_who_keep_the_households_records_in_scope_may_pair(staff, role, region):
    household = make_household(household_type="unstable")
    actor = make_user(role=role, region=region)
    with pytest.raises(PermissionDenied):
        services.pairing_set(actor=actor, household=household, cadre=make_cadre())
    assert not Pairing.objects.exists() and not AuditEntry.objects.filter(action="pairing.set")


def test_the_database_refuses_two_current_pairings_of_one_household(staff):
    household = make_household(household_type="unstable")
    services.pairing_set(actor=staff["village"], household=household, cadre=make_cadre())
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(household=household, cadre=make_cadre(), start=MAY_DAY)
