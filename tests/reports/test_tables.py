"""The standard tables: the numbers a county reports upward, with the heading (area, year,
time of the data, who printed it), as Excel and as PDF."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from python_calamine import CalamineWorkbook

from fupin.reports import analytics, tables
from tests import factories

pytestmark = pytest.mark.django_db
COUNTY = "430524000000"


@pytest.fixture
def data():
    factories.region_tree()
    factories.make_household(household_type="poor_general", members=3)
    factories.make_household(household_type="general", members=4)
    factories.make_household(household_type="edge", members=2)
    return analytics.rebuild()


def test_households_by_area_and_type_add_up_to_the_county_total(data):
    user = factories.make_user(role="county", region=COUNTY, full_name="县办张科长")
    table, heading = tables.make("households", actor=user, code=COUNTY, year=data.last_year)
    total = table.rows[-1]
    assert total[0] == "合计"
    assert total[1:3] == [3, 9]
    poor = table.header.index("一般贫困户（人）")
    assert total[poor] == 3
    assert total[-1] == "33.33"  # 3 poor of 9 persons
    by_township = [row for row in table.rows[:-1] if row[1]]
    assert sum(row[2] for row in by_township) == 9
    assert "县办张科长" in heading.lines()[-1]


def test_each_table_writes_to_excel_with_its_heading(data):
    user = factories.make_user(role="county", region=COUNTY)
    for key in tables.TABLES:
        table, heading = tables.make(key, actor=user, code=COUNTY, year=data.last_year)
        content = tables.to_xlsx(table, heading)
        sheet = (
            CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
        )
        assert sheet[0][0] == table.title
        assert sheet[1][0].startswith("区域：隆回县")
        assert sheet[3][0].startswith("数据时间：")
        assert sheet[6][: len(table.header)] == table.header


def test_a_table_prints_as_a_pdf_with_chinese_text(data):
    user = factories.make_user(role="county", region=COUNTY)
    table, heading = tables.make("monitored", actor=user, code=COUNTY, year=data.last_year)
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(tables.to_pdf(table, heading))).pages
    )
    # The CID font's text comes back with NULs between characters; cells wrap lines.
    text = re.sub(r"[\s\x00]+", "", text)
    assert "监测对象" in text and "隆回县" in text and "边缘易致贫户" in text


def test_county_exit_indicators_without_an_evaluation_show_the_incidence(data):
    user = factories.make_user(role="county", region=COUNTY)
    table, _heading = tables.make("county_exit", actor=user, code=COUNTY, year=data.last_year)
    assert table.rows[0][0] == "贫困发生率" and table.rows[0][1] == "33.33"
    assert "尚未录入" in table.notes[0]


def test_a_township_user_cannot_print_the_countys_tables(data):
    from django.core.exceptions import PermissionDenied

    user = factories.make_user(role="township", region="430524100000")
    with pytest.raises(PermissionDenied):
        tables.make("households", actor=user, code=COUNTY, year=data.last_year)
    table, _heading = tables.make(
        "households", actor=user, code="430524100000", year=data.last_year
    )
    assert table.rows[-1][1:3] == [3, 9]
