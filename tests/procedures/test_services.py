from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fupin.accounts import roles
from fupin.core.models import AuditEntry
from fupin.procedures import notices, services
from fupin.procedures.models import Action, Procedure, Step
from fupin.procedures.services import File
from fupin.registry.errors import StaleVersion
from fupin.registry.models import HouseholdEvent
from tests import factories
from tests.factories import make_household, make_procedure, make_staff, make_user, upload

pytestmark = pytest.mark.django_db
VOTES = {"for": 30, "against": 2, "abstain": 1}


@pytest.fixture
def staff():
    factories.region_tree()
    return make_staff()


@pytest.fixture
def day0():
    return timezone.localdate()


def current(procedure: Procedure) -> Step:
    return procedure.steps.get(status=Step.Status.OPEN)


def act(procedure, actor, verb, day, **options) -> Procedure:
    procedure.refresh_from_db()
    return services.step_act(
        actor=actor,
        step=current(procedure),
        verb=verb,
        version=procedure.version,
        today=day,
        **options,
    )


def walk_identification(procedure, staff, day0, *, objection=False):
    """Every step of 两公示一公告, each by its own role, notices running their full days."""
    village, township, county = staff["village"], staff["township"], staff["county"]
    act(procedure, village, "submit", day0, files=[File("application", upload("申请书.pdf"))])
    act(procedure, village, "approve", day0, votes=VOTES, files=[File("minutes", upload())])
    notice = current(procedure)
    assert (notice.key, notice.notice_starts, notice.notice_ends) == (
        "village_notice",
        day0,
        day0 + timedelta(days=6),
    )
    if objection:
        filed = notices.objection_file(step=notice, text="他家有小轿车", address="10.0.0.9")
        with pytest.raises(ValidationError, match="未答复"):
            act(procedure, village, "close_notice", day0 + timedelta(days=7))
        notices.objection_answer(
            actor=township, objection=filed, answer="经核实，车辆已于去年变卖。", upheld=False
        )
    day = day0 + timedelta(days=7)
    act(procedure, village, "close_notice", day)
    act(procedure, township, "approve", day)
    act(procedure, township, "close_notice", day + timedelta(days=7))
    day += timedelta(days=7)
    act(procedure, county, "approve", day, target_kind="poor_dibao")
    return act(procedure, county, "close_notice", day + timedelta(days=7))


def test_identification_runs_through_every_role_and_records_the_designation(staff, day0):
    procedure = make_procedure(kind="identification", staff=staff)
    done = walk_identification(procedure, staff, day0, objection=True)
    household = done.household
    household.refresh_from_db()
    assert done.status == Procedure.Status.DONE
    assert household.household_type == "poor_dibao"
    event = HouseholdEvent.objects.get(pk=done.result_event_id)
    assert event.kind == "identified"
    assert event.details["procedure"] == done.pk
    assert event.date == day0 + timedelta(days=21)
    verbs = list(done.actions.values_list("verb", flat=True))
    assert verbs[0] == "start" and verbs[-1] == "complete"
    assert verbs.count("open_notice") == 3 and "objection" in verbs and "answer" in verbs
    assert AuditEntry.objects.filter(action="procedure.close_notice").count() == 3


def test_exit_needs_the_households_signed_form_and_ends_exited(staff, day0):
    procedure = make_procedure(kind="exit", staff=staff)
    village, county = staff["village"], staff["county"]
    act(procedure, village, "approve", day0, votes=VOTES, files=[File("minutes", upload())])
    act(procedure, village, "submit", day0, comment="收入稳定，两不愁三保障达标")
    with pytest.raises(ValidationError, match="签字确认表"):
        act(procedure, village, "submit", day0)
    act(procedure, village, "submit", day0, files=[File("signed_form", upload())])
    act(procedure, village, "close_notice", day0 + timedelta(days=7))
    done = act(procedure, county, "close_notice", day0 + timedelta(days=14))
    done.household.refresh_from_db()
    assert done.household.household_type == "exited"
    assert done.household.exit_year == (day0 + timedelta(days=14)).year


def test_a_notice_cannot_close_before_its_last_day_is_over(staff, day0):
    procedure = make_procedure(kind="monitoring", staff=staff)
    village = staff["village"]
    act(procedure, village, "submit", day0, files=[File("consent", upload())])
    act(procedure, village, "approve", day0)
    notice = current(procedure)
    assert notice.notice_ends == day0 + timedelta(days=4)  # five days: day0 … day0+4
    with pytest.raises(ValidationError, match="期满后"):
        act(procedure, village, "close_notice", notice.notice_ends)
    act(procedure, village, "close_notice", notice.notice_ends + timedelta(days=1))
    assert current(procedure).key == "township_review"


def test_monitoring_is_due_at_the_county_within_fifteen_days_of_the_lead(staff, day0):
    lead = day0 - timedelta(days=3)
    procedure = make_procedure(kind="monitoring", staff=staff, lead_received_on=lead)
    assert procedure.due == lead + timedelta(days=15)
    village, township, county = staff["village"], staff["township"], staff["county"]
    act(procedure, village, "submit", day0, files=[File("consent", upload())])
    act(procedure, village, "approve", day0)
    act(procedure, village, "close_notice", day0 + timedelta(days=5))
    act(procedure, township, "approve", day0 + timedelta(days=9))
    decision = current(procedure)
    assert decision.due == procedure.due  # the step's own five days would run past it
    done = act(procedure, county, "approve", day0 + timedelta(days=10), target_kind="edge")
    done.household.refresh_from_db()
    assert done.household.household_type == "edge"


def test_risk_elimination_needs_the_engine_or_the_countys_reason(staff, day0):
    procedure = make_procedure(kind="elimination", staff=staff)
    village, township, county = staff["village"], staff["township"], staff["county"]
    act(procedure, village, "submit", day0)
    act(procedure, village, "approve", day0)
    act(procedure, village, "close_notice", day0 + timedelta(days=5))
    act(procedure, township, "approve", day0 + timedelta(days=5))
    # The household has no income recorded: the engine cannot say it is risk-eliminable.
    with pytest.raises(ValidationError, match="写明理由"):
        act(procedure, county, "approve", day0 + timedelta(days=6))
    act(
        procedure,
        county,
        "approve",
        day0 + timedelta(days=6),
        override_reason="医保报销后自付已降至千元以下，务工收入稳定",
    )
    done = act(procedure, county, "close_notice", day0 + timedelta(days=11))
    done.household.refresh_from_db()
    assert done.override_reason.startswith("医保报销后")
    # Never registered poor: back to an ordinary household.
    assert done.household.household_type == "general"


def test_returning_goes_back_to_the_last_step_before_that_is_not_a_notice(staff, day0):
    procedure = make_procedure(kind="identification", staff=staff)
    village, township = staff["village"], staff["township"]
    act(procedure, village, "submit", day0, files=[File("application", upload())])
    act(procedure, village, "approve", day0, votes=VOTES, files=[File("minutes", upload())])
    act(procedure, village, "close_notice", day0 + timedelta(days=7))
    with pytest.raises(ValidationError, match="理由"):
        act(procedure, township, "return", day0 + timedelta(days=7))
    act(procedure, township, "return", day0 + timedelta(days=7), comment="评议记录缺少签名")
    procedure.refresh_from_db()
    reopened = current(procedure)
    assert reopened.key == "village_review"
    statuses = dict(procedure.steps.values_list("key", "status"))
    assert statuses["village_notice"] == "pending" and statuses["township_review"] == "returned"
    # The review's minutes are already attached: approving again needs only the vote.
    act(procedure, village, "approve", day0 + timedelta(days=8), votes=VOTES)
    notice = current(procedure)
    assert notice.notice_starts == day0 + timedelta(days=8)


def test_a_vote_without_a_majority_cannot_approve(staff, day0):
    procedure = make_procedure(kind="identification", staff=staff)
    village = staff["village"]
    act(procedure, village, "submit", day0, files=[File("application", upload())])
    with pytest.raises(ValidationError, match="未超过"):
        act(
            procedure,
            village,
            "approve",
            day0,
            votes={"for": 10, "against": 8, "abstain": 2},
            files=[File("minutes", upload())],
        )
    rejected = act(
        procedure,
        village,
        "reject",
        day0,
        votes={"for": 5, "against": 20, "abstain": 0},
        comment="民主评议未通过",
    )
    assert rejected.status == Procedure.Status.REJECTED
    assert rejected.actions.get(verb="reject").votes == {"for": 5, "against": 20, "abstain": 0}


def test_only_the_steps_role_at_its_level_in_scope_may_act(staff, day0):
    procedure = make_procedure(kind="exit", staff=staff)
    other_village = make_user(role=roles.Role.VILLAGE, region="430524100202")
    for outsider in (staff["township"], staff["county"], other_village):
        with pytest.raises(PermissionDenied):
            act(procedure, outsider, "approve", day0, votes=VOTES)
    with pytest.raises(PermissionDenied):
        make_procedure(kind="exit", staff={"village": staff["township"]})


def test_a_stale_version_is_refused(staff, day0):
    procedure = make_procedure(kind="monitoring", staff=staff)
    step = current(procedure)
    with pytest.raises(StaleVersion):
        services.step_act(
            actor=staff["village"],
            step=step,
            verb="submit",
            version=procedure.version - 1,
            files=[File("consent", upload())],
        )


def test_one_open_procedure_of_a_kind_per_household(staff):
    household = make_household(household_type="general", members=1)
    make_procedure(kind="identification", household=household, staff=staff)
    with pytest.raises(ValidationError, match="办理中"):
        make_procedure(kind="identification", household=household, staff=staff)


@pytest.mark.parametrize(
    ("kind", "household_type", "message"),
    [
        ("identification", "poor_general", "已是贫困户"),
        ("exit", "general", "只有贫困户"),
        ("monitoring", "unstable", "不能再纳入监测"),
        ("elimination", "exited", "只有监测对象"),
    ],
)
def test_a_household_must_be_in_the_right_state_to_start(staff, kind, household_type, message):
    household = make_household(household_type=household_type, members=1)
    with pytest.raises(ValidationError, match=message):
        make_procedure(kind=kind, household=household, staff=staff)


def test_public_objections_are_limited_per_address(staff, day0, settings):
    settings.FUPIN_OBJECTIONS_PER_HOUR = 2
    procedure = make_procedure(kind="monitoring", staff=staff)
    act(procedure, staff["village"], "submit", day0, files=[File("consent", upload())])
    act(procedure, staff["village"], "approve", day0)
    notice = current(procedure)
    for _ in range(2):
        notices.objection_file(step=notice, text="情况不实", address="192.0.2.1")
    with pytest.raises(ValidationError, match="一小时内最多"):
        notices.objection_file(step=notice, text="情况不实", address="192.0.2.1")
    notices.objection_file(step=notice, text="情况不实", address="192.0.2.2")
    with pytest.raises(ValidationError, match="异议内容"):
        notices.objection_file(step=notice, text="   ", address="192.0.2.3")


def test_an_answer_is_given_once_by_staff_over_the_notice(staff, day0):
    procedure = make_procedure(kind="monitoring", staff=staff)
    act(procedure, staff["village"], "submit", day0, files=[File("consent", upload())])
    act(procedure, staff["village"], "approve", day0)
    objection = notices.objection_file(
        step=current(procedure), text="口头反映", phone="13800001234", actor=staff["village"]
    )
    assert objection.channel == "staff" and objection.phone_masked == "138****1234"
    other = make_user(role=roles.Role.TOWNSHIP, region="430524101000")
    with pytest.raises(PermissionDenied):
        notices.objection_answer(actor=other, objection=objection, answer="x", upheld=False)
    notices.objection_answer(
        actor=staff["county"], objection=objection, answer="已核实", upheld=True
    )
    with pytest.raises(ValidationError, match="已答复"):
        notices.objection_answer(
            actor=staff["county"], objection=objection, answer="再答", upheld=False
        )
    assert Action.objects.filter(procedure=procedure, verb="answer").count() == 1
