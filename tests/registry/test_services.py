from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from fupin.accounts import roles
from fupin.core.models import AuditEntry
from fupin.registry import choices as c
from fupin.registry import services
from fupin.registry.errors import StaleVersion
from fupin.registry.models import Designation, Household, HouseholdEvent, Membership, Person
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(tree):
    return factories.make_user(role=roles.Role.TOWNSHIP, region="430524100000")


def test_a_household_is_registered_with_its_first_designation_and_event(clerk):
    household = services.household_create(
        actor=clerk,
        region_code="430524100201",
        number="0001",
        household_type=c.HouseholdType.POOR_GENERAL,
        fields={"main_cause": "illness", "phone": "13800001234"},
    )
    assert household.county_code == "430524"
    assert household.phone_masked == "138****1234"
    assert bytes(household.phone_encrypted) != b"13800001234"
    designation = Designation.objects.get(household=household)
    assert (designation.kind, designation.end) == ("poor_general", None)
    assert HouseholdEvent.objects.get(household=household).kind == c.EventKind.REGISTERED
    assert AuditEntry.objects.filter(
        action="household.registered", region_code="430524100201"
    ).exists()


def test_household_numbers_are_unique_within_a_county_naming_the_holder(clerk):
    first = factories.make_household(number="0001", head_name="张三")
    with pytest.raises(ValidationError) as error:
        services.household_create(actor=clerk, region_code="430524100202", number="0001")
    assert "张三" in str(error.value) and first.number in str(error.value)


def test_a_poor_household_needs_a_main_cause(clerk):
    with pytest.raises(ValidationError) as error:
        services.household_create(
            actor=clerk,
            region_code="430524100201",
            number="0002",
            household_type=c.HouseholdType.POOR_DIBAO,
        )
    assert "主要致贫原因" in str(error.value)


def test_households_are_registered_in_villages_only(clerk):
    with pytest.raises(ValidationError, match="村"):
        services.household_create(actor=clerk, region_code="430524100000", number="0003")


def test_a_person_cannot_join_a_second_household_and_the_refusal_names_the_first(clerk):
    first = factories.make_household(head_name="李四", members=0)
    second = factories.make_household(region="430524100202", members=0)
    number = factories.valid_id()
    services.member_add(
        actor=clerk, household=first, id_number=number, name="王五", relation="head"
    )

    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=clerk, household=second, id_number=number.lower(), name="王五", relation="head"
        )

    assert first.number in str(error.value) and "两户" in str(error.value)
    assert Person.objects.count() == 1


def test_the_database_itself_refuses_a_second_open_membership(clerk):
    household = factories.make_household(members=1)
    person = household.members.get()
    other = factories.make_household(region="430524100202", members=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(person=person, household=other, start=date(2024, 1, 1))


def test_a_fifteen_digit_number_finds_the_same_person_as_its_eighteen_digit_form(clerk):
    from fupin.registry.selectors import person_list

    household = factories.make_household(members=0)
    services.member_add(
        actor=clerk, household=household, id_number="430524800101001", name="赵六", relation="head"
    )
    from fupin.core.idnumbers import upgrade_15

    found = person_list(actor=clerk, search=upgrade_15("430524800101001"))
    assert [p.name for p in found] == ["赵六"]


def test_a_wrong_id_number_is_refused_with_the_reason(clerk):
    household = factories.make_household(members=0)
    number = factories.valid_id()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(ValidationError) as error:
        services.member_add(
            actor=clerk, household=household, id_number=wrong, name="钱七", relation="head"
        )
    assert "校验" in str(error.value)


def test_income_is_derived_from_its_parts_and_the_members_at_year_end(clerk):
    household = factories.make_household(members=3)
    income = services.income_set(
        actor=clerk,
        household=household,
        year=2019,
        parts={
            "wages": "12000",
            "business": "3000",
            "property_income": "0",
            "transfers": "2400",
            "business_costs": "1500",
        },
    )
    assert income.net_income == Decimal("15900")
    # Members joined today, after 2019 ended: none counted for 2019.
    assert income.members_counted == 0 and income.per_capita_net_income is None
    Membership.objects.filter(household=household).update(start=date(2019, 1, 1))
    services.income_recompute(household=household)
    income.refresh_from_db()
    assert income.members_counted == 3
    assert income.per_capita_net_income == Decimal("5300.00")


def test_an_unknown_income_part_leaves_the_net_unknown(clerk):
    household = factories.make_household(members=1)
    income = services.income_set(
        actor=clerk, household=household, year=2020, parts={"wages": "1000"}
    )
    assert income.net_income is None


def test_a_stale_version_is_refused_not_overwritten(clerk):
    household = factories.make_household()
    services.household_update(
        actor=clerk, household=household, version=household.version, fields={"address": "一组"}
    )
    with pytest.raises(StaleVersion) as stale:
        services.household_update(
            actor=clerk, household=household, version=household.version, fields={"address": "二组"}
        )
    assert stale.value.current.address == "一组"
    assert Household.objects.get(pk=household.pk).address == "一组"


def test_designations_form_a_timeline_without_gaps(clerk):
    household = factories.make_household(household_type=c.HouseholdType.POOR_GENERAL)
    Designation.objects.filter(household=household).update(start=date(2015, 3, 1))
    services.designation_set(
        actor=clerk,
        household=household,
        kind=c.HouseholdType.EXITED,
        on=date(2019, 12, 20),
        event_kind=c.EventKind.EXITED,
        reason="达到脱贫标准",
    )
    timeline = list(
        Designation.objects.filter(household=household)
        .order_by("start")
        .values_list("kind", "start", "end")
    )
    assert timeline == [
        ("poor_general", date(2015, 3, 1), date(2019, 12, 19)),
        ("exited", date(2019, 12, 20), None),
    ]
    household.refresh_from_db()
    assert (household.household_type, household.exit_year) == ("exited", 2019)


def test_splitting_keeps_every_members_history(clerk):
    household = factories.make_household(members=3)
    Membership.objects.filter(household=household).update(start=date(2020, 1, 1))
    movers = list(household.members.order_by("id"))[1:]
    new = services.household_split(
        actor=clerk,
        household=household,
        person_ids=[p.pk for p in movers],
        number="NEW1",
        head_id=movers[0].pk,
        on=date(2025, 6, 1),
        reason="分户",
    )
    household.refresh_from_db()
    assert (household.member_count, new.member_count) == (1, 2)
    assert new.head_name == movers[0].name
    history = list(
        Membership.objects.filter(person=movers[0])
        .order_by("start", "id")
        .values_list("household_id", "end")
    )
    assert history == [(household.pk, date(2025, 6, 1)), (new.pk, None)]
    assert HouseholdEvent.objects.filter(kind=c.EventKind.SPLIT).count() == 2


def test_merging_moves_everyone_and_leaves_the_source_empty_with_history(clerk):
    source = factories.make_household(members=2)
    target = factories.make_household(region="430524100202", members=1)
    Membership.objects.update(start=date(2020, 1, 1))
    services.household_merge(
        actor=clerk, source=source, target=target, on=date(2025, 7, 1), reason="合户"
    )
    source.refresh_from_db()
    target.refresh_from_db()
    assert (source.member_count, target.member_count) == (0, 3)
    assert Membership.objects.filter(household=source).count() == 2
    assert Person.objects.filter(household=target, relation="head").count() == 1


def test_a_death_ends_the_membership_and_keeps_the_person(clerk):
    household = factories.make_household(members=2)
    member = household.members.exclude(relation="head").get()
    Membership.objects.update(start=date(2020, 1, 1))
    services.member_remove(actor=clerk, person=member, reason_code="death", on=date(2025, 1, 5))
    member.refresh_from_db()
    assert member.death_date == date(2025, 1, 5) and member.household is None
    household.refresh_from_db()
    assert household.member_count == 1


def test_revealing_an_id_number_is_audited_and_limited_by_role(clerk):
    household = factories.make_household(members=1)
    person = household.members.get()
    full = services.person_id_reveal(actor=clerk, person=person)
    assert len(full) == 18 and full[-4:] == person.id_masked[-4:]
    assert AuditEntry.objects.filter(
        action="person.reveal_id", target_id=str(person.pk), actor=clerk
    ).exists()
    cadre = factories.make_user(role=roles.Role.PAIRED_CADRE, region="430524100201")
    with pytest.raises(PermissionDenied):
        services.person_id_reveal(actor=cadre, person=person)
    outsider = factories.make_user(role=roles.Role.COUNTY, region="431123000000")
    with pytest.raises(PermissionDenied):
        services.person_id_reveal(actor=outsider, person=person)


def test_months_worked_outside_zero_to_twelve_is_refused(clerk):
    household = factories.make_household(members=1)
    person = household.members.get()
    with pytest.raises(ValidationError, match="0到12"):
        services.member_update(
            actor=clerk, person=person, version=person.version, fields={"months_worked": 13}
        )


def test_a_departure_cannot_predate_joining(clerk):
    household = factories.make_household(members=2)
    member = household.members.exclude(relation="head").get()
    with pytest.raises(ValidationError, match="加入本户"):
        services.member_remove(actor=clerk, person=member, reason_code="death", on=date(2001, 1, 1))
