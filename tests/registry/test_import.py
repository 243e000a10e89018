from __future__ import annotations

import csv
import hashlib
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from django.db import IntegrityError, connection, transaction

from fupin.core.models import AuditEntry
from fupin.registry.importing import ImportFileError, import_households
from fupin.registry.models import Designation, Household, HouseholdIncome, Person
from fupin.registry.template import HEADERS
from tests import factories

pytestmark = pytest.mark.django_db


def person_row(**overrides) -> dict:
    row = dict.fromkeys(HEADERS, "")
    row.update(
        {
            "行政区划代码": "430524100201",
            "户编号": "0001",
            "户类型": "一般户",
            "收入年度": "2025",
            "工资性收入": "20,000",
            "生产经营性收入": "3000",
            "财产性收入": "0",
            "转移性收入": "1200",
            "生产经营性支出": "500",
            "住房安全等级": "B",
            "饮水安全": "是",
            "不愁吃不愁穿": "是",
            "姓名": "张三",
            "证件号码": factories.valid_id(birth="19700305"),
            "与户主关系": "户主",
            "民族": "汉族",
            "健康状况": "健康",
            "劳动能力": "普通劳动力",
            "基本医疗保险": "是",
        }
    )
    row.update(overrides)
    return row


def family(number="0001", region="430524100201", **household) -> list[dict]:
    shared = {"户编号": number, "行政区划代码": region, **household}
    return [
        person_row(**shared),
        person_row(
            **shared,
            姓名="李梅",
            与户主关系="配偶",
            证件号码=factories.valid_id(birth="19720811", sex="female"),
        ),
        person_row(
            **shared,
            姓名="张小明",
            与户主关系="之子",
            证件号码=factories.valid_id(birth="20120601"),
            劳动能力="",
            在校生状况="初中",
        ),
    ]


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8-sig") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, rows: list[dict]) -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    sheet.write_row(0, 0, HEADERS)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(r, 0, [row[h] for h in HEADERS])
    workbook.close()
    return path


@pytest.fixture
def villages(tree):
    return tree


def test_a_good_file_is_written_and_its_counts_add_up(villages, tmp_path):
    path = write_csv(
        tmp_path / "good.csv",
        family("0001")
        + family(
            "0002", 户类型="一般贫困户", 主要致贫原因="因病", 识别年度="2015", 健康状况="长期慢性病"
        ),
    )
    result = import_households(path=path, as_of=date(2025, 1, 1))
    assert (result.read, result.written, result.unchanged, result.rejected) == (6, 6, 0, 0), (
        result.problems
    )
    household = Household.objects.get(number="0002")
    assert (household.household_type, household.member_count, household.head_name) == (
        "poor_general",
        3,
        "张三",
    )
    assert Designation.objects.get(household=household).start == date(2015, 1, 1)
    income = HouseholdIncome.objects.get(household=household, year=2025)
    assert (
        income.net_income == 23700
        and income.members_counted == 3
        and float(income.per_capita_net_income) == 7900
    )
    entry = AuditEntry.objects.get(action="registry.import")
    # The record names the file by its content, so a file can be matched with its import.
    assert entry.after["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert (entry.after["read"], entry.after["written"]) == (6, 6)


def test_importing_the_same_file_again_writes_nothing(villages, tmp_path):
    path = write_csv(tmp_path / "good.csv", family("0001"))
    import_households(path=path, as_of=date(2025, 1, 1))
    again = import_households(path=path, as_of=date(2025, 1, 1))
    assert (again.read, again.written, again.unchanged, again.rejected) == (3, 0, 3, 0)


def test_a_changed_cell_writes_only_the_rows_it_touches(villages, tmp_path):
    rows = family("0001")
    import_households(path=write_csv(tmp_path / "a.csv", rows), as_of=date(2025, 1, 1))
    rows[2]["在校生状况"] = "高中"
    result = import_households(path=write_csv(tmp_path / "b.csv", rows), as_of=date(2025, 6, 1))
    assert (result.written, result.unchanged) == (1, 2)
    assert Person.objects.get(name="张小明").school_status == "senior"


def test_bad_rows_are_rejected_with_row_column_value_and_reason(villages, tmp_path):
    rows = family("0001")
    rows[1]["证件号码"] = rows[1]["证件号码"][:-1] + (
        "0" if rows[1]["证件号码"][-1] != "0" else "1"
    )
    rows[2]["务工时间"] = "13"
    path = write_csv(tmp_path / "bad.csv", rows + family("0002"))
    result = import_households(path=path, as_of=date(2025, 1, 1))
    assert (result.read, result.written, result.rejected) == (6, 4, 2)
    by_row = {(p.row, p.column): p for p in result.problems if p.severity == "error"}
    assert "校验位" in by_row[(3, "证件号码")].message
    assert by_row[(4, "务工时间")].value == "13" and "0 到 12" in by_row[(4, "务工时间")].message


def test_rows_of_one_household_that_disagree_are_all_rejected(villages, tmp_path):
    rows = family("0001")
    rows[2]["户类型"] = "一般贫困户"
    rows[2]["主要致贫原因"] = "因病"
    rows[1]["住房安全等级"] = ""  # a blank beside filled cells disagrees too
    result = import_households(
        path=write_csv(tmp_path / "x.csv", rows + family("0002")), as_of=date(2025, 1, 1)
    )
    assert (result.written, result.rejected) == (3, 3)
    named = {(p.row, p.column) for p in result.problems if "不一致" in p.message}
    # Every row of the household, once for each column that disagrees, and no other column.
    assert named == {(r, h) for r in (2, 3, 4) for h in ("户类型", "主要致贫原因", "住房安全等级")}
    assert list(Household.objects.values_list("number", flat=True)) == ["0002"]


def test_one_person_in_two_households_is_refused_naming_the_other(villages, tmp_path):
    import_households(path=write_csv(tmp_path / "a.csv", family("0001")), as_of=date(2025, 1, 1))
    stranger = family("0009")
    stranger[1]["证件号码"] = Person.objects.get(name="李梅").id_masked  # masked: fails as invalid
    moved = family("0009")
    first = Person.objects.get(name="张三")
    from fupin.registry import services

    moved[1]["证件号码"] = services.person_id_reveal(
        actor=factories._system_actor("430524100201"), person=first
    )
    result = import_households(path=write_csv(tmp_path / "b.csv", moved), as_of=date(2025, 1, 1))
    message = next(p.message for p in result.problems if p.column == "证件号码")
    assert "户编号 0001" in message and "两户" in message


# (row of family() to change, its new cells, expected column, words of the reason, whether
# the whole household falls). Rows are 0 head (born 1970), 1 spouse (1972), 2 son (2012).
RULE_CASES = [
    (0, {"劳动能力": ""}, "劳动能力", "劳动能力必填", False),
    (2, {"在校生状况": ""}, "在校生状况", "在校生状况必填", False),
    (1, {"死亡日期": "2999-01-01"}, "死亡日期", "不能晚于今天", False),
    (2, {"死亡日期": "2011-01-01"}, "死亡日期", "早于出生日期", False),
    (1, {"残疾等级": "二级"}, "残疾等级", "健康状况应为“残疾”", False),
    (0, {"收入年度": ""}, "收入年度", "收入年度必填", True),
    (
        1,
        {"工资性收入": "1000000000000"},
        "工资性收入",
        "金额过大，应小于 1,000,000,000,000 元",
        True,
    ),
    (0, {"户类型": "一般贫困户"}, "主要致贫原因", "必须填写主要致贫原因", True),
    (0, {"识别年度": "2016", "脱贫年度": "2015"}, "脱贫年度", "早于识别年度 2016", True),
    (0, {"户类型": "脱贫户", "主要致贫原因": "因病"}, "脱贫年度", "必须填写脱贫年度", True),
    (
        0,
        {"户类型": "一般贫困户", "主要致贫原因": "因病", "其他致贫原因": "缺技术、因病"},
        "其他致贫原因",
        "不能与主要致贫原因相同",
        True,
    ),
    (
        0,
        {"户类型": "一般贫困户", "主要致贫原因": "因病", "其他致贫原因": "缺技术、缺资金、缺劳力"},
        "其他致贫原因",
        "最多填两项",
        True,
    ),
    (
        0,
        {"户类型": "一般贫困户", "主要致贫原因": "因病", "其他致贫原因": "缺技术、缺钱"},
        "其他致贫原因",
        "“缺钱”不是规定的致贫原因",
        True,
    ),
]


@pytest.mark.parametrize("index,cells,column,reason,whole_household", RULE_CASES)
def test_each_row_rule_rejects_with_its_column_and_reason(
    villages, tmp_path, index, cells, column, reason, whole_household
):
    rows = family("0001")
    household_cells = {"户类型", "主要致贫原因", "其他致贫原因", "识别年度", "脱贫年度", "收入年度"}
    for i, row in enumerate(rows):
        # Household cells go on every row (they must agree), the person's only on its own.
        row.update({k: v for k, v in cells.items() if i == index or k in household_cells})
    path = write_csv(tmp_path / "rule.csv", rows + family("0002"))
    result = import_households(path=path, as_of=date(2025, 1, 1))
    errors = [p for p in result.problems if p.severity == "error" and p.column == column]
    assert [p.row for p in errors][:1] == [index + 2], result.problems
    assert reason in errors[0].message
    assert result.rejected == (3 if whole_household else 1)
    assert Household.objects.filter(number="0001").exists() is not whole_household
    assert Household.objects.filter(number="0002").exists()  # untouched by the other's problem


@pytest.mark.parametrize(
    "cells,row,column,words",
    [
        (
            {"工资性收入": "0", "生产经营性收入": "0", "转移性收入": "0"},
            2,
            "工资性收入",
            "人均纯收入 -166.67 元",
        ),
        (
            {"户类型": "一般贫困户", "主要致贫原因": "因病", "识别年度": "2016"},
            2,
            "主要致贫原因",
            "均为健康",
        ),
        (
            {"户类型": "特困供养贫困户", "主要致贫原因": "因残", "识别年度": "2016"},
            2,
            "劳动能力",
            "岁有劳动能力",
        ),
    ],
)
def test_each_warning_names_its_row_and_column_and_rejects_nothing(
    villages, tmp_path, cells, row, column, words
):
    rows = family("0001", **cells)
    result = import_households(path=write_csv(tmp_path / "w.csv", rows), as_of=date(2025, 1, 1))
    assert result.rejected == 0, result.problems
    warnings = [p for p in result.problems if p.severity == "warning" and p.column == column]
    assert warnings and warnings[0].row == row and words in warnings[0].message, result.problems


def test_a_household_without_a_head_is_rejected(villages, tmp_path):
    rows = family("0001")[1:]
    result = import_households(path=write_csv(tmp_path / "x.csv", rows), as_of=date(2025, 1, 1))
    assert result.rejected == 2 and any("没有户主" in p.message for p in result.problems)


def test_a_household_with_two_heads_is_rejected_naming_both_rows(villages, tmp_path):
    rows = family("0001")
    rows[1]["与户主关系"] = "户主"
    path = write_csv(tmp_path / "x.csv", rows + family("0002"))
    result = import_households(path=path, as_of=date(2025, 1, 1))
    flagged = sorted(p.row for p in result.problems if "有 2 个户主" in p.message)
    assert flagged == [2, 3] and (result.rejected, result.written) == (3, 3)


def test_the_same_person_twice_in_a_file_is_refused_at_the_second_row(villages, tmp_path):
    rows = family("0001") + family("0002")
    rows[4]["证件号码"] = rows[1]["证件号码"]
    result = import_households(path=write_csv(tmp_path / "x.csv", rows), as_of=date(2025, 1, 1))
    problem = next(p for p in result.problems if p.column == "证件号码")
    assert problem.row == 6 and "与第 3 行是同一人，一人不能同时属于两户" in problem.message
    assert result.rejected == 1


def test_gb18030_csv_and_xlsx_import_alike(villages, tmp_path):
    gb = import_households(
        path=write_csv(tmp_path / "gb.csv", family("0001"), encoding="gb18030"),
        as_of=date(2025, 1, 1),
    )
    xl = import_households(
        path=write_xlsx(tmp_path / "x.xlsx", family("0002")), as_of=date(2025, 1, 1)
    )
    assert (gb.written, xl.written) == (3, 3)
    assert set(Household.objects.values_list("head_name", flat=True)) == {"张三"}


def test_warnings_are_reported_without_rejecting(villages, tmp_path):
    rows = family("0001", 主要致贫原因="因病", 户类型="一般贫困户", 识别年度="2016")
    result = import_households(path=write_csv(tmp_path / "w.csv", rows), as_of=date(2025, 1, 1))
    assert result.rejected == 0
    assert any(p.severity == "warning" and "因病" in p.message for p in result.problems)


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "空"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "表格"),
        ("姓名,证件号码\n张三,1\n".encode(), "缺少必需的列"),
    ],
)
def test_unusable_files_are_refused_as_a_whole_in_chinese(villages, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as error:
        import_households(path=path)
    assert message in error.value.message


def test_formula_like_cells_are_kept_as_text_never_evaluated(villages, tmp_path):
    rows = family("0001", 村民小组='=HYPERLINK("http://x")')
    result = import_households(path=write_csv(tmp_path / "f.csv", rows), as_of=date(2025, 1, 1))
    assert result.written == 3
    assert Household.objects.get().group_name.startswith("=HYPERLINK")


def test_dry_run_writes_nothing(villages, tmp_path):
    result = import_households(path=write_csv(tmp_path / "d.csv", family("0001")), dry_run=True)
    assert result.written == 3 and not Household.objects.exists()


def test_export_then_import_of_the_same_data_writes_nothing(client, villages, tmp_path):
    from django.urls import reverse

    from fupin.accounts import roles

    rows = family(
        "0001",
        户类型="脱贫户",
        识别年度="2015",
        脱贫年度="2019",
        主要致贫原因="因学",
        其他致贫原因="缺技术、缺资金",
        联系电话="13912345678",
        住房安全等级="C",
        危房改造或搬迁="是",
    )
    first = import_households(path=write_csv(tmp_path / "in.csv", rows), as_of=date(2025, 1, 1))
    assert first.rejected == 0, first.problems
    county = factories.make_user(role=roles.Role.COUNTY, region="430524000000")
    factories.login(client, county)
    exported = b"".join(client.get(reverse("registry:export")).streaming_content)
    path = tmp_path / "out.csv"
    path.write_bytes(exported)

    again = import_households(path=path, as_of=date(2025, 1, 1))

    assert (again.read, again.written, again.unchanged, again.rejected) == (3, 0, 3, 0), (
        again.problems
    )
    assert AuditEntry.objects.filter(action="registry.export_full").count() == 1


def test_per_capita_income_is_rounded_to_the_fen_like_the_services(villages, tmp_path):
    from fupin.registry.services.income import derive

    rows = family(
        "0001",
        工资性收入="10000",
        生产经营性收入="0",
        财产性收入="0",
        转移性收入="1",
        生产经营性支出="0",
    )
    import_households(path=write_csv(tmp_path / "r.csv", rows), as_of=date(2025, 1, 1))
    income = HouseholdIncome.objects.get()
    assert str(income.per_capita_net_income) == "3333.67"  # 10001 / 3, half up
    from decimal import Decimal

    check = HouseholdIncome(
        wages=Decimal(10000),
        business=Decimal(0),
        property_income=Decimal(0),
        transfers=Decimal(1),
        business_costs=Decimal(0),
    )
    derive(check, 3)
    assert check.per_capita_net_income == income.per_capita_net_income


def test_a_registry_imported_after_its_income_year_counts_the_members_of_that_year(
    villages, tmp_path
):
    rows = [
        *family("0001"),
        person_row(
            姓名="张小宝",
            与户主关系="之孙子",
            证件号码=factories.valid_id(birth="20260301"),
            劳动能力="",
        ),
    ]
    result = import_households(path=write_csv(tmp_path / "y.csv", rows), as_of=date(2026, 11, 22))
    assert result.rejected == 0, result.problems
    household = Household.objects.get(number="0001")
    income = HouseholdIncome.objects.get(household=household, year=2025)
    # Four members now; the baby born in 2026 is not one of the 2025 income's members.
    assert household.member_count == 4
    assert (income.members_counted, float(income.per_capita_net_income)) == (3, 7900)


def test_figures_worked_out_during_import_are_those_a_recomputation_gives(villages, tmp_path):
    from fupin.registry.importing.writing import refresh

    rows = [
        *family("0001"),
        *family("0002", 工资性收入="10001"),
        person_row(
            户编号="0002",
            工资性收入="10001",
            姓名="张老汉",
            与户主关系="之父",
            证件号码=factories.valid_id(birth="19400101"),
            死亡日期="2025-06-01",
            劳动能力="丧失劳动力",
        ),
    ]
    result = import_households(path=write_csv(tmp_path / "f.csv", rows), as_of=date(2026, 3, 1))
    assert result.rejected == 0, result.problems

    def figures():
        return sorted(
            [
                *Household.objects.values_list("number", "member_count", "head_name"),
                *HouseholdIncome.objects.values_list(
                    "household__number", "members_counted", "net_income", "per_capita_net_income"
                ),
            ],
            key=str,
        )

    imported = figures()
    refresh(set(Household.objects.values_list("id", flat=True)))
    assert figures() == imported
    income = HouseholdIncome.objects.get(household__number="0002")
    assert income.members_counted == 3  # the father died before the end of 2025


def test_a_household_number_held_by_another_village_is_not_overwritten(villages, tmp_path):
    import_households(
        path=write_csv(tmp_path / "a.csv", family("0001", region="430524101201")),
        as_of=date(2025, 1, 1),
    )
    clerk = factories.make_user(role="township", region="430524100000")
    result = import_households(
        path=write_csv(tmp_path / "b.csv", family("0001", 村民小组="第9组")),
        actor=clerk,
        as_of=date(2025, 1, 1),
    )
    assert result.rejected == 3 and result.written == 0
    assert any("已属于大塘村" in p.message for p in result.problems)
    assert Household.objects.get().group_name == ""


def test_a_file_with_disability_levels_reimports_as_unchanged(villages, tmp_path):
    rows = family("0001")
    rows[1].update({"健康状况": "残疾", "残疾等级": "二级"})
    path = write_csv(tmp_path / "d.csv", rows)
    import_households(path=path, as_of=date(2025, 1, 1))
    again = import_households(path=path, as_of=date(2025, 1, 1))
    assert (again.written, again.unchanged) == (0, 3)
    assert Person.objects.get(name="李梅").disability_level == 2


def test_a_file_older_than_the_current_household_type_cannot_change_it(villages, tmp_path):
    import_households(path=write_csv(tmp_path / "a.csv", family("0001")), as_of=date(2025, 1, 1))
    older = family("0001", 户类型="一般贫困户", 主要致贫原因="因病", 识别年度="2024")
    result = import_households(path=write_csv(tmp_path / "b.csv", older), as_of=date(2024, 6, 1))
    assert result.written == 0 and result.rejected == 3
    assert any("不晚于该户现有户类型的开始日期" in p.message for p in result.problems)
    assert Household.objects.get().household_type == "general"


def test_an_exit_takes_the_exit_year_from_the_file(villages, tmp_path):
    poor = family("0001", 户类型="一般贫困户", 主要致贫原因="因病", 识别年度="2016")
    import_households(path=write_csv(tmp_path / "a.csv", poor), as_of=date(2017, 1, 1))
    exited = family("0001", 户类型="脱贫户", 主要致贫原因="因病", 识别年度="2016", 脱贫年度="2019")
    result = import_households(path=write_csv(tmp_path / "b.csv", exited), as_of=date(2025, 1, 1))
    assert result.rejected == 0, result.problems
    household = Household.objects.get()
    assert (household.household_type, household.exit_year) == ("exited", 2019)
    assert household.events.filter(kind="exited").exists()


def test_a_member_added_by_import_leaves_an_event_on_the_household(villages, tmp_path):
    rows = family("0001")
    import_households(path=write_csv(tmp_path / "a.csv", rows[:2]), as_of=date(2025, 1, 1))
    import_households(path=write_csv(tmp_path / "b.csv", rows), as_of=date(2025, 2, 1))
    event = Household.objects.get().events.get(kind="member_added")
    assert event.details == {"members_added": 1, "members_corrected": 0}


@pytest.mark.parametrize(
    "role,region",
    [
        ("department", "430524000000"),
        ("inspector", "430524000000"),
        ("city", "430500000000"),
        ("paired_cadre", "430524100201"),
    ],
)
def test_roles_that_do_not_keep_the_registry_cannot_import(villages, tmp_path, role, region):
    from django.core.exceptions import PermissionDenied

    user = factories.make_user(
        role=role, region=region, department="medical_insurance" if role == "department" else ""
    )
    with pytest.raises(PermissionDenied):
        import_households(path=write_csv(tmp_path / "a.csv", family("0001")), actor=user)
    assert not Household.objects.exists()


_SCHEMA = {
    "postgresql": """
SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index
WHERE indrelid::regclass::text LIKE 'registry_%%'
UNION ALL
SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
WHERE conrelid::regclass::text LIKE 'registry_%%'
ORDER BY 1, 2""",
    "sqlite": """
SELECT name, sql FROM sqlite_master WHERE tbl_name LIKE 'registry_%%' ORDER BY 1, 2""",
}


def _schema() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(_SCHEMA[connection.vendor])
        return cursor.fetchall()


def test_a_first_load_builds_the_indexes_and_references_again_and_they_hold(
    villages, tmp_path, settings
):
    settings.FUPIN_IMPORT_FIRST_LOAD_PERSONS = 1
    before = _schema()
    path = write_csv(tmp_path / "first.csv", family("0001") + family("0002"))
    result = import_households(path=path, as_of=date(2025, 1, 1))
    assert (result.written, result.rejected) == (6, 0), result.problems
    entry = AuditEntry.objects.get(action="registry.import")
    assert entry.after["first_load"] is True
    assert _schema() == before
    # The guarantees are back: one row per ID number, and no member of a missing household.
    person, other = Person.objects.filter(household__number="0001")[:2]
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=other.pk).update(id_hash=person.id_hash)
    if connection.vendor == "postgresql":  # SQLite keeps its references and checks at commit
        with pytest.raises(IntegrityError), transaction.atomic():
            Person.objects.filter(pk=person.pk).update(household_id=10**9)
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    # A second file adds to households already there: the usual way, indexes kept.
    more = write_csv(tmp_path / "more.csv", family("0003"))
    import_households(path=more, as_of=date(2025, 2, 1))
    latest = AuditEntry.objects.filter(action="registry.import").order_by("-id").first()
    assert latest.after["first_load"] is False
    assert Household.objects.count() == 3


def test_the_persons_unique_id_hash_is_an_index_a_first_load_can_take_down(db):
    # On SQLite only indexes with SQL of their own can be dropped; the random-order ID
    # hashes are the one index worth building after a first load (decision 0021).
    names = [name for name, sql in _schema() if sql and "id_hash" in sql and "UNIQUE" in sql]
    assert "person_id_hash_unique" in names


def test_a_file_that_changes_the_registry_keeps_the_indexes(villages, tmp_path, settings):
    settings.FUPIN_IMPORT_FIRST_LOAD_PERSONS = 1
    rows = family("0001")
    import_households(path=write_csv(tmp_path / "a.csv", rows), as_of=date(2025, 1, 1))
    rows[2]["在校生状况"] = "高中"
    import_households(path=write_csv(tmp_path / "b.csv", rows), as_of=date(2025, 6, 1))
    latest = AuditEntry.objects.filter(action="registry.import").order_by("-id").first()
    assert latest.after["first_load"] is False
