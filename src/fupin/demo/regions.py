"""The four seed counties with their province and city, and townships by their real names.

Township codes are the counties' own order of listing, not the official statistical codes;
the registry issue replaces this table with the full tree and published village counts."""

PROVINCES = [("430000000000", "湖南省"), ("420000000000", "湖北省")]
CITIES = [
    ("430500000000", "邵阳市"),
    ("431100000000", "永州市"),
    ("431300000000", "娄底市"),
    ("420600000000", "襄阳市"),
]
COUNTIES = [
    ("430524000000", "隆回县"),
    ("431123000000", "双牌县"),
    ("431382000000", "涟源市"),
    ("420625000000", "谷城县"),
]
TOWNSHIPS = {
    "430524": [
        "桃洪镇",
        "小沙江镇",
        "金石桥镇",
        "司门前镇",
        "高平镇",
        "六都寨镇",
        "荷香桥镇",
        "横板桥镇",
        "周旺镇",
        "滩头镇",
        "鸭田镇",
        "西洋江镇",
        "岩口镇",
        "北山镇",
        "三阁司镇",
        "南岳庙镇",
        "七江镇",
        "羊古坳镇",
        "罗洪镇",
        "山界回族乡",
        "虎形山瑶族乡",
        "麻塘山乡",
    ],
    "431123": [
        "泷泊镇",
        "江村镇",
        "五里牌镇",
        "茶林镇",
        "何家洞镇",
        "麻江镇",
        "上梧江瑶族乡",
        "理家坪乡",
        "塘底乡",
        "打鼓坪乡",
    ],
    "431382": [
        "蓝田街道",
        "杨市镇",
        "六亩塘镇",
        "石马山镇",
        "安平镇",
        "湄江镇",
        "伏口镇",
        "桥头河镇",
        "七星街镇",
        "水洞底镇",
        "渡头塘镇",
        "龙塘镇",
        "荷塘镇",
        "金石镇",
        "枫坪镇",
        "白马镇",
        "茅塘镇",
        "古塘乡",
        "三甲乡",
    ],
    "420625": [
        "城关镇",
        "石花镇",
        "盛康镇",
        "庙滩镇",
        "五山镇",
        "茨河镇",
        "南河镇",
        "紫金镇",
        "冷集镇",
        "赵湾乡",
    ],
}
# A few villages per township so that every level of the tree exists in the demo.
VILLAGE_NAMES = ["红星村", "新田村", "大塘村", "石桥村", "枫树村", "竹山村"]


def region_rows():
    """(code, name) for the whole demo tree, parents before children."""
    yield from PROVINCES
    yield from CITIES
    yield from COUNTIES
    for county, townships in TOWNSHIPS.items():
        for index, name in enumerate(townships):
            township = f"{county}{100 + index:03d}"
            yield f"{township}000", name
            for v, village in enumerate(VILLAGE_NAMES[:3] if index else VILLAGE_NAMES):
                yield f"{township}{201 + v:03d}", village
