"""The monitored register: current monitored households with their cadre and the engine's
latest verdict, the history of every monitoring period, the yearly share against the band,
and the export — all within the reader's scope."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from python_calamine import CalamineWorkbook

from fupin.monitoring import services
from fupin.procedures.models import Procedure
from fupin.registry.services.households import designation_set
from tests import factories
from tests.factories import (
    login,
    make_cadre,
    make_household,
    make_lead,
    make_monitored,
    make_pairing,
    make_procedure,
    make_staff,
    make_verdict,
)

pytestmark = pytest.mark.django_db
REGISTER = reverse("monitoring:register")


@pytest.fixture
def staff():
    factories.region_tree()
    return make_staff()


def _page(client, url=REGISTER, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def _run_at(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def test_a_monitored_household_shows_kind_risks_since_cadre_and_latest_verdict(client, staff):
    today = timezone.localdate()
    since = today - timedelta(days=40)
    household = make_monitored(kind="sudden", since=since, head_name="孙秋生")
    lead = make_lead(household=household, risk_types=["illness", "accident"], today=since)
    services.lead_check(actor=staff["village"], lead=lead, outcome="monitored", today=since)
    make_pairing(household=household, cadre=make_cadre(full_name="刘帮扶"))
    make_verdict(household=household, risk_eliminable=False, finished_at=_run_at(30))
    latest = make_verdict(household=household, risk_eliminable=True, finished_at=_run_at(2))
    login(client, staff["village"])

    page = _page(client)

    assert "孙秋生" in page and "突发严重困难户" in page and "因病、因意外事故" in page
    assert since.isoformat() in page and "<td>40</td>" in page
    assert "刘帮扶" in page
    assert "符合风险消除条件" in page and "暂不符合" not in page
    assert reverse("standards:verdict_detail", kwargs={"pk": latest.pk}) in page
    start = reverse("procedures:start", kwargs={"household_pk": household.pk})
    assert f"{start}?kind=elimination" in page


def test_no_cadre_no_verdict_and_no_start_for_a_township_reader(client, staff):
    make_monitored(head_name="周未定")
    login(client, staff["township"])
    page = _page(client)
    assert "周未定" in page and "未确定" in page and "未核验" in page
    assert "kind=elimination" not in page  # risk elimination begins with a village step


def test_an_elimination_under_way_is_linked_instead_of_started(client, staff):
    household = make_monitored(head_name="郑在办")
    procedure = make_procedure(kind="elimination", household=household, staff=staff)
    login(client, staff["village"])
    page = _page(client)
    assert reverse("procedures:detail", kwargs={"pk": procedure.pk}) in page
    assert "风险消除办理中" in page and "kind=elimination" not in page
    assert Procedure.objects.filter(kind="elimination").count() == 1


def test_filters_by_kind_risk_type_and_area(client, staff):
    ill = make_monitored(kind="unstable", head_name="甲病户")
    make_lead(household=ill, risk_types=["illness"], actor=staff["village"])
    lead = ill.leads.get()
    services.lead_check(actor=staff["village"], lead=lead, outcome="monitored")
    make_monitored(kind="edge", head_name="乙边缘户")
    make_monitored(kind="edge", region="430524100202", head_name="丙邻村户")
    login(client, staff["township"])
    assert "乙边缘户" not in _page(client, kind="unstable")
    by_risk = _page(client, risk_type="illness")
    assert "甲病户" in by_risk and "乙边缘户" not in by_risk
    assert "甲病户" not in _page(client, risk_type="disaster")
    neighbour = _page(client, area="430524100202")
    assert "丙邻村户" in neighbour and "甲病户" not in neighbour


def test_the_register_keeps_to_the_readers_scope_on_page_and_export(client, staff):
    make_monitored(head_name="本镇户")
    make_monitored(region="430524101201", head_name="他镇户")
    make_household(household_type="exited", head_name="脱贫户不在名册")
    login(client, staff["township"])
    page = _page(client)
    assert "本镇户" in page and "他镇户" not in page and "脱贫户不在名册" not in page
    assert "他镇户" not in _page(client, area="430524101000")
    export = _sheet(client.get(reverse("monitoring:register_export")))
    names = {row[1] for row in export[1:]}
    assert names == {"本镇户"}


def _sheet(response) -> list[list]:
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    data = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_index(0).to_python()


def test_the_export_is_a_workbook_with_the_registers_columns(client, staff):
    household = make_monitored(head_name='=HYPERLINK("x")')
    make_pairing(household=household, cadre=make_cadre(full_name="冯帮扶"))
    make_verdict(household=household, risk_eliminable=True)
    login(client, staff["county"])
    rows = _sheet(client.get(reverse("monitoring:register_export")))
    assert rows[0][:3] == ["户编号", "户主", "所在村"]
    row = rows[1]
    assert row[0] == household.number and row[1] == '=HYPERLINK("x")'  # text, never a formula
    assert "冯帮扶" in row and "符合风险消除条件" in row


def test_history_lists_every_monitoring_period_and_how_it_ended(client, staff):
    today = timezone.localdate()
    household = make_monitored(kind="edge", since=today - timedelta(days=300), head_name="历史户")
    designation_set(
        actor=staff["county"],
        household=household,
        kind="unstable",
        on=today - timedelta(days=200),
        event_kind="monitored",
        reason="转为脱贫不稳定户",
    )
    designation_set(
        actor=staff["county"],
        household=household,
        kind="exited",
        on=today - timedelta(days=10),
        event_kind="risk_eliminated",
        reason="风险消除程序办结",
    )
    make_monitored(head_name="在监测户")
    make_monitored(region="431123100201", head_name="外县户")
    login(client, staff["township"])
    page = _page(client, reverse("monitoring:register_history"))
    assert "转为脱贫不稳定户" in page  # edge → unstable
    assert "风险消除，转为脱贫户" in page
    assert "在监测户" in page and "监测中" in page
    assert "外县户" not in page
    assert "历史户" not in _page(client)  # no longer monitored
    rows = _sheet(client.get(reverse("monitoring:register_export"), {"tab": "history"}))
    assert len(rows) == 4 and {r[1] for r in rows[1:]} == {"历史户", "在监测户"}


def test_the_share_panel_warns_when_the_share_is_above_the_band(client, staff):
    make_monitored(members=3, head_name="监测户")
    make_household(household_type="exited", members=3)
    login(client, staff["village"])
    page = _page(client, reverse("monitoring:register_share"))
    assert "50.00%" in page and 'data-testid="share-warning"' in page and "高于预警上限" in page


def test_the_share_panel_warns_when_the_share_is_below_the_band(client, staff):
    make_monitored(members=1)
    for _ in range(3):
        make_household(household_type="general", members=10)
    login(client, staff["township"])
    page = _page(client, reverse("monitoring:register_share"))
    assert "3.23%" in page and "低于预警下限" in page  # 1 of 31 persons
    assert "红星村" in page  # the villages below, each with its share


def test_no_warning_inside_the_band(client, staff):
    make_monitored(members=1)
    make_household(household_type="general", members=12)
    login(client, staff["village"])
    page = _page(client, reverse("monitoring:register_share"))
    assert "7.69%" in page and 'data-testid="share-warning"' not in page


def test_the_register_makes_the_same_number_of_queries_for_more_households(client, staff):
    login(client, staff["village"])

    def grow(n):
        for _ in range(n):
            household = make_monitored()
            make_pairing(household=household)
            make_verdict(household=household, risk_eliminable=False)

    grow(2)
    with CaptureQueriesContext(connection) as few:
        _page(client)
    grow(6)
    with CaptureQueriesContext(connection) as many:
        _page(client)
    assert len(many) == len(few)


def test_an_area_outside_the_list_is_ignored_and_the_other_filters_still_apply(client, staff):
    make_monitored(kind="edge", head_name="边缘户甲")
    make_monitored(kind="unstable", head_name="不稳定户乙")
    login(client, staff["township"])
    page = _page(client, area="431123100201", kind="edge")
    assert "边缘户甲" in page and "不稳定户乙" not in page


def test_the_navigation_leads_to_the_register_and_the_timeliness_page(client, staff):
    login(client, staff["village"])
    page = _page(client, reverse("core:dashboard"))
    assert REGISTER in page and reverse("monitoring:timeliness") in page
