"""The figures the synthetic registry is built to reproduce, and the ones it had to assume.

Published figures come from ``shared/data/seed_facts.yaml`` (the county reports in
``shared/seeds``); "assumed" figures are not published and were chosen to be consistent with
the published ones. At scale S every count is ``round(figure × S)`` (half up); the groups are
exact at S = 1 and within ±1 at other scales (a group too small to make a whole household,
e.g. 0.39 households of 0.92 persons, becomes one household of one person).

======================================  ==================  ==================================
figure                                  value (scale 1)     source / derivation
======================================  ==================  ==================================
**隆回县 430524**
poverty county                          2014-01-01 –        published (approved 2020-02-29,
                                        2020-02-29          with 涟源市)
rural population (all persons)          1,136,000           published: 7,725 / 0.68 %, rounded
villages and communities (村(居))       572                 published
poverty villages                        192                 published; 65 exited 2019, 127 in
                                                            2014–2018 (split assumed)
villages without any registered poor    9                   published 572 − 192 − 371 (the
                                                            county-seat communities of 桃洪镇)
still poor at the end of 2019           3,345 h / 7,725 p   published
exited 2014–2019                        63,153 h / 215,798  published
exited in 2019                          13,034 h / 39,926   published
exited 2014…2018                        split 12/16/22/26/  assumed shares of the 50,119 h /
                                        24 %                175,872 p published cumulative
                                                            minus 2019
relocated (易地扶贫搬迁)                2,420 h / 9,650 p   published; of which 1,088 h / 4,499
                                                            p in the county-seat sites
                                                            (兴业社区 560 h / 2,310 p, 思源社区
                                                            528 h / 2,189 p: split assumed)
dangerous houses renovated              16,339 h / 48,829   published (disjoint from relocated:
                                                            assumed)
向家村 (岩口镇)                         252 h / 1,008 p,    published in 2020 press reports;
                                        95 h / 218 p poor   poverty village, exited 2016
monitored: 脱贫不稳定户                 541 h / 1,449 p     assumed: 1.44 % of registered
monitored: 边缘易致贫户                 661 h / 1,770 p     persons (谷城's published share),
                                                            45 % unstable, 2.68 per household
**双牌县 431123**
poverty county (provincial)             2014-01-01 –        湘政函〔2018〕45号 of 2018-04-23
                                        2018-04-23
rural population                        149,500             derived: 26,927 / 18.01 % = 149,511
administrative villages                 114                 published
poverty villages                        67                  published; 17 exited 2014–2016,
                                                            50 in 2017
registered poor (2014–2019)             6,816 h / 26,927 p  published
exited 2014–2016                        3,490 h / 14,225 p  published (split 22/33/45 % assumed)
exited 2017                             2,970 h / 11,340 p  persons published (planned exits);
                                                            households assumed (3.82 each)
exited 2018                             260 h / 1,050 p     assumed (the remainder)
exited 2019                             70 h / 250 p        assumed
still poor at the end of 2019           26 h / 62 p         assumed
monitored: unstable / edge              65 h / 175 p;       assumed as for 隆回
                                        80 h / 213 p
renovated or relocated                  1,700 h             assumed (a quarter of registered)
**涟源市 431382**
rural population                        900,000             assumed: 143,674 registered ⇒
                                                            16.0 % incidence in 2014, in line
                                                            with Hunan's poverty counties
                                                            (19.49 %)
villages                                483                 published
poverty villages                        148                 published (exits 2014–2019, split
                                                            assumed)
non-poverty villages with 100+ poor     323                 published (registered persons; the
                                                            other 12: 8 communities of 蓝田街道
                                                            and the 4 least poor villages)
exited persons                          143,674             published (all registered persons)
exited households                       58,156              assumed: the 2020 review visited
                                                            58,581 households (published), read
                                                            as every registered and edge
                                                            household (58,156 + 425); 2.47
                                                            persons each
exit years 2014…2019                    10/15/20/25/22/8 %  assumed
still poor at the end of 2019           0                   assumed: the county exited in 2019
                                                            (approved 2020-02-29)
relocated                               3,684 h / 14,502 p  published
housing works                           20,058 h            published (persons not published)
胡家坪村 (伏口镇)                       308 h / 1,120 p     published; registered part 110 h /
                                                            380 p assumed; poverty village
                                                            exited 2019 (assumed)
monitored: unstable / edge              348 h / 931 p;      assumed as for 隆回
                                        425 h / 1,138 p
**谷城县 420625**
poverty county (provincial)             2014-01-01 –        Hubei's approval of 2019-04-29
                                        2019-04-29
rural population                        480,000             assumed: 51,125 registered in 2014
                                                            ⇒ 10.7 % incidence
villages and communities                290                 published
poverty villages                        37                  published (exits 2014–2018, split
                                                            assumed; the county exited 2018,
                                                            approved 2019-04-29)
registered poor (2019)                  19,139 h / 49,494   published (safe water and medical
                                                            insurance of all registered poor)
new identified in 2019                  39 h / 92 p         published (still poor)
other still poor at the end of 2019     120 h / 270 p       assumed
exited in 2019                          210 h / 470 p       published
exited 2014…2018                        remainder, 12/20/   assumed split
                                        26/24/18 %
edge and monitored                      275 h / 736 p       published; 125 h / 340 p of them
                                                            脱贫不稳定户 (assumed), the rest
                                                            边缘易致贫户
relocated                               4,013 h / 7,734 p   published
renovated                               2,000 h             assumed
home teaching (送教上门)                97 children         published; the other counties the
                                                            same rate per rural person
**flags**
deep-poverty county                     none                none of the four is among Hunan's
                                                            11 deep-poverty counties
relocation sites                        隆回 兴业社区 思源社区;  published as sites (隆回) or
                                        a village of 白马镇 and  places (涟源); 谷城's in 城关镇
                                        of 古塘乡; 谷城 城关镇   assumed; from 2017-01-01 (assumed)
supervision (挂牌督战), 2020            9.3 % of the        Hunan listed 2,236 villages of about
                                        villages of 隆回    24,000 (the denominator assumed);
                                        and 涟源            the last poverty villages to exit
                                                            first
**all counties**
household size                          1–8, mean 3.3       assumed (rural Hunan/Hubei); each
                                                            group's mean is fixed by its pair
per-capita net income (2019)            county mean over    published for Hunan's 51 poverty
                                        all persons 11,344  counties (11,344 in 2019); 谷城
                                        (Hunan), 15,500     assumed. Still poor below 3,218;
                                        (谷城)              exited from 4,800 (unstable
                                                            3,600–5,400); edge 3,300–5,800;
                                                            一般户 from 6,200, the part above
                                                            scaled to meet the mean
ages                                    completed years on  2019-12-31, the income year's end
======================================  ==================  ==================================
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fupin.demo.generator.allocation import feasible, largest_remainder, scaled

GENERAL = "general"
POOR = "poor"
EXITED = "exited"
EDGE = "edge"

MEAN_HOUSEHOLD_SIZE = 3.3
# 谷城's 97 children taught at home per rural person, for the counties that publish none.
HOME_TEACHING_PER_PERSON = 97 / 480_000
POVERTY_LINE_2019 = 3218


@dataclass(frozen=True)
class Group:
    """Households of one kind with the same exit year (None: not exited)."""

    kind: str
    households: int
    persons: int
    exit_year: int | None = None
    identified: tuple[int, int] | None = None  # identification years allowed, inclusive


@dataclass(frozen=True)
class Subset:
    """Households chosen among others after their sizes are known: exactly ``households``
    holding exactly ``persons`` (any number when None)."""

    households: int
    persons: int | None


@dataclass(frozen=True)
class Pin:
    """A village whose households are published: ``households``/``persons`` of ``source``
    ("registered", "exited_by_2016", "relocated", "general") go there."""

    village: str
    source: str
    households: int
    persons: int


@dataclass(frozen=True)
class County:
    code: str
    name: str
    province: str
    city: tuple[str, str]
    rural_population: int
    villages: int
    poverty_villages: int
    poverty_village_exits: dict[int, int]  # year → villages (fixed counts)
    poverty_village_exit_weights: tuple[tuple[int, ...], tuple[float, ...], int]  # years, w, n
    poverty_county: tuple[str, str | None] | None
    income_mean: float
    unstable: tuple[int, int] = (0, 0)
    relocated: tuple[int, int | None] = (0, None)
    renovated: tuple[int, int | None] = (0, None)
    pins: tuple[Pin, ...] = ()
    home_teaching: int | None = None
    communities: dict[str, tuple[str, ...]] = field(default_factory=dict)
    no_poor_communities: int = 0
    real_villages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    township_villages: dict[str, int] = field(default_factory=dict)
    mountain: frozenset[str] = frozenset()
    minorities: dict[str, tuple[str, float]] = field(default_factory=dict)
    pinned_poverty_villages: dict[str, int | None] = field(default_factory=dict)
    # Registered poor persons a non-poverty village has at least (scale 1), except for
    # ``low_villages`` of them (the communities first) that stay below it.
    min_registered_persons: int = 1
    low_villages: int = 0
    relocation_sites: tuple[str, ...] = ()
    supervision_share: float = 0.0
    townships_extra: tuple[str, ...] = ()
    labour_out_of_province: float = 0.45
    dropout_rate: float = 0.01


LONGHUI = County(
    code="430524",
    name="隆回县",
    province="43",
    city=("4305", "邵阳市"),
    rural_population=1_136_000,
    villages=572,
    poverty_villages=192,
    poverty_village_exits={2019: 65},
    poverty_village_exit_weights=((2014, 2015, 2016, 2017, 2018), (8, 15, 22, 28, 27), 127),
    poverty_county=("2014-01-01", "2020-02-29"),
    income_mean=11_344,
    unstable=(541, 1_449),
    relocated=(2_420, 9_650),
    renovated=(16_339, 48_829),
    pins=(
        Pin("兴业社区", "relocated", 560, 2_310),
        Pin("思源社区", "relocated", 528, 2_189),
        Pin("向家村", "exited_by_2016", 95, 218),
        Pin("向家村", "general", 157, 790),
    ),
    communities={
        "桃洪镇": (
            "东方",
            "南门",
            "花门",
            "桃花",
            "城北",
            "城南",
            "滨江",
            "文昌",
            "金鸡",
            "兴业",
            "思源",
        ),
    },
    no_poor_communities=9,
    low_villages=9,
    real_villages={
        "桃洪镇": ("红星村",),  # kept at 430524100201 for the demo accounts
        "虎形山瑶族乡": (
            "崇木凼村",
            "富寨村",
            "虎形山村",
            "水洞坪村",
            "铜钱坪村",
            "水栗凼村",
            "岩儿塘村",
            "白水洞村",
            "大托村",
            "四角田村",
            "青山坳村",
            "茅坳村",
            "万贯冲村",
            "草原村",
        ),
        "小沙江镇": ("旺溪村",),
        "岩口镇": ("向家村",),
    },
    township_villages={"虎形山瑶族乡": 14},
    mountain=frozenset({"虎形山瑶族乡", "小沙江镇", "麻塘山乡", "金石桥镇", "鸭田镇"}),
    minorities={
        "虎形山瑶族乡": ("瑶族", 0.38),
        "小沙江镇": ("瑶族", 0.08),
        "麻塘山乡": ("瑶族", 0.05),
        "山界回族乡": ("回族", 0.30),
    },
    pinned_poverty_villages={
        "向家村": 2016,
        "白水洞村": None,
        "崇木凼村": None,
        "草原村": None,
    },
    relocation_sites=("兴业社区", "思源社区"),
    supervision_share=2_236 / 24_000,
    dropout_rate=0.0,  # "该县没有因贫失学现象"
)

SHUANGPAI = County(
    code="431123",
    name="双牌县",
    province="43",
    city=("4311", "永州市"),
    rural_population=149_500,
    villages=114,
    poverty_villages=67,
    poverty_village_exits={2017: 50},
    poverty_village_exit_weights=((2014, 2015, 2016), (20, 35, 45), 17),
    poverty_county=("2014-01-01", "2018-04-23"),
    income_mean=11_344,
    unstable=(65, 175),
    renovated=(1_700, None),
    real_villages={"茶林镇": ("桐子坳村",)},
    mountain=frozenset({"上梧江瑶族乡", "何家洞镇", "打鼓坪乡", "麻江镇"}),
    minorities={"上梧江瑶族乡": ("瑶族", 0.5), "*": ("瑶族", 0.06)},
    relocation_sites=(),
)

LIANYUAN = County(
    code="431382",
    name="涟源市",
    province="43",
    city=("4313", "娄底市"),
    rural_population=900_000,
    villages=483,
    poverty_villages=148,
    poverty_village_exits={},
    poverty_village_exit_weights=(
        (2014, 2015, 2016, 2017, 2018, 2019),
        (8, 14, 20, 25, 23, 10),
        148,
    ),
    poverty_county=("2014-01-01", "2020-02-29"),
    income_mean=11_344,
    unstable=(348, 931),
    relocated=(3_684, 14_502),
    renovated=(20_058, None),
    pins=(
        Pin("胡家坪村", "registered", 110, 380),
        Pin("胡家坪村", "general", 198, 740),
    ),
    communities={"蓝田街道": ("东方", "西街", "北正", "解放", "府前", "育才", "新街", "河东")},
    real_villages={
        "古塘乡": ("塘边村",),
        "龙塘镇": ("毛塘湾村",),
        "伏口镇": ("胡家坪村",),
        "斗笠山镇": ("禾管村", "黄港村", "马白堂村"),
    },
    mountain=frozenset({"伏口镇", "三甲乡", "古塘乡", "龙塘镇", "湄江镇"}),
    minorities={"*": ("苗族", 0.003)},
    pinned_poverty_villages={"胡家坪村": 2019, "塘边村": None},
    min_registered_persons=100,  # 323 non-poverty villages with 100+ poor persons (published)
    low_villages=483 - 148 - 323,
    relocation_sites=("白马镇", "古塘乡"),  # townships: a village there hosts the site
    supervision_share=2_236 / 24_000,
    townships_extra=("斗笠山镇",),
)

GUCHENG = County(
    code="420625",
    name="谷城县",
    province="42",
    city=("4206", "襄阳市"),
    rural_population=480_000,
    villages=290,
    poverty_villages=37,
    poverty_village_exits={},
    poverty_village_exit_weights=((2014, 2015, 2016, 2017, 2018), (10, 20, 25, 25, 20), 37),
    poverty_county=("2014-01-01", "2019-04-29"),
    income_mean=15_500,
    unstable=(125, 340),
    relocated=(4_013, 7_734),
    renovated=(2_000, None),
    home_teaching=97,
    communities={
        "城关镇": ("东方", "南门", "西街", "城北", "城南", "滨江", "府前", "解放", "太平")
    },
    real_villages={"五山镇": ("堰河村",)},
    mountain=frozenset({"五山镇", "紫金镇", "赵湾乡", "南河镇", "石花镇"}),
    minorities={"*": ("土家族", 0.002)},
    relocation_sites=("城关镇",),
    labour_out_of_province=0.35,
)

COUNTIES: dict[str, County] = {c.code: c for c in (LONGHUI, SHUANGPAI, LIANYUAN, GUCHENG)}
PROVINCES = {"43": "湖南省", "42": "湖北省"}


def _split(
    households: int, persons: int, years: tuple[int, ...], weights: tuple[float, ...]
) -> list[Group]:
    """Exits of several years, apportioned by ``weights`` (households and persons alike)."""
    h_parts = largest_remainder(households, weights)
    p_parts = largest_remainder(persons, weights)
    return [
        Group(EXITED, *feasible(int(h), int(p)), year, (2014, year))
        for year, h, p in zip(years, h_parts, p_parts, strict=True)
    ]


def _group(kind, households, persons, exit_year=None, identified=None) -> Group:
    return Group(kind, *feasible(households, persons), exit_year, identified)


def _registered(groups: list[Group]) -> tuple[int, int]:
    chosen = [g for g in groups if g.kind in (POOR, EXITED)]
    return sum(g.households for g in chosen), sum(g.persons for g in chosen)


def _longhui_groups(s: float) -> list[Group]:
    exits = scaled(63_153, s), scaled(215_798, s)
    exits_2019 = scaled(13_034, s), scaled(39_926, s)
    return [
        _group(POOR, scaled(3_345, s), scaled(7_725, s), None, (2014, 2019)),
        _group(EXITED, *exits_2019, 2019, (2014, 2019)),
        *_split(
            exits[0] - exits_2019[0],
            exits[1] - exits_2019[1],
            (2014, 2015, 2016, 2017, 2018),
            (12, 16, 22, 26, 24),
        ),
        _group(EDGE, scaled(661, s), scaled(1_770, s)),
    ]


def _shuangpai_groups(s: float) -> list[Group]:
    groups = [
        _group(POOR, scaled(26, s), scaled(62, s), None, (2014, 2019)),
        _group(EXITED, scaled(70, s), scaled(250, s), 2019, (2014, 2019)),
        _group(EXITED, scaled(2_970, s), scaled(11_340, s), 2017, (2014, 2017)),
        *_split(scaled(3_490, s), scaled(14_225, s), (2014, 2015, 2016), (22, 33, 45)),
    ]
    # The 2018 exits are what the published registered total leaves.
    h, p = _registered(groups)
    groups.append(_group(EXITED, scaled(6_816, s) - h, scaled(26_927, s) - p, 2018, (2014, 2018)))
    groups.append(_group(EDGE, scaled(80, s), scaled(213, s)))
    return groups


def _lianyuan_groups(s: float) -> list[Group]:
    return [
        *_split(
            scaled(58_581 - 425, s),
            scaled(143_674, s),
            (2014, 2015, 2016, 2017, 2018, 2019),
            (10, 15, 20, 25, 22, 8),
        ),
        _group(EDGE, scaled(425, s), scaled(1_138, s)),
    ]


def _gucheng_groups(s: float) -> list[Group]:
    groups = [
        _group(POOR, scaled(39, s), scaled(92, s), None, (2019, 2019)),
        _group(POOR, scaled(120, s), scaled(270, s), None, (2014, 2018)),
        _group(EXITED, scaled(210, s), scaled(470, s), 2019, (2014, 2018)),
    ]
    # Earlier exits are what the published registered total of 2019 leaves.
    h, p = _registered(groups)
    groups += _split(
        scaled(19_139, s) - h,
        scaled(49_494, s) - p,
        (2014, 2015, 2016, 2017, 2018),
        (12, 20, 26, 24, 18),
    )
    groups.append(_group(EDGE, scaled(275, s) - scaled(125, s), scaled(736, s) - scaled(340, s)))
    return groups


_GROUPS = {
    LONGHUI.code: _longhui_groups,
    SHUANGPAI.code: _shuangpai_groups,
    LIANYUAN.code: _lianyuan_groups,
    GUCHENG.code: _gucheng_groups,
}


@dataclass(frozen=True)
class Plan:
    """What one county is made of at one scale: the groups of households with their exact
    sizes, the subsets chosen among them and the published villages."""

    groups: list[Group]
    unstable: Subset
    relocated: Subset
    renovated: Subset
    pins: list[Pin]
    home_teaching: int


def plan(county: County, scale: float) -> Plan:
    s = scale
    groups = [g for g in _GROUPS[county.code](s) if g.households]
    total_persons = scaled(county.rural_population, s)
    total_households = scaled(round(county.rural_population / MEAN_HOUSEHOLD_SIZE), s)
    general = _group(
        GENERAL,
        total_households - sum(g.households for g in groups),
        total_persons - sum(g.persons for g in groups),
    )

    def subset(figures: tuple[int, int | None]) -> Subset:
        households, persons = figures
        if persons is None:
            return Subset(scaled(households, s), None)
        return Subset(*feasible(scaled(households, s), scaled(persons, s)))

    home = county.home_teaching
    if home is None:
        home = round(HOME_TEACHING_PER_PERSON * county.rural_population)
    return Plan(
        groups=[*groups, general],
        unstable=subset(county.unstable),
        relocated=subset(county.relocated),
        renovated=subset(county.renovated),
        pins=[
            Pin(p.village, p.source, *feasible(scaled(p.households, s), scaled(p.persons, s)))
            for p in county.pins
        ],
        home_teaching=scaled(home, s),
    )
