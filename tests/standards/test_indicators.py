"""Area indicators from the registry at the year end, and the county exit indicators."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from typer.testing import CliRunner

from fupin.accounts.roles import Role
from fupin.cli import app
from fupin.core.models import AuditEntry
from fupin.registry.importing import import_households
from fupin.standards.evaluations import evaluation_record
from fupin.standards.indicators import area_indicators
from tests import factories
from tests.registry.test_import import family, person_row, write_csv

pytestmark = pytest.mark.django_db

POOR = {"户类型": "一般贫困户", "主要致贫原因": "因病", "识别年度": "2015"}
EXITED = {"户类型": "脱贫户", "识别年度": "2015", "脱贫年度": "2019"}


@pytest.fixture
def registry(tree, tmp_path):
    rows = [
        *family("0001", **POOR),  # 3 poor persons in 红星村
        *family("0002", **EXITED),  # exited at the end of 2019
        *family("0003"),
        *family("0004", 户类型="边缘易致贫户", 识别年度="", 脱贫年度=""),
        *family("0005", region="430524101201"),  # 大塘村, another township
        person_row(  # died in 2019: not registered at the end of 2019
            户编号="0003",
            姓名="张老汉",
            与户主关系="之父",
            证件号码=factories.valid_id(birth="19400101"),
            死亡日期="2019-06-01",
            劳动能力="丧失劳动力",
        ),
    ]
    result = import_households(path=write_csv(tmp_path / "r.csv", rows), as_of=date(2019, 12, 31))
    assert result.rejected == 0, result.problems


def test_area_indicators_at_the_year_end(registry):
    county, *children = area_indicators("430524000000", 2019)
    assert (county.registered_households, county.registered_persons) == (5, 15)
    assert (county.poor_households, county.poor_persons) == (1, 3)
    assert county.incidence == Decimal("20.00")
    assert (county.exited_households, county.exited_persons) == (1, 3)
    assert (county.monitored_households, county.monitored_persons) == (1, 3)
    # No monitoring band before 2021: the share is shown, not judged.
    assert county.monitored_share == Decimal("20.00") and county.share_in_band is None
    assert county.incidence_max == 2 and county.incidence_ok is False  # 中部 in the test tree
    taohong = next(a for a in children if a.code == "430524100000")
    assert taohong.registered_persons == 12 and taohong.poor_persons == 3


def test_exits_count_only_in_their_year(registry):
    county = area_indicators("430524000000", 2020)[0]
    assert county.exited_households == 0
    assert county.poor_households == 1  # still poor: nobody changed the designation


def test_the_county_exit_indicators_from_an_evaluation(registry, client):
    province = factories.make_user(role=Role.PROVINCE, region="430000000000")
    evaluation_record(
        actor=province,
        county_code="430524000000",
        year=2019,
        counts={
            "sampled_exited_persons": 200,
            "wrong_exit_persons": 4,  # 2.00%: at the limit, passes
            "sampled_other_persons": 300,
            "missed_persons": 7,  # 2.33%: fails
            "surveyed_households": 100,
            "approving_households": 90,  # 90%: passes
        },
    )
    assert AuditEntry.objects.filter(action="exit_evaluation.record").count() == 1
    factories.login(client, province)
    page = client.get("/standards/indicators/", {"region": "430524000000", "year": 2019})
    text = page.content.decode()
    assert "综合贫困发生率" in text and "有指标未达到退出要求" in text
    data = client.get("/api/v1/indicators/", {"region": "430524000000", "year": 2019}).json()
    exit_ = data["county_exit"]
    assert exit_["wrong_exit_rate"] == {"value": "2.00", "threshold": "2.00", "ok": True}
    assert exit_["missed_rate"]["ok"] is False and exit_["approval"]["ok"] is True
    # (3 poor + 7 missed + 4 wrong) / 15 registered
    assert exit_["comprehensive_incidence"]["value"] == "93.33"
    assert exit_["meets_all"] is False


def test_evaluation_counts_are_checked_and_scoped(registry):
    province = factories.make_user(role=Role.PROVINCE, region="430000000000")
    counts = dict.fromkeys(
        [
            "sampled_exited_persons",
            "wrong_exit_persons",
            "sampled_other_persons",
            "missed_persons",
            "surveyed_households",
            "approving_households",
        ],
        10,
    )
    with pytest.raises(ValidationError) as error:
        evaluation_record(
            actor=province,
            county_code="430524000000",
            year=2019,
            counts={**counts, "wrong_exit_persons": 11},
        )
    assert "不能大于" in str(error.value)
    with pytest.raises(PermissionDenied):
        county = factories.make_user(role=Role.COUNTY, region="430524000000")
        evaluation_record(actor=county, county_code="430524000000", year=2019, counts=counts)
    other = factories.make_user(role=Role.CITY, region="431100000000")
    with pytest.raises(PermissionDenied):
        evaluation_record(actor=other, county_code="430524000000", year=2019, counts=counts)


def test_the_indicators_command(registry):
    result = CliRunner().invoke(app, ["indicators", "--year", "2019", "--region", "430524000000"])
    assert result.exit_code == 0, result.output
    assert "430524000000" in result.output and "20.00" in result.output
    as_json = CliRunner().invoke(
        app, ["indicators", "--year", "2019", "--region", "430524000000", "--json"]
    )
    assert '"poor_persons": 3' in as_json.output
    missing = CliRunner().invoke(app, ["indicators", "--year", "2019", "--region", "999999999999"])
    assert missing.exit_code == 2 and "不存在" in missing.output


def test_the_monitoring_share_is_judged_against_the_band_from_2021(registry):
    county = area_indicators("430524000000", 2021)[0]
    assert county.share_band == (5, 10)
    assert county.monitored_share == Decimal("20.00") and county.share_in_band is False
