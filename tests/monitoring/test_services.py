from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fupin.accounts import roles
from fupin.core.models import AuditEntry
from fupin.monitoring import services
from fupin.monitoring.models import Lead
from fupin.procedures import services as procedures
from fupin.procedures.services import File
from fupin.registry.models import Designation
from tests import factories
from tests.factories import make_household, make_staff, make_user, upload

pytestmark = pytest.mark.django_db
TUESDAY = date(2026, 3, 10)


@pytest.fixture
def staff():
    factories.region_tree()
    return make_staff()


def report(staff, household, day, risks=("illness",), channel="cadre", **options):
    return services.lead_report(
        actor=staff["village"],
        channel=channel,
        household=household,
        risk_types=list(risks),
        today=day,
        **options,
    )


def test_a_lead_gets_its_deadlines_in_working_and_calendar_days(staff):
    household = make_household(household_type="exited", members=1)
    lead, merged = report(staff, household, TUESDAY, difficulty="住院自付 3 万元")
    assert not merged
    assert lead.check_due == date(2026, 3, 13)  # three working days: Wed, Thu, Fri
    assert lead.decision_due == TUESDAY + timedelta(days=15)
    assert lead.region_id == household.region_id and len(lead.receipt) == 10
    assert AuditEntry.objects.filter(action="lead.create").count() == 1


def test_reports_on_one_household_within_thirty_days_merge_keeping_every_source(staff):
    household = make_household(household_type="exited", members=1)
    first, _ = report(staff, household, TUESDAY)
    same, merged = report(staff, household, TUESDAY + timedelta(days=30), risks=["disaster"])
    assert merged and same.pk == first.pk
    assert same.risk_list == ["illness", "disaster"]
    assert same.sources.count() == 2
    later, merged = report(staff, household, TUESDAY + timedelta(days=31))
    assert not merged and later.pk != first.pk


def test_a_closed_lead_takes_no_more_reports(staff):
    household = make_household(household_type="exited", members=1)
    lead, _ = report(staff, household, TUESDAY)
    services.lead_check(
        actor=staff["village"], lead=lead, outcome="closed", reason="收入稳定", today=TUESDAY
    )
    again, merged = report(staff, household, TUESDAY + timedelta(days=2))
    assert not merged and again.pk != lead.pk


def test_a_self_application_finds_the_household_by_id_number(staff):
    household = make_household(household_type="exited", members=1)
    member = household.members.get()
    from fupin.core import crypto

    number = crypto.decrypt(member.id_encrypted)
    lead, _ = services.lead_report(
        channel="self",
        village_code="430524100202",  # the applicant picked a neighbouring village
        risk_types=["accident"],
        difficulty="车祸受伤，无法务工",
        name=member.name,
        phone="13912345678",
        id_number=number,
        address="192.0.2.10",
        today=TUESDAY,
    )
    assert lead.household == household
    assert lead.region_id == household.region_id  # the household's own village answers
    source = lead.sources.get()
    assert source.phone_masked == "139****5678" and source.id_masked.startswith("430524")
    assert number not in str(source.__dict__)


def test_a_self_application_needs_who_how_to_reach_and_what(staff):
    with pytest.raises(ValidationError) as error:
        services.lead_report(
            channel="self", village_code="430524100201", risk_types=["illness"], id_number="123"
        )
    fields = error.value.message_dict
    assert {"name", "phone", "difficulty", "id_number"} <= set(fields)
    with pytest.raises(ValidationError, match="风险类型"):
        services.lead_report(channel="self", village_code="430524100201", risk_types=[])


def test_self_applications_are_limited_per_address(staff, settings):
    settings.FUPIN_APPLICATIONS_PER_HOUR = 1
    kwargs = {
        "channel": "self",
        "village_code": "430524100201",
        "risk_types": ["illness"],
        "difficulty": "看病负担重",
        "name": "张三",
        "phone": "13912345678",
        "id_number": factories.valid_id(),
        "address": "192.0.2.20",
    }
    services.lead_report(**kwargs)
    with pytest.raises(ValidationError, match="一小时内最多"):
        services.lead_report(**{**kwargs, "id_number": factories.valid_id()})


def test_only_staff_in_scope_record_leads(staff):
    household = make_household(household_type="exited", members=1)
    outsider = make_user(role=roles.Role.VILLAGE, region="431123100201")
    department = make_user(role=roles.Role.DEPARTMENT, region="430524000000", department="health")
    for actor in (outsider, department):
        with pytest.raises(PermissionDenied):
            services.lead_report(
                actor=actor, channel="cadre", household=household, risk_types=["illness"]
            )


def test_the_home_check_starts_the_monitoring_procedure_from_the_lead(staff):
    household = make_household(household_type="exited", members=1)
    # Registered long before the fixed dates of this test.
    Designation.objects.filter(household=household).update(start=date(2020, 1, 1))
    lead, _ = report(staff, household, TUESDAY - timedelta(days=2))
    with pytest.raises(PermissionDenied):
        services.lead_check(actor=staff["township"], lead=lead, outcome="closed", reason="x")
    checked = services.lead_check(
        actor=staff["village"],
        lead=lead,
        outcome="procedure",
        target_kind="unstable",
        reason="大病住院，自付较多",
        today=TUESDAY,
    )
    procedure = checked.procedure
    assert checked.status == Lead.Status.PROCEDURE
    assert procedure.origin == "lead" and procedure.lead_received_on == lead.received_on
    assert procedure.due == lead.received_on + timedelta(days=15)
    # The procedure runs to its county decision; the lead records the day it ended.
    village, township, county = staff["village"], staff["township"], staff["county"]
    for actor, verb, day, files in (
        (village, "submit", TUESDAY, [File("consent", upload())]),
        (village, "approve", TUESDAY, []),
        (village, "close_notice", TUESDAY + timedelta(days=5), []),
        (township, "approve", TUESDAY + timedelta(days=6), []),
        (county, "approve", TUESDAY + timedelta(days=7), []),
    ):
        procedures.step_act(
            actor=actor,
            step=procedure.steps.get(status="open"),
            verb=verb,
            files=files,
            today=day,
        )
    checked.refresh_from_db()
    assert checked.decided_on == TUESDAY + timedelta(days=7)
    household.refresh_from_db()
    assert household.household_type == "unstable"


def test_a_lead_about_a_monitored_household_joins_its_monitoring(staff):
    household = make_household(household_type="sudden", members=1)
    lead, _ = report(staff, household, TUESDAY)
    done = services.lead_check(
        actor=staff["village"], lead=lead, outcome="monitored", today=TUESDAY
    )
    assert done.status == Lead.Status.MONITORED and done.decided_on == TUESDAY
    other = make_household(household_type="exited", members=1)
    lead, _ = report(staff, other, TUESDAY)
    with pytest.raises(ValidationError, match="不是监测对象"):
        services.lead_check(actor=staff["village"], lead=lead, outcome="monitored")
    with pytest.raises(ValidationError, match="核实情况"):
        services.lead_check(actor=staff["village"], lead=lead, outcome="closed")


@pytest.mark.parametrize(
    ("today", "flag"),
    [
        (date(2026, 3, 11), ""),  # two working days before the Friday deadline
        (date(2026, 3, 12), "soon"),  # one working day before
        (date(2026, 3, 13), "soon"),  # the deadline itself
        (date(2026, 3, 14), "overdue"),  # Saturday after it
    ],
)
def test_home_check_flags_around_the_deadline(staff, today, flag):
    household = make_household(household_type="exited", members=1)
    lead, _ = report(staff, household, TUESDAY)
    assert services.flag_for(lead, today) == flag


def test_the_warning_counts_working_days_over_a_weekend(staff):
    household = make_household(household_type="exited", members=1)
    lead, _ = report(staff, household, date(2026, 3, 12))  # Thursday
    assert lead.check_due == date(2026, 3, 17)  # Fri, Mon, Tue
    assert services.flag_for(lead, date(2026, 3, 13)) == ""  # Fri: Mon and Tue still ahead
    assert services.flag_for(lead, date(2026, 3, 14)) == ""  # Sat: Mon and Tue ahead
    assert services.flag_for(lead, date(2026, 3, 16)) == "soon"  # Mon: only Tue ahead
