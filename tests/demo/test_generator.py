"""The synthetic registry: published figures reproduced (exactly at scale 1, within rounding at
small scales), valid and unique ID numbers, households that hang together, deterministic
output, and values the import template accepts."""

from __future__ import annotations

import math
import re
from datetime import date

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pytest
from django.utils import translation

from fupin.core import idnumbers
from fupin.demo.generator import (
    generate_households,
    generate_region_flags,
    generate_regions,
)
from fupin.regions import codes
from fupin.registry.template import BY_HEADER, HEADERS

LONGHUI, SHUANGPAI, LIANYUAN, GUCHENG = "430524", "431123", "431382", "420625"
POOR_TYPES = ("一般贫困户", "低保贫困户", "特困供养贫困户")
HOUSEHOLD_COLUMNS = ["户编号", "行政区划代码", "户类型", "识别年度", "脱贫年度", "在校生状况"]


def table(scale: float, *, seed: int = 1, counties=None, columns=None) -> pa.Table:
    batches = generate_households(scale=scale, seed=seed, counties=counties)
    if columns:
        batches = (batch.select(columns) for batch in batches)
    return pa.Table.from_batches(list(batches))


def query(rows: pa.Table, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect()
    con.register("p", rows)
    return con.execute(sql, params or []).fetchall()


def half_up(figure: int, scale: float) -> int:
    """A published figure at a scale, rounded as the generator rounds (0.5 up)."""
    return math.floor(figure * scale + 0.5)


def households(rows: pa.Table) -> pa.Table:
    """One row per household: county, type, years and size."""
    con = duckdb.connect()
    con.register("p", rows)
    return con.sql(
        """
        select left("户编号", 6) as county, any_value("户类型") as kind,
               any_value("识别年度") as identified, any_value("脱贫年度") as exited,
               count(*) as size
        from p group by "户编号"
        """
    ).to_arrow_table()


def figures(rows: pa.Table) -> dict[str, dict[str, tuple[int, int]]]:
    """The figures the county reports publish, counted from the rows: county → name →
    (households, persons)."""
    kind, identified, exited = pc.field("kind"), pc.field("identified"), pc.field("exited")
    counts = {
        "still_poor": kind.isin(POOR_TYPES) & exited.is_null(),
        "exits": (exited >= "2014") & (exited <= "2019"),
        "exits_2019": exited == "2019",
        "exits_2014_2016": (exited >= "2014") & (exited <= "2016"),
        "exits_2017": exited == "2017",
        "registered": identified.is_valid(),
        "identified_2019": identified == "2019",
        "edge_and_monitored": kind.isin(["边缘易致贫户", "脱贫不稳定户"]),
        "all": pc.scalar(True),
    }
    hh = households(rows)
    result: dict[str, dict[str, tuple[int, int]]] = {}
    for name, condition in counts.items():
        grouped = (
            hh.filter(condition).group_by("county").aggregate([("size", "count"), ("size", "sum")])
        )
        for county, h, p in zip(
            *(grouped.column(c).to_pylist() for c in ("county", "size_count", "size_sum")),
            strict=True,
        ):
            result.setdefault(county, {})[name] = (h, p)
    return result


def ages(rows: pa.Table) -> list[int]:
    parsed = idnumbers.parse_array(rows.column("证件号码"))
    births = parsed.column("birth_date").to_pylist()
    end = date(2019, 12, 31)
    return [end.year - b.year - ((end.month, end.day) < (b.month, b.day)) for b in births]


@pytest.fixture(scope="module")
def full_rows() -> pa.Table:
    """All four counties at scale 1, only the columns the published figures count."""
    return table(1.0, columns=HOUSEHOLD_COLUMNS)


@pytest.fixture(scope="module")
def full(full_rows) -> dict:
    return figures(full_rows)


@pytest.fixture(scope="module")
def small() -> pa.Table:
    return table(0.02)


# --- published figures ----------------------------------------------------------------------


def test_longhui_still_poor_and_exits_are_the_published_figures_at_full_scale(full):
    longhui = full[LONGHUI]
    assert longhui["still_poor"] == (3_345, 7_725)
    assert longhui["exits"] == (63_153, 215_798)
    assert longhui["exits_2019"] == (13_034, 39_926)
    assert longhui["all"][1] == 1_136_000


def test_longhui_poverty_incidence_rounds_to_the_published_0_68_percent(full, small):
    for figures_ in (full, figures(small)):
        poor, population = figures_[LONGHUI]["still_poor"][1], figures_[LONGHUI]["all"][1]
        assert round(100 * poor / population, 2) == 0.68


def test_the_other_counties_reproduce_their_published_figures_at_full_scale(full):
    shuangpai, lianyuan, gucheng = full[SHUANGPAI], full[LIANYUAN], full[GUCHENG]
    assert shuangpai["registered"] == (6_816, 26_927)
    assert shuangpai["exits_2014_2016"] == (3_490, 14_225)
    assert shuangpai["exits_2017"][1] == 11_340
    assert round(100 * shuangpai["registered"][1] / shuangpai["all"][1], 2) == 18.01
    assert lianyuan["exits"][1] == 143_674
    assert gucheng["identified_2019"] == (39, 92)
    assert gucheng["exits_2019"] == (210, 470)
    assert gucheng["edge_and_monitored"] == (275, 736)
    assert gucheng["registered"] == (19_139, 49_494)


@pytest.mark.parametrize("scale", [0.01, 0.02])
def test_published_counts_scale_within_one_at_small_scales(scale):
    counted = figures(table(scale, columns=HOUSEHOLD_COLUMNS))
    published = [
        (LONGHUI, "still_poor", (3_345, 7_725)),
        (LONGHUI, "exits", (63_153, 215_798)),
        (LONGHUI, "exits_2019", (13_034, 39_926)),
        (SHUANGPAI, "registered", (6_816, 26_927)),
        (SHUANGPAI, "exits_2014_2016", (3_490, 14_225)),
        (GUCHENG, "identified_2019", (39, 92)),
        (GUCHENG, "exits_2019", (210, 470)),
        (GUCHENG, "edge_and_monitored", (275, 736)),
    ]
    for county, name, (h, p) in published:
        got_h, got_p = counted[county].get(name, (0, 0))
        assert abs(got_h - half_up(h, scale)) <= 1, (county, name, got_h)
        assert abs(got_p - half_up(p, scale)) <= 1, (county, name, got_p)
    assert abs(counted[LIANYUAN]["exits"][1] - half_up(143_674, scale)) <= 1
    assert counted[LONGHUI]["all"][1] == half_up(1_136_000, scale)


def test_home_teaching_follows_the_published_count_for_gucheng():
    rows = table(0.5, counties=[GUCHENG], columns=["在校生状况"])
    taught = pc.sum(pc.equal(rows.column("在校生状况"), "送教上门")).as_py()
    assert taught == half_up(97, 0.5)


# --- regions and flags ------------------------------------------------------------------------


def test_village_counts_per_county_are_the_published_numbers():
    regions = generate_regions()
    villages = [code for code, _n, _p, level in regions if level == "village"]
    for county, published in ((LONGHUI, 572), (SHUANGPAI, 114), (LIANYUAN, 483), (GUCHENG, 290)):
        assert sum(code.startswith(county) for code in villages) == published


def test_the_region_tree_lists_parents_before_children_with_consistent_codes():
    seen = set()
    names_by_parent: dict[str, set[str]] = {}
    for code, name, parent, level in generate_regions():
        assert codes.level_of(code) == level
        assert parent == codes.parent_code(code)
        assert parent is None or parent in seen
        assert name not in names_by_parent.setdefault(parent or "", set())
        names_by_parent[parent or ""].add(name)
        seen.add(code)
    regions = {code: name for code, name, _p, _l in generate_regions()}
    assert regions["430000000000"] == "湖南省" and regions["420625000000"] == "谷城县"
    assert regions["430524100201"] == "红星村"  # the demo accounts' village
    assert "白水洞村" in regions.values() and "胡家坪村" in regions.values()


def test_poverty_flags_follow_the_published_counts_and_dates():
    flags = generate_region_flags()
    assert ("430524000000", "poverty_county", "2014-01-01", "2020-02-29") in flags
    villages = [f for f in flags if f[1] == "poverty_village"]
    for county, published in ((LONGHUI, 192), (SHUANGPAI, 67), (LIANYUAN, 148), (GUCHENG, 37)):
        assert sum(f[0].startswith(county) for f in villages) == published
    assert sum(f[0].startswith(LONGHUI) and f[3] == "2019-12-31" for f in villages) == 65
    assert sum(f[0].startswith(SHUANGPAI) and f[3] == "2017-12-31" for f in villages) == 50
    kinds = {"poverty_county", "deep_poverty_county", "poverty_village"}
    kinds |= {"relocation_site", "supervision_listed"}
    region_codes = {code for code, *_ in generate_regions()}
    for code, kind, start, end in flags:
        assert kind in kinds and code in region_codes
        assert end is None or date.fromisoformat(end) >= date.fromisoformat(start)


def test_non_poverty_villages_with_poor_are_as_published(full_rows):
    poverty = {f[0] for f in generate_region_flags() if f[1] == "poverty_village"}
    per_village = query(
        full_rows,
        """select "行政区划代码", count(*) from p where "识别年度" is not null group by 1""",
    )
    longhui = {code for code, _n in per_village if code.startswith(LONGHUI)}
    assert (len(longhui & poverty), len(longhui - poverty)) == (192, 371)
    lianyuan = {code for code, n in per_village if code.startswith(LIANYUAN) and n >= 100}
    assert (len(lianyuan & poverty), len(lianyuan - poverty)) == (148, 323)


# --- persons and households -------------------------------------------------------------------


def test_every_id_number_is_valid_unique_and_of_its_county(small):
    ids = small.column("证件号码")
    parsed = idnumbers.parse_array(ids)
    assert pc.all(parsed.column("ok")).as_py()
    assert pc.count_distinct(ids).as_py() == small.num_rows
    county = pc.utf8_slice_codeunits(small.column("户编号"), 0, 6)
    assert pc.all(pc.equal(parsed.column("area_code"), county)).as_py()
    first = ids[0].as_py()
    assert idnumbers.check_character(first[:17]) == first[17]


def test_each_household_has_exactly_one_head(small):
    heads = query(
        small, """select count(*) filter (where "与户主关系" = '户主') from p group by "户编号" """
    )
    assert {h for (h,) in heads} == {1}


def test_ages_agree_with_relations_to_the_head(small):
    rows = small.select(["户编号", "与户主关系"]).append_column("age", pa.array(ages(small)))
    gaps = dict(
        query(
            rows,
            """
            select m."与户主关系", min(h.age - m.age)
            from p m join p h on h."户编号" = m."户编号" and h."与户主关系" = '户主'
            group by 1
            """,
        )
    )
    assert gaps["之子"] >= 15 and gaps["之女"] >= 15
    assert gaps["之孙子"] >= 30 and gaps["之孙女"] >= 30
    assert -gaps["之父"] >= 15 and -gaps["之母"] >= 15
    (youngest_head,) = query(rows, """select min(age) from p where "与户主关系" = '户主' """)[0]
    assert youngest_head >= 18


def test_household_columns_agree_within_each_household_and_numbers_are_unique(small):
    household_headers = [c.header for c in BY_HEADER.values() if c.level in ("household", "income")]
    all_values = pc.CountOptions(mode="all")
    per_household = small.group_by("户编号").aggregate(
        [(header, "count_distinct", all_values) for header in household_headers]
    )
    for header in household_headers:
        assert pc.max(per_household.column(f"{header}_count_distinct")).as_py() == 1, header
    assert all(re.fullmatch(r"\d{12}", n) for n in pc.unique(small.column("户编号")).to_pylist())


def test_still_poor_households_earn_below_the_2019_line_and_others_above(small):
    rows = query(
        small,
        """
        select "户类型", min(pc), max(pc), sum(pc * n) / sum(n) from (
            select "户编号", any_value("户类型") as "户类型", count(*) as n,
                (any_value("工资性收入")::double + any_value("生产经营性收入")::double
                 + any_value("财产性收入")::double + any_value("转移性收入")::double
                 - any_value("生产经营性支出")::double) / count(*) as pc
            from p group by "户编号")
        group by 1
        """,
    )
    by_kind = {kind: (low, high, mean) for kind, low, high, mean in rows}
    for kind in POOR_TYPES:
        assert by_kind[kind][1] < 3_218
    assert by_kind["脱贫户"][0] > 4_500
    assert by_kind["一般户"][0] > 6_000


def test_labour_capacity_and_school_status_are_filled_where_the_rules_require(small):
    labour = small.column("劳动能力").to_pylist()
    school = small.column("在校生状况").to_pylist()
    for age, capacity, status in zip(ages(small), labour, school, strict=True):
        if 16 <= age <= 65:
            assert capacity
        if 6 <= age <= 23:
            assert status


def test_illness_and_five_guarantee_households_are_consistent(small):
    ill = query(
        small,
        """
        select count(*) from (select "户编号" from p where "主要致贫原因" = '因病'
        group by 1 having count(*) filter (where "健康状况" in ('长期慢性病', '患有大病')) = 0)
        """,
    )
    assert ill == [(0,)]
    rows = small.select(["户类型", "劳动能力"]).append_column("age", pa.array(ages(small)))
    able_tekun = query(
        rows,
        """select count(*) from p where "户类型" = '特困供养贫困户' and age between 16 and 59
           and "劳动能力" in ('普通劳动力', '技能劳动力')""",
    )
    assert able_tekun == [(0,)]


def test_minority_townships_have_yao_and_hui_households():
    rows = table(0.05, counties=[LONGHUI], columns=["行政区划代码", "民族"])
    regions = {code: name for code, name, _p, _l in generate_regions()}
    huxingshan = next(c for c, n in regions.items() if n == "虎形山瑶族乡")[:9]
    shanjie = next(c for c, n in regions.items() if n == "山界回族乡")[:9]
    found = dict(
        query(
            rows,
            """select left("行政区划代码", 9), list(distinct "民族") from p
               where left("行政区划代码", 9) in (?, ?) group by 1""",
            [huxingshan, shanjie],
        )
    )
    assert "瑶族" in found[huxingshan] and "回族" in found[shanjie]


# --- the template --------------------------------------------------------------------------------


def test_columns_are_the_template_headers_and_values_what_the_template_accepts(small):
    assert small.column_names == HEADERS
    assert all(field.type == pa.string() for field in small.schema)
    with translation.override("zh-hans"):
        for column in BY_HEADER.values():
            values = {v for v in pc.unique(small.column(column.header)).to_pylist() if v}
            if column.kind == "choice":
                assert values <= set(column.labels()), column.header
            elif column.kind == "choices":
                parts = {p for v in values for p in v.split("、")}
                assert parts <= set(column.labels())
            elif column.kind == "bool":
                assert values <= {"是", "否"}
            elif column.kind == "money":
                assert all(re.fullmatch(r"\d+\.\d\d", v) for v in values)
            elif column.kind == "phone":
                assert all(re.fullmatch(r"1[3-9]\d{9}", v) for v in values)
            elif column.kind == "int":
                assert all(v.isdigit() for v in values)


def test_batches_never_split_a_household():
    numbers_seen: set[str] = set()
    for batch in generate_households(scale=0.01, counties=[LONGHUI], batch_rows=1_000):
        numbers = set(pc.unique(batch.column("户编号")).to_pylist())
        assert not numbers & numbers_seen
        numbers_seen |= numbers


# --- determinism -------------------------------------------------------------------------------


def test_the_same_seed_gives_identical_rows_and_another_seed_different_ones():
    first = table(0.005, seed=7)
    assert first.equals(table(0.005, seed=7))
    assert not first.equals(table(0.005, seed=8))
    assert generate_regions(seed=7) == generate_regions(seed=7)
    assert generate_region_flags(seed=7) == generate_region_flags(seed=7)


def test_a_county_alone_gives_the_same_rows_as_in_the_whole_output(small):
    alone = table(0.02, counties=["431123000000"])
    mask = pc.starts_with(small.column("户编号"), SHUANGPAI)
    assert alone.equals(small.filter(mask).combine_chunks())
