"""The registry's closed lists, as the 信息采集表 and the import template name them. Codes
are English identifiers; labels are the Chinese terms users type and read. ``LABELS``
maps every accepted spelling back to a code for imports."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class HouseholdType(models.TextChoices):
    GENERAL = "general", _("一般户")
    POOR_GENERAL = "poor_general", _("一般贫困户")
    POOR_DIBAO = "poor_dibao", _("低保贫困户")
    POOR_TEKUN = "poor_tekun", _("特困供养贫困户")
    EXITED = "exited", _("脱贫户")
    UNSTABLE = "unstable", _("脱贫不稳定户")
    EDGE = "edge", _("边缘易致贫户")
    SUDDEN = "sudden", _("突发严重困难户")


POOR_TYPES = frozenset(
    {HouseholdType.POOR_GENERAL, HouseholdType.POOR_DIBAO, HouseholdType.POOR_TEKUN}
)
MONITORED_TYPES = frozenset({HouseholdType.UNSTABLE, HouseholdType.EDGE, HouseholdType.SUDDEN})


class CivilAffairsTier(models.TextChoices):
    DIBAO = "dibao", _("低保")
    TEKUN = "tekun", _("特困")
    DIBAO_EDGE = "dibao_edge", _("低保边缘")
    RIGID_HARDSHIP = "rigid_hardship", _("刚性支出困难")


class DesignationCategory(models.TextChoices):
    POVERTY = "poverty", _("户类型")
    CIVIL_AFFAIRS = "civil_affairs", _("民政救助")


class IdentificationStandard(models.TextChoices):
    NATIONAL = "national", _("国家标准")
    PROVINCIAL = "provincial", _("省定标准")


class Cause(models.TextChoices):
    ILLNESS = "illness", _("因病")
    DISABILITY = "disability", _("因残")
    SCHOOLING = "schooling", _("因学")
    DISASTER = "disaster", _("因灾")
    LACK_LAND = "lack_land", _("缺土地")
    LACK_WATER = "lack_water", _("缺水")
    LACK_SKILLS = "lack_skills", _("缺技术")
    LACK_LABOUR = "lack_labour", _("缺劳力")
    LACK_CAPITAL = "lack_capital", _("缺资金")
    POOR_TRANSPORT = "poor_transport", _("交通条件落后")
    LACK_MOTIVATION = "lack_motivation", _("自身发展动力不足")
    OTHER = "other", _("其它")


class HousingGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", _("C（危房）")
    D = "D", _("D（危房）")


UNSAFE_GRADES = frozenset({HousingGrade.C, HousingGrade.D})


class Relation(models.TextChoices):
    HEAD = "head", _("户主")
    SPOUSE = "spouse", _("配偶")
    SON = "son", _("之子")
    DAUGHTER = "daughter", _("之女")
    DAUGHTER_IN_LAW = "daughter_in_law", _("之儿媳")
    SON_IN_LAW = "son_in_law", _("之女婿")
    GRANDSON = "grandson", _("之孙子")
    GRANDDAUGHTER = "granddaughter", _("之孙女")
    FATHER = "father", _("之父")
    MOTHER = "mother", _("之母")
    SIBLING = "sibling", _("兄弟姐妹")
    OTHER = "other", _("其他")


class Sex(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Education(models.TextChoices):
    ILLITERATE = "illiterate", _("文盲或半文盲")
    PRESCHOOL_CHILD = "preschool_child", _("学龄前儿童")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    VOCATIONAL = "vocational", _("中专")
    TERTIARY = "tertiary", _("大专及以上")


class SchoolStatus(models.TextChoices):
    NOT_IN_SCHOOL = "not_in_school", _("非在校生")
    PRESCHOOL = "preschool", _("学前教育")
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("高中")
    SECONDARY_VOCATIONAL = "secondary_vocational", _("中职")
    HIGHER_VOCATIONAL = "higher_vocational", _("高职")
    JUNIOR_COLLEGE = "junior_college", _("大专")
    UNDERGRADUATE = "undergraduate", _("本科及以上")
    DROPPED_OUT = "dropped_out", _("辍学")
    HOME_TEACHING = "home_teaching", _("送教上门")


class Health(models.TextChoices):
    HEALTHY = "healthy", _("健康")
    CHRONIC = "chronic", _("长期慢性病")
    SERIOUS = "serious", _("患有大病")
    DISABLED = "disabled", _("残疾")


class DisabilityLevel(models.IntegerChoices):
    ONE = 1, _("一级")
    TWO = 2, _("二级")
    THREE = 3, _("三级")
    FOUR = 4, _("四级")


class LabourCapacity(models.TextChoices):
    ORDINARY = "ordinary", _("普通劳动力")
    SKILLED = "skilled", _("技能劳动力")
    WEAK = "weak", _("弱劳动力或半劳动力")
    LOST = "lost", _("丧失劳动力")
    NONE = "none", _("无劳动力")


class WorkStatus(models.TextChoices):
    NOT_WORKING = "not_working", _("未务工")
    IN_COUNTY = "in_county", _("县内务工")
    IN_PROVINCE = "in_province", _("省内县外务工")
    OUT_OF_PROVINCE = "out_of_province", _("省外务工")


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("建档")
    IDENTIFIED = "identified", _("新识别")
    EXITED = "exited", _("标注脱贫")
    RETURNED = "returned", _("返贫")
    MONITORED = "monitored", _("纳入监测")
    RISK_ELIMINATED = "risk_eliminated", _("风险消除")
    MEMBER_ADDED = "member_added", _("自然增加")
    MEMBER_REMOVED = "member_removed", _("自然减少")
    SPLIT = "split", _("分户")
    MERGE = "merge", _("合户")
    CORRECTION = "correction", _("信息更正")
    IMPORTED = "imported", _("批量导入")


class MemberRemovalReason(models.TextChoices):
    DEATH = "death", _("死亡")
    MARRIAGE_OUT = "marriage_out", _("出嫁")
    MIGRATION_OUT = "migration_out", _("迁出")
    SPLIT = "split", _("分户")
    MERGE = "merge", _("合户")
    CORRECTION = "correction", _("信息更正")
    OTHER = "other", _("其他")


def labels_to_codes(choices: type[models.Choices]) -> dict[str, str]:
    """Every label a user may type for a choice, to its code ("之子" → "son")."""
    return {str(label): value for value, label in choices.choices}
