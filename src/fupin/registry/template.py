"""The standard household import template (../shared/IMPORT_TEMPLATE.md), defined once:
the import reads by it, the export and the blank template write by it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from fupin.registry import choices as c


@dataclass(frozen=True)
class Column:
    header: str
    target: str  # "household.<field>", "income.<field>", "person.<field>" or a special name
    kind: str  # text, code, int, money, bool, date, choice, choices, id, phone
    required: bool = False
    choices: type[models.Choices] | None = None
    note: str = ""
    aliases: tuple[str, ...] = field(default=())

    @property
    def level(self) -> str:
        return self.target.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.target.split(".", 1)[1]

    def labels(self) -> list[str]:
        return [str(label) for _value, label in self.choices.choices] if self.choices else []


HOUSEHOLD_COLUMNS = [
    Column("行政区划代码", "household.region", "code", required=True, note="村（社区）的12位代码"),
    Column("村民小组", "household.group_name", "text"),
    Column("户编号", "household.number", "text", required=True, note="县内唯一"),
    Column("户类型", "household.household_type", "choice", choices=c.HouseholdType),
    Column("识别年度", "household.identification_year", "int"),
    Column("脱贫年度", "household.exit_year", "int"),
    Column("主要致贫原因", "household.main_cause", "choice", choices=c.Cause, note="贫困户必填"),
    Column(
        "其他致贫原因",
        "household.other_causes",
        "choices",
        choices=c.Cause,
        note="最多两项，用顿号分隔",
    ),
    Column("收入年度", "income.year", "int", note="填写任一收入项时必填"),
    Column("工资性收入", "income.wages", "money"),
    Column("生产经营性收入", "income.business", "money"),
    Column("财产性收入", "income.property_income", "money"),
    Column("转移性收入", "income.transfers", "money"),
    Column("生产经营性支出", "income.business_costs", "money"),
    Column("刚性支出", "income.rigid_spending", "money"),
    Column("住房安全等级", "household.housing_grade", "choice", choices=c.HousingGrade),
    Column("危房改造或搬迁", "household.housing_renovated_or_relocated", "bool"),
    Column("饮水安全", "household.water_safe", "bool"),
    Column("不愁吃不愁穿", "household.food_clothing_secure", "bool"),
    Column("联系电话", "household.phone", "phone"),
]

MEMBER_COLUMNS = [
    Column("姓名", "person.name", "text", required=True),
    Column(
        "证件号码", "person.id_number", "id", required=True, note="18位身份证号或20/22位残疾人证号"
    ),
    Column("与户主关系", "person.relation", "choice", required=True, choices=c.Relation),
    Column("民族", "person.ethnicity", "text"),
    Column("文化程度", "person.education", "choice", choices=c.Education),
    Column("在校生状况", "person.school_status", "choice", choices=c.SchoolStatus),
    Column("健康状况", "person.health", "choice", choices=c.Health),
    Column("残疾等级", "person.disability_level", "choice", choices=c.DisabilityLevel),
    Column("劳动能力", "person.labour_capacity", "choice", choices=c.LabourCapacity),
    Column("务工状况", "person.work_status", "choice", choices=c.WorkStatus),
    Column("务工时间", "person.months_worked", "int", note="月，0–12"),
    Column("基本医疗保险", "person.medical_insurance", "bool"),
    Column("大病保险", "person.serious_illness_insurance", "bool"),
    Column("基本养老保险", "person.pension_insurance", "bool"),
    Column("慢病签约", "person.chronic_contract", "bool"),
    Column("死亡日期", "person.death_date", "date"),
]

COLUMNS = HOUSEHOLD_COLUMNS + MEMBER_COLUMNS
BY_HEADER = {col.header: col for col in COLUMNS}
HEADERS = [col.header for col in COLUMNS]
