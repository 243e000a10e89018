"""Synthetic persons in the standard template, for benchmarks: valid, varied, fast to make."""

from __future__ import annotations

import csv
import random
from datetime import date
from pathlib import Path

from fupin.core.idnumbers import check_character
from fupin.registry.template import HEADERS

SURNAMES = "王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高梁郑罗宋谢唐韩曹许邓冯曾程蔡彭潘袁于董余苏叶"
GIVEN = "明华建国秀英桂兰志强海燕红梅伟芳娟军丽勇敏静磊洋艳杰涛超霞平刚桂珍玉兰德福春生"
TODAY = date.today()
VILLAGES = [f"430524{t:03d}{v:03d}" for t in range(100, 122) for v in range(201, 204)]


def rows(n_persons: int, *, seed: int = 1, county: str = "430524"):
    """Yield template rows: households of 1–6 persons until ``n_persons`` rows."""
    rnd = random.Random(seed)
    sequences: dict[str, int] = {}
    made = 0
    number = 0
    while made < n_persons:
        number += 1
        size = min(rnd.choice((1, 2, 3, 3, 4, 4, 5, 6)), n_persons - made)
        village = rnd.choice(VILLAGES)
        poor = rnd.random() < 0.05
        household = {
            "行政区划代码": village,
            "户编号": f"{county}{number:08d}",
            "村民小组": f"第{rnd.randint(1, 9)}组",
            "户类型": "一般贫困户" if poor else "一般户",
            "主要致贫原因": "因病" if poor else "",
            "识别年度": "2016" if poor else "",
            "收入年度": "2025",
            "工资性收入": str(rnd.randint(0, 60000)),
            "生产经营性收入": str(rnd.randint(0, 20000)),
            "财产性收入": "0",
            "转移性收入": str(rnd.randint(0, 5000)),
            "生产经营性支出": str(rnd.randint(0, 3000)),
            "住房安全等级": rnd.choice("AABBB"),
            "饮水安全": "是",
            "不愁吃不愁穿": "是",
            "联系电话": f"1{rnd.choice('3589')}{rnd.randint(0, 999999999):09d}",
        }
        surname = rnd.choice(SURNAMES)
        for k in range(size):
            age = rnd.randint(30, 80) if k == 0 else rnd.randint(0, 70)
            month, day = rnd.randint(1, 12), rnd.randint(1, 28)
            year = TODAY.year - age
            if date(year, month, day) > TODAY:  # nobody is born in the future
                year -= 1
            birth = f"{year}{month:02d}{day:02d}"
            # The age the importer will compute, today.
            age = TODAY.year - year - ((TODAY.month, TODAY.day) < (month, day))
            male = rnd.random() < 0.5
            # A running sequence per birth date keeps every ID unique.
            n = sequences.get(birth, 0)
            sequences[birth] = n + 1
            sequence = (n % 500) * 2 + (1 if male else 0)
            body = f"{county}{birth}{sequence:03d}"
            row = dict.fromkeys(HEADERS, "")
            row.update(household)
            row.update(
                {
                    "姓名": surname
                    + rnd.choice(GIVEN)
                    + (rnd.choice(GIVEN) if rnd.random() < 0.7 else ""),
                    "证件号码": body + check_character(body),
                    "与户主关系": "户主"
                    if k == 0
                    else rnd.choice(("配偶", "之子", "之女", "之孙子", "之母")),
                    "民族": "汉族",
                    "健康状况": rnd.choice(("健康", "健康", "健康", "长期慢性病")),
                    "劳动能力": "普通劳动力" if 16 <= age <= 65 else "",
                    "在校生状况": "小学" if 6 <= age <= 23 else "",
                    "基本医疗保险": "是",
                }
            )
            yield row
        made += size


def write_csv(path: Path, n_persons: int, *, seed: int = 1) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADERS)
        writer.writeheader()
        writer.writerows(rows(n_persons, seed=seed))
    return path
