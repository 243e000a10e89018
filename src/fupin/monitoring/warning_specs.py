"""What each department's warning file holds and when one of its rows is a warning.

Every file has 证件号码 and 姓名; each department adds the columns its own system exports
(DOMAIN.md, "Example department warning rules" and "Data comparison"). A rule looks at one
parsed row and the person it matched and answers with a :class:`Judgement`: the key of what
it is about (a year of hospital bills, one housing appraisal) and, for rules that add up
(self-pay over a year), the amount and the threshold. The import adds amounts per person and
key over this file and earlier imports and makes one lead per key, once.

The thresholds are policy figures: their defaults are in ``warning_rules.toml`` and a county
overrides them (:class:`fupin.monitoring.models.WarningRuleSet`)."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from fupin.monitoring.models import RiskType
from fupin.registry import choices as c

DEPARTMENTS = (
    "medical_insurance",
    "health",
    "education",
    "civil_affairs",
    "disability",
    "housing",
    "emergency",
    "human_resources",
    "public_security",
)

# Columns every file has; matched by ID number through the HMAC column, the name is checked.
ID_COLUMN = "证件号码"
NAME_COLUMN = "姓名"


@dataclass(frozen=True)
class Column:
    header: str  # the header as the department's file writes it (the contract, in Chinese)
    key: str
    kind: str  # "date", "amount" or "text"
    required: bool = True
    choices: tuple[str, ...] = ()  # for text columns with a closed list


@dataclass(frozen=True)
class Setting:
    key: str
    label: object  # lazy Chinese label
    kind: str  # "amount", "days", "age" or "list"


@dataclass(frozen=True)
class Judgement:
    """A row that may be a warning: ``key`` names what it is about (rows with the same
    person and key add up, and a key warns once); with a ``threshold`` the amounts of the key
    must reach it, without one the row warns by itself."""

    key: str
    reason: str  # Chinese, with %(total)s and %(threshold)s filled in when it warns
    amount: Decimal | None = None
    threshold: Decimal | None = None


@dataclass(frozen=True)
class Person:
    """What a rule may know of the matched person."""

    birth_date: date
    household_type: str


Rule = Callable[[dict, Person, dict, date], "Judgement | None"]


@dataclass(frozen=True)
class DepartmentSpec:
    department: str
    risk: str
    columns: tuple[Column, ...]
    settings: tuple[Setting, ...]
    rule: Rule
    amount_key: str | None = None  # the column stored as the record's amount
    date_key: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def headers(self) -> list[str]:
        return [ID_COLUMN, NAME_COLUMN, *(column.header for column in self.columns)]


def _age(person: Person, on: date) -> int:
    born = person.birth_date
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _yuan(value) -> str:
    return f"{Decimal(value):,.2f}"


def _medical(v: dict, person: Person, p: dict, today: date) -> Judgement | None:
    if v["visit"] == "住院":
        registered = person.household_type != c.HouseholdType.GENERAL
        threshold = p["hospital_year_registered"] if registered else p["hospital_year_other"]
        return Judgement(
            key=f"hospital:{v['date'].year}",
            reason=f"{v['date'].year} 年住院个人自付累计 %(total)s 元，达到预警线 %(threshold)s 元",
            amount=v["self_pay"],
            threshold=Decimal(threshold),
        )
    month = f"{v['date']:%Y-%m}"
    return Judgement(
        key=f"outpatient:{month}",
        reason=f"{month} 门诊个人自付累计 %(total)s 元，达到预警线 %(threshold)s 元",
        amount=v["self_pay"],
        threshold=Decimal(p["outpatient_month"]),
    )


def _health(v: dict, person: Person, p: dict, today: date) -> Judgement | None:
    # The illness itself is a health condition: it is not stored or written into the lead.
    if v["serious"] != "是" or v["date"] < today - timedelta(days=p["diagnosed_within_days"]):
        return None
    return Judgement(key=f"serious:{v['date']}", reason=f"{v['date']} 新确诊重大疾病")


def _education(v: dict, person: Person, p: dict, today: date) -> Judgement | None:
    if v["stage"] not in p["stages"]:
        return None
    return Judgement(
        key=f"school:{v['school_year']}",
        reason=f"{v['school_year']} 学年{v['stage']}个人自付 %(total)s 元，"
        "达到预警线 %(threshold)s 元",
        amount=v["self_pay"],
        threshold=Decimal(p["self_pay_year"]),
    )


def _civil_affairs(v: dict, person: Person, p: dict, today: date) -> Judgement | None:
    if v["assistance"] not in p["assistance_types"] or v["change"] not in p["changes"]:
        return None
    return Judgement(
        key=f"civil:{v['assistance']}:{v['change']}:{v['date']}",
        reason=f"{v['date']} {v['assistance']}{v['change']}",
    )


def _disability(v: dict, person: Person, p: dict, today: date) -> Judgement | None:
    if v["grade"] not in p["grades"]:
        return None
    if v["date"] < today - timedelta(days=p["issued_within_days"]):
        return None
    return Judgement(
        key=f"disability:{v['date']}", reason=f"{v['date']} 新办残疾证（{v['grade']}）"
    )


def _housing(v: dict, person: Person, p: dict, today: date) -> Judgement | None:
    if v["grade"].upper() not in p["grades"]:
        return None
    return Judgement(
        key=f"housing:{v['date']}", reason=f"{v['date']} 住房鉴定为 {v['grade'].upper()} 级"
    )


def _emergency(v: dict, person: Person, p: dict, today: date) -> Judgement | None:
    loss = v["loss"]
    if loss is not None and loss < Decimal(p["loss_at_least"]):
        return None
    if loss is None and Decimal(p["loss_at_least"]) > 0:
        return None
    amount = f"，损失 {_yuan(loss)} 元" if loss is not None else ""
    return Judgement(
        key=f"disaster:{v['date']}:{v['disaster']}",
        reason=f"{v['date']} 遭受{v['disaster']}{amount}",
    )


def _working_age(v: dict, person: Person, p: dict) -> bool:
    return p["age_from"] <= _age(person, v["date"]) <= p["age_to"]


def _human_resources(v: dict, person: Person, p: dict, today: date) -> Judgement | None:
    if not _working_age(v, person, p):
        return None
    return Judgement(key=f"unemployed:{v['date']}", reason=f"{v['date']} 登记失业")


def _public_security(v: dict, person: Person, p: dict, today: date) -> Judgement | None:
    if not _working_age(v, person, p):
        return None
    return Judgement(key=f"death:{v['date']}", reason=f"{v['date']} 家庭劳动力成员死亡")


_AGES = (
    Setting("age_from", _("年龄下限（岁）"), "age"),
    Setting("age_to", _("年龄上限（岁）"), "age"),
)

SPECS: dict[str, DepartmentSpec] = {
    spec.department: spec
    for spec in (
        DepartmentSpec(
            "medical_insurance",
            RiskType.ILLNESS,
            (
                Column("结算日期", "date", "date"),
                Column("就诊类型", "visit", "text", choices=("住院", "门诊")),
                Column("总费用", "total", "amount"),
                Column("个人自付", "self_pay", "amount"),
                Column("结算单号", "settlement", "text", required=False),
            ),
            (
                Setting(
                    "hospital_year_registered",
                    _("脱贫户、监测户成员住院自付年累计预警线（元）"),
                    "amount",
                ),
                Setting(
                    "hospital_year_other", _("其他农村人口住院自付年累计预警线（元）"), "amount"
                ),
                Setting("outpatient_month", _("门诊自付月累计预警线（元）"), "amount"),
            ),
            _medical,
            amount_key="self_pay",
            date_key="date",
        ),
        DepartmentSpec(
            "health",
            RiskType.ILLNESS,
            (
                Column("确诊日期", "date", "date"),
                Column("重大疾病", "serious", "text", choices=("是", "否")),
            ),
            (Setting("diagnosed_within_days", _("确诊日期在多少天以内（天）"), "days"),),
            _health,
            date_key="date",
        ),
        DepartmentSpec(
            "education",
            RiskType.SCHOOLING,
            (
                Column(
                    "学段",
                    "stage",
                    "text",
                    choices=(
                        "学前",
                        "小学",
                        "初中",
                        "高中",
                        "中职",
                        "高职",
                        "大专",
                        "本科",
                        "研究生",
                    ),
                ),
                Column("学年", "school_year", "text"),
                Column("个人自付", "self_pay", "amount"),
                Column("学校", "school", "text", required=False),
            ),
            (
                Setting("self_pay_year", _("一学年个人自付预警线（元）"), "amount"),
                Setting("stages", _("预警的学段"), "list"),
            ),
            _education,
            amount_key="self_pay",
        ),
        DepartmentSpec(
            "civil_affairs",
            RiskType.OTHER,
            (
                Column("变动日期", "date", "date"),
                Column("救助类型", "assistance", "text", choices=("低保", "特困", "临时救助")),
                Column("变动类型", "change", "text", choices=("新增", "取消")),
            ),
            (
                Setting("assistance_types", _("预警的救助类型"), "list"),
                Setting("changes", _("预警的变动类型"), "list"),
            ),
            _civil_affairs,
            date_key="date",
        ),
        DepartmentSpec(
            "disability",
            RiskType.DISABILITY,
            (
                Column("发证日期", "date", "date"),
                Column(
                    "残疾类别",
                    "category",
                    "text",
                    choices=("视力", "听力", "言语", "肢体", "智力", "精神", "多重"),
                ),
                Column("残疾等级", "grade", "text", choices=("一级", "二级", "三级", "四级")),
            ),
            (
                Setting("issued_within_days", _("发证日期在多少天以内（天）"), "days"),
                Setting("grades", _("预警的残疾等级"), "list"),
            ),
            _disability,
            date_key="date",
        ),
        DepartmentSpec(
            "housing",
            RiskType.HOUSING,
            (
                Column("鉴定日期", "date", "date"),
                Column("鉴定等级", "grade", "text", choices=("A", "B", "C", "D")),
            ),
            (Setting("grades", _("预警的鉴定等级"), "list"),),
            _housing,
            date_key="date",
        ),
        DepartmentSpec(
            "emergency",
            RiskType.DISASTER,
            (
                Column("受灾日期", "date", "date"),
                Column(
                    "灾害类型",
                    "disaster",
                    "text",
                    choices=(
                        "洪涝",
                        "干旱",
                        "地质灾害",
                        "风雹",
                        "低温冰冻",
                        "地震",
                        "火灾",
                        "其他",
                    ),
                ),
                Column("损失金额", "loss", "amount", required=False),
            ),
            (Setting("loss_at_least", _("损失金额不低于（元）"), "amount"),),
            _emergency,
            amount_key="loss",
            date_key="date",
        ),
        DepartmentSpec(
            "human_resources",
            RiskType.UNSTABLE_WORK,
            (
                Column("失业登记日期", "date", "date"),
                Column("原就业单位", "employer", "text", required=False),
            ),
            _AGES,
            _human_resources,
            date_key="date",
        ),
        DepartmentSpec(
            "public_security",
            RiskType.NO_LABOUR,
            (Column("死亡日期", "date", "date"),),
            _AGES,
            _public_security,
            date_key="date",
        ),
    )
}


@cache
def defaults() -> dict[str, dict]:
    """The thresholds every county starts from (warning_rules.toml)."""
    with (Path(__file__).with_name("warning_rules.toml")).open("rb") as handle:
        data = tomllib.load(handle)
    for department, spec in SPECS.items():
        missing = [s.key for s in spec.settings if s.key not in data.get(department, {})]
        if missing:
            raise ValueError(f"warning_rules.toml: {department} lacks {missing}")
    return data


def spec_for(department: str) -> DepartmentSpec:
    try:
        return SPECS[department]
    except KeyError:
        raise ValueError(department) from None


def clean_settings(department: str, values: dict) -> dict:
    """A county's values for ``department``, checked: numbers not negative, lists of the
    column's own choices. Raises ValueError with a Chinese message naming the setting."""
    spec = spec_for(department)
    out: dict = {}
    for setting in spec.settings:
        if setting.key not in values:
            continue
        value = values[setting.key]
        if setting.kind == "list":
            options = list_options(spec, setting.key)
            items = [str(item).strip() for item in value if str(item).strip()]
            unknown = [item for item in items if options and item not in options]
            if unknown:
                raise ValueError(
                    gettext("%(s)s：不认识 %(v)s") % {"s": setting.label, "v": "、".join(unknown)}
                )
            out[setting.key] = items
        else:
            try:
                number = Decimal(str(value))
            except ArithmeticError:
                raise ValueError(gettext("%(s)s：应为数字") % {"s": setting.label}) from None
            if not number.is_finite() or number < 0:
                raise ValueError(gettext("%(s)s：不能为负数") % {"s": setting.label})
            out[setting.key] = int(number) if setting.kind in ("days", "age") else float(number)
    if "age_from" in out and "age_to" in out and out["age_from"] > out["age_to"]:
        raise ValueError(gettext("年龄下限不能大于年龄上限。"))
    return out


def list_options(spec: DepartmentSpec, setting_key: str) -> tuple[str, ...]:
    """The choices of the column a list setting filters."""
    column_for = {
        "stages": "stage",
        "assistance_types": "assistance",
        "changes": "change",
        "grades": "grade",
    }
    key = column_for.get(setting_key)
    for column in spec.columns:
        if column.key == key:
            return column.choices
    return ()
