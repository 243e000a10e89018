"""The department warnings import: counts that add up (N = R + U + M), matching by ID
number, the rules at their thresholds, adding up over files, merging, and reports."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook
from typer.testing import CliRunner

from fupin.cli import app
from fupin.monitoring import services
from fupin.monitoring.models import Lead, LeadSource, WarningRecord, WarningUpload
from fupin.monitoring.warning_import import warnings_import
from tests import factories
from tests.factories import make_household, make_member, make_staff, warning_file

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 15)
MEDICAL = ["证件号码", "姓名", "结算日期", "就诊类型", "总费用", "个人自付"]


@pytest.fixture
def exited():
    factories.region_tree()
    household = make_household(household_type="exited", members=1)
    return household, make_member(household, name="张三")


def rows_of(path, sheet: int = 0) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_index(sheet).to_python()


def medical(tmp_path, rows, name="医保.csv"):
    return warning_file(tmp_path / name, MEDICAL, rows)


def run(path, department="medical_insurance", **options):
    return warnings_import(department=department, path=path, today=TODAY, **options)


def test_hospital_self_pay_warns_when_the_year_reaches_the_line_for_exited_households(
    tmp_path, exited
):
    household, id_number = exited
    first = run(medical(tmp_path, [[id_number, "张三", "2026-02-01", "住院", "9000", "4999.99"]]))
    assert (first.read, first.matched, first.leads) == (1, 1, 0)
    assert not Lead.objects.exists()

    # A second file the same year adds 0.01 yuan: 5000.00 reaches the line.
    second = run(
        medical(tmp_path, [[id_number, "张三", "2026-05-20", "住院", "10", "0.01"]], "b.csv")
    )
    assert second.leads == 1
    lead = Lead.objects.get()
    assert lead.household == household
    assert lead.risk_list == ["illness"]
    source = lead.sources.get()
    assert source.channel == "department" and source.department == "medical_insurance"
    assert "5,000.00" in source.difficulty and source.amount == 5000
    assert WarningRecord.objects.filter(lead=lead).count() == 1


def test_other_rural_persons_need_the_higher_line(tmp_path):
    factories.region_tree()
    household = make_household(household_type="general", members=1)
    id_number = make_member(household, name="李四")
    result = run(medical(tmp_path, [[id_number, "李四", "2026-02-01", "住院", "30000", "19999"]]))
    assert result.leads == 0
    result = run(medical(tmp_path, [[id_number, "李四", "2026-03-01", "住院", "10", "1"]], "b.csv"))
    assert result.leads == 1


def test_outpatient_self_pay_adds_up_per_month(tmp_path, exited):
    _household, id_number = exited
    rows = [
        [id_number, "张三", "2026-04-03", "门诊", "400", "300"],
        [id_number, "张三", "2026-05-02", "门诊", "400", "300"],  # another month
        [id_number, "张三", "2026-04-28", "门诊", "300", "199.99"],
    ]
    assert run(medical(tmp_path, rows)).leads == 0
    more = [[id_number, "张三", "2026-04-29", "门诊", "1", "0.01"]]
    assert run(medical(tmp_path, more, "b.csv")).leads == 1


def test_the_same_file_twice_neither_adds_up_nor_warns_again(tmp_path, exited):
    _household, id_number = exited
    path = medical(tmp_path, [[id_number, "张三", "2026-02-01", "住院", "9000", "6000"]])
    assert run(path).leads == 1
    again = run(path)
    assert (again.read, again.matched, again.leads) == (1, 1, 0)
    assert WarningRecord.objects.count() == 1
    assert any("已导入过相同的记录" in p.message for p in again.problems)


def test_counts_add_up_and_every_row_that_is_not_matched_has_a_reason(tmp_path, exited):
    _household, id_number = exited
    stranger = factories.valid_id(area="430524", birth="19700101")
    rows = [
        [id_number, "张三", "2026-02-01", "住院", "9000", "6000"],  # matched, warns
        ["430524198001011234", "王五", "2026-02-01", "住院", "1", "1"],  # bad check digit
        [stranger, "赵六", "2026-02-01", "住院", "1", "1"],  # nobody in the registry
        [id_number, "", "2026-02-01", "住院", "1", "1"],  # no name
        [id_number, "张三", "2026-02-30", "住院", "1", "1"],  # no such date
        [id_number, "张三", "2026-02-01", "急诊", "1", "1"],  # not a visit type
        [id_number, "张三", "2026-02-01", "住院", "1", "一百"],  # not an amount
        [id_number, "张三", "2026-02-01", "住院", "1", "-5"],  # negative
        [id_number, "张三", "2027-02-01", "住院", "1", "1"],  # in the future
        [id_number, "张三", "", "住院", "1", "1"],  # required cell empty
    ]
    result = run(medical(tmp_path, rows))
    assert (result.read, result.rejected, result.unmatched, result.matched) == (10, 8, 1, 1)
    assert result.read == result.rejected + result.unmatched + result.matched
    assert result.leads == 1 and result.exit_code == 3
    by_row = {}
    for problem in result.problems:
        by_row.setdefault(problem.row, []).append(problem)
    assert by_row[3][0].column == "证件号码" and "校验位" in by_row[3][0].message
    assert by_row[4][0].severity == "unmatched"
    assert by_row[5][0].message == "缺少姓名"
    assert "不是有效日期" in by_row[6][0].message
    assert "住院、门诊" in by_row[7][0].message
    assert "不是数字" in by_row[8][0].message or by_row[8][0].column == "个人自付"
    assert by_row[9][0].message == "金额不能为负数"
    assert by_row[10][0].message == "日期晚于今天"
    assert by_row[11][0].message == "缺少必填项"

    report = tmp_path / "report.xlsx"
    result.write_report(report)
    sheet = rows_of(report)
    assert sheet[0] == ["读取", "拒绝", "未匹配", "匹配", "线索"]
    assert sheet[1] == [10, 8, 1, 1, 1]
    categories = [row[4] for row in sheet[4:]]
    assert categories.count("未匹配") == 1 and "线索" in categories


def test_a_name_that_differs_is_matched_by_id_number_with_a_note(tmp_path, exited):
    _household, id_number = exited
    result = run(medical(tmp_path, [[id_number, "张叁", "2026-02-01", "住院", "1", "1"]]))
    assert result.matched == 1
    assert [p.severity for p in result.problems] == ["warning"]


def test_persons_outside_the_uploaders_area_are_unmatched_like_strangers(tmp_path, exited):
    _household, id_number = exited
    department_user = factories.make_user(
        role="department", region="431123000000", department="medical_insurance"
    )
    result = run(
        medical(tmp_path, [[id_number, "张三", "2026-02-01", "住院", "1", "9000"]]),
        actor=department_user,
    )
    assert (result.unmatched, result.matched, result.leads) == (1, 0, 0)
    assert result.problems[0].message == "本辖区农户成员中没有这个证件号码"


def test_rows_on_one_household_from_two_members_make_one_lead(tmp_path, exited):
    household, id_number = exited
    other = make_member(household, name="张四", birth="19900101")
    rows = [
        [id_number, "张三", "2026-02-01", "住院", "9000", "6000"],
        [other, "张四", "2026-02-03", "住院", "9000", "7000"],
    ]
    result = run(medical(tmp_path, rows))
    assert result.leads == 1
    lead = Lead.objects.get()
    assert lead.sources.count() == 2


def test_a_department_warning_merges_into_a_recent_lead_of_another_channel(tmp_path, exited):
    household, id_number = exited
    staff = make_staff()
    cadre_lead, _merged = services.lead_report(
        actor=staff["village"],
        channel="cadre",
        household=household,
        risk_types=["disaster"],
        today=date(2026, 6, 1),
    )
    result = run(medical(tmp_path, [[id_number, "张三", "2026-02-01", "住院", "1", "6000"]]))
    assert result.leads == 1
    cadre_lead.refresh_from_db()
    assert cadre_lead.risk_list == ["disaster", "illness"]
    assert Lead.objects.count() == 1


def test_a_county_changes_its_own_threshold(tmp_path, exited):
    _household, id_number = exited
    county = factories.make_user(role="county", region="430524000000")
    services.warning_rules_set(
        actor=county,
        county="430524000000",
        department="medical_insurance",
        values={"hospital_year_registered": 3000},
        basis="隆医保发〔2026〕3号",
    )
    result = run(medical(tmp_path, [[id_number, "张三", "2026-02-01", "住院", "1", "3000"]]))
    assert result.leads == 1


@pytest.mark.parametrize(
    ("birth", "warns"),
    [("19650616", True), ("19650615", False), ("20100615", True), ("20100616", False)],
)
def test_a_death_warns_for_a_working_age_member_only(tmp_path, birth, warns):
    factories.region_tree()
    household = make_household(household_type="exited", members=1)
    id_number = make_member(household, name="刘五", birth=birth)
    path = warning_file(
        tmp_path / "公安.csv", ["证件号码", "姓名", "死亡日期"], [[id_number, "刘五", "2026-06-15"]]
    )
    # 16 to 60 at the date of death: still 60 the day before the 61st birthday, 16 on the
    # 16th birthday itself.
    result = run(path, department="public_security")
    assert (result.leads == 1) is warns


@pytest.mark.parametrize(("grade", "warns"), [("C", True), ("d", True), ("B", False)])
def test_housing_warns_on_the_grades_the_county_set(tmp_path, exited, grade, warns):
    _household, id_number = exited
    path = warning_file(
        tmp_path / "住建.csv",
        ["证件号码", "姓名", "鉴定日期", "鉴定等级"],
        [[id_number, "张三", "2026-05-01", grade]],
    )
    result = run(path, department="housing")
    assert result.rejected == 0 and (result.leads == 1) is warns
    if warns:
        assert Lead.objects.get().risk_list == ["housing"]


def test_a_gb18030_file_with_extra_columns_is_read_and_the_extra_noted(tmp_path, exited):
    _household, id_number = exited
    path = warning_file(
        tmp_path / "民政.csv",
        ["证件号码", "姓名", "变动日期", "救助类型", "变动类型", "经办人"],
        [[id_number, "张三", "2026年5月1日", "低保", "取消", "某某"]],
        encoding="gb18030",
    )
    result = run(path, department="civil_affairs")
    assert (result.matched, result.leads) == (1, 1)
    assert result.unknown_columns == ["经办人"]


def test_formula_cells_come_back_as_text_in_the_report(tmp_path, exited):
    _household, _id = exited
    path = medical(tmp_path, [['=HYPERLINK("http://x")', "=1+1", "2026-02-01", "住院", "1", "1"]])
    result = run(path)
    assert result.rejected == 1
    report = tmp_path / "r.xlsx"
    result.write_report(report)
    values = [row[2] for row in rows_of(report)[4:]]
    assert all(not str(v).startswith("=") for v in values if v)


alphabet = st.sampled_from(["ok", "bad_id", "stranger", "no_name", "bad_date", "bad_amount"])


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kinds=st.lists(alphabet, max_size=12))
def test_every_row_is_rejected_unmatched_or_matched(tmp_path, exited, kinds):
    _household, id_number = exited
    stranger = factories.valid_id(area="431123", birth="19700101")
    make = {
        "ok": [id_number, "张三", "2026-02-01", "门诊", "1", "1"],
        "bad_id": ["43052419800101123X", "甲", "2026-02-01", "门诊", "1", "1"],
        "stranger": [stranger, "乙", "2026-02-01", "门诊", "1", "1"],
        "no_name": [id_number, " ", "2026-02-01", "门诊", "1", "1"],
        "bad_date": [id_number, "张三", "2026-13-01", "门诊", "1", "1"],
        "bad_amount": [id_number, "张三", "2026-02-01", "门诊", "1", "1,2,3x"],
    }
    rows = [make[k] for k in kinds]
    if not rows:
        return
    result = run(medical(tmp_path, rows, "p.csv"))
    assert result.read == len(rows) == result.rejected + result.unmatched + result.matched
    assert result.matched == kinds.count("ok")
    assert result.unmatched == kinds.count("stranger")


runner = CliRunner()


def test_the_command_prints_the_counts_and_exits_3_on_rejections(tmp_path, exited):
    _household, id_number = exited
    good = medical(tmp_path, [[id_number, "张三", "2026-02-01", "住院", "1", "6000"]])
    out = runner.invoke(app, ["warnings", "import", "--department", "medical_insurance", str(good)])
    assert out.exit_code == 0, out.output
    assert out.stdout.strip().splitlines()[-1] == (
        "read 1, rejected 0, unmatched 0, matched 1, leads 1"
    )
    bad = medical(tmp_path, [["x", "张三", "2026-02-01", "住院", "1", "1"]], "bad.csv")
    report = tmp_path / "report.xlsx"
    out = runner.invoke(
        app,
        [
            "warnings",
            "import",
            "--department",
            "medical_insurance",
            str(bad),
            "--report",
            str(report),
        ],
    )
    assert out.exit_code == 3
    assert "read 1, rejected 1, unmatched 0, matched 0, leads 0" in out.stdout
    assert report.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "文件是空的"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "无法导入"),
        ("证件号码,姓名,结算日期\n".encode(), "缺少必需的列：就诊类型、总费用、个人自付"),
    ],
)
def test_a_file_that_cannot_be_used_exits_2_with_a_reason(tmp_path, content, message):
    factories.region_tree()
    path = tmp_path / "f.csv"
    path.write_bytes(content)
    out = runner.invoke(app, ["warnings", "import", "--department", "medical_insurance", str(path)])
    assert out.exit_code == 2
    assert message in out.output
    assert not WarningUpload.objects.exists()


def test_an_unknown_department_exits_2(tmp_path, exited):
    path = medical(tmp_path, [])
    out = runner.invoke(app, ["warnings", "import", "--department", "tax", str(path)])
    assert out.exit_code == 2 and "未知的部门" in out.output


def test_the_template_has_the_departments_columns(tmp_path):
    out = tmp_path / "t.xlsx"
    result = runner.invoke(app, ["warnings", "template", "--department", "housing", str(out)])
    assert result.exit_code == 0
    header = rows_of(out)[0]
    assert header == ["*证件号码", "*姓名", "*鉴定日期", "*鉴定等级"]
    assert LeadSource.objects.count() == 0
