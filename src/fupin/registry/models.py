"""The registry (建档立卡): households, the persons in them and their history.

Personal numbers (ID, phone, bank account) are stored encrypted beside a keyed hash for
lookup and a masked form for display, so that lists never decrypt and searches never scan.
Derived figures (net income, per-capita income) are written only by the services."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.core.fields import HashField
from fupin.core.models import StoredFile
from fupin.registry import choices as c

MONEY = {"max_digits": 14, "decimal_places": 2, "null": True, "blank": True}
# Health data: shown only to roles that may see personal data (Capability.REVEAL_PERSONAL_DATA),
# never on public pages; masked like ID numbers everywhere else.
HEALTH_FIELDS = ("health", "disability_level", "disability_kind", "chronic_contract")
MASK = "***"
# PostgreSQL's operator class for equality and prefix LIKE on varchar under any collation
# (other databases ignore operator classes).
PATTERN_OPS = ["varchar_pattern_ops"]


class Household(models.Model):
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在村"),
        on_delete=models.PROTECT,
        related_name="households",
        # Indexed by household_region_type, which begins with it (see Meta).
        db_index=False,
    )
    # The county part of the region code: household numbers are unique within a county.
    county_code = models.CharField(_("县级区划代码"), max_length=6, editable=False)
    number = models.CharField(_("户编号"), max_length=40)
    group_name = models.CharField(_("村民小组"), max_length=50, blank=True)
    address = models.CharField(_("住址"), max_length=200, blank=True)
    head_name = models.CharField(_("户主姓名"), max_length=50, blank=True)
    member_count = models.PositiveSmallIntegerField(_("家庭人口"), default=0)

    household_type = models.CharField(
        _("户类型"), max_length=20, choices=c.HouseholdType.choices, default=c.HouseholdType.GENERAL
    )
    identification_year = models.PositiveSmallIntegerField(_("识别年度"), null=True, blank=True)
    exit_year = models.PositiveSmallIntegerField(_("脱贫年度"), null=True, blank=True)
    identification_standard = models.CharField(
        _("识别标准"), max_length=12, choices=c.IdentificationStandard.choices, blank=True
    )
    family_planning = models.BooleanField(_("计划生育户"), null=True, blank=True)
    main_cause = models.CharField(
        _("主要致贫原因"), max_length=20, choices=c.Cause.choices, blank=True
    )
    other_causes = models.JSONField(_("其他致贫原因"), default=list, blank=True)

    phone_encrypted = models.BinaryField(_("联系电话（密文）"), null=True, blank=True)
    # Indexed in Meta: a field-level index on PostgreSQL adds a second, pattern-ops index
    # that no query of a keyed hash uses, and every import pays for it.
    phone_hash = HashField(blank=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    bank_name = models.CharField(_("开户银行"), max_length=60, blank=True)
    bank_account_encrypted = models.BinaryField(_("银行账号（密文）"), null=True, blank=True)
    bank_account_masked = models.CharField(_("银行账号"), max_length=40, blank=True)

    housing_area = models.DecimalField(
        _("住房面积（平方米）"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    housing_structure = models.CharField(_("住房结构"), max_length=30, blank=True)
    housing_build_year = models.PositiveSmallIntegerField(_("建房年份"), null=True, blank=True)
    housing_grade = models.CharField(
        _("住房安全等级"), max_length=1, choices=c.HousingGrade.choices, blank=True
    )
    housing_renovated_or_relocated = models.BooleanField(_("危房改造或搬迁"), null=True, blank=True)
    electricity = models.BooleanField(_("通生活用电"), null=True, blank=True)
    broadband = models.BooleanField(_("通广播电视或宽带"), null=True, blank=True)
    main_fuel = models.CharField(_("主要燃料"), max_length=30, blank=True)
    sanitary_toilet = models.BooleanField(_("卫生厕所"), null=True, blank=True)
    road_distance_km = models.DecimalField(
        _("距主干路距离（公里）"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    cultivated_land_mu = models.DecimalField(
        _("耕地面积（亩）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    forest_land_mu = models.DecimalField(
        _("林地面积（亩）"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    water_quantity_ok = models.BooleanField(_("水量达标"), null=True, blank=True)
    water_quality_ok = models.BooleanField(_("水质达标"), null=True, blank=True)
    water_convenience_ok = models.BooleanField(_("用水方便"), null=True, blank=True)
    water_assurance_ok = models.BooleanField(_("供水保证率达标"), null=True, blank=True)
    water_safe = models.BooleanField(_("饮水安全"), null=True, blank=True)
    food_clothing_secure = models.BooleanField(_("不愁吃不愁穿"), null=True, blank=True)

    version = models.PositiveIntegerField(_("版本"), default=1)
    created_at = models.DateTimeField(_("建档时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("农户")
        verbose_name_plural = _("农户")
        ordering = ["region_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["county_code", "number"], name="household_number_unique_in_county"
            ),
            models.CheckConstraint(
                condition=Q(household_type__in=c.HouseholdType.values), name="household_type_known"
            ),
        ]
        # One index per use, not Django's plain-plus-pattern pair per column: each index
        # costs every imported row a b-tree insert. The pattern operator classes serve both
        # equality and the prefix LIKE of scope (region code) and search (name) whatever the
        # database's collation (docs/decisions/0013-set-based-import.md).
        indexes = [
            models.Index(
                fields=["region", "household_type"],
                name="household_region_type",
                opclasses=PATTERN_OPS * 2,
            ),
            models.Index(fields=["head_name"], name="household_head_name", opclasses=PATTERN_OPS),
            models.Index(fields=["county_code", "household_type"], name="household_county_type"),
            models.Index(fields=["phone_hash"], name="household_phone_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.head_name or _('（无户主）')}户（{self.number}）"

    @property
    def is_poor(self) -> bool:
        return self.household_type in c.POOR_TYPES

    @property
    def is_monitored(self) -> bool:
        return self.household_type in c.MONITORED_TYPES


class Person(models.Model):
    """A person, once, with his or her current household. ``household`` is the single
    current membership — a person cannot be in two households by construction — and
    Membership keeps every past one."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("所在户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    # The household's village, kept beside it so that scope and search need no join.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所在村"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        # A copy of the household's region (kept by the services and the import, and its
        # presence tied to the household's by a check): no second per-row foreign-key check
        # on a million-row import (docs/decisions/0013-set-based-import.md).
        db_constraint=False,
        db_index=False,  # person_region_name begins with it
    )
    relation = models.CharField(
        _("与户主关系"), max_length=20, choices=c.Relation.choices, blank=True
    )
    name = models.CharField(_("姓名"), max_length=50)

    # Unique in Meta, for the same reason as Household.phone_hash.
    id_hash = HashField()
    id_encrypted = models.BinaryField(_("证件号码（密文）"))
    id_masked = models.CharField(_("证件号码"), max_length=22)
    id_kind = models.CharField(_("证件类型"), max_length=12, default="resident")
    sex = models.CharField(_("性别"), max_length=6, choices=c.Sex.choices)
    birth_date = models.DateField(_("出生日期"))

    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    education = models.CharField(
        _("文化程度"), max_length=20, choices=c.Education.choices, blank=True
    )
    school_status = models.CharField(
        _("在校生状况"), max_length=24, choices=c.SchoolStatus.choices, blank=True
    )
    health = models.CharField(_("健康状况"), max_length=12, choices=c.Health.choices, blank=True)
    disability_level = models.PositiveSmallIntegerField(
        _("残疾等级"), choices=c.DisabilityLevel.choices, null=True, blank=True
    )
    disability_kind = models.CharField(_("残疾类别"), max_length=20, blank=True)
    labour_capacity = models.CharField(
        _("劳动能力"), max_length=12, choices=c.LabourCapacity.choices, blank=True
    )
    work_status = models.CharField(
        _("务工状况"), max_length=20, choices=c.WorkStatus.choices, blank=True
    )
    months_worked = models.PositiveSmallIntegerField(_("务工时间（月）"), null=True, blank=True)
    medical_insurance = models.BooleanField(_("城乡居民基本医疗保险"), null=True, blank=True)
    serious_illness_insurance = models.BooleanField(_("大病保险"), null=True, blank=True)
    pension_insurance = models.BooleanField(_("城乡居民基本养老保险"), null=True, blank=True)
    chronic_contract = models.BooleanField(_("慢病签约"), null=True, blank=True)
    commercial_insurance = models.BooleanField(_("扶贫特惠保等商业保险"), null=True, blank=True)
    dibao_member = models.BooleanField(_("低保对象"), null=True, blank=True)
    tekun_member = models.BooleanField(_("特困供养对象"), null=True, blank=True)
    serving_soldier = models.BooleanField(_("现役军人"), null=True, blank=True)
    death_date = models.DateField(_("死亡日期"), null=True, blank=True)

    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")
        ordering = ["household_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(months_worked__isnull=True) | Q(months_worked__lte=12),
                name="months_worked_0_12",
            ),
            models.CheckConstraint(
                condition=Q(household__isnull=True, region__isnull=True)
                | Q(household__isnull=False, region__isnull=False),
                name="person_region_follows_household",
            ),
            # Written as an expression so that SQLite makes it a unique index of its own
            # (CREATE UNIQUE INDEX), which a first load drops and builds again in one sort,
            # not a UNIQUE clause of the table, which stays: hashes come in random order,
            # and keeping their index row by row cost 7-11 s of a million persons' inserts
            # against 2-3 s to build it once (decision 0021). The same index on PostgreSQL.
            models.UniqueConstraint(F("id_hash"), name="person_id_hash_unique"),
        ]
        # As for Household: one index per use (scope, search by name within it, by name).
        indexes = [
            models.Index(
                fields=["region", "name"], name="person_region_name", opclasses=PATTERN_OPS * 2
            ),
            models.Index(fields=["name"], name="person_name", opclasses=PATTERN_OPS),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"


class Membership(models.Model):
    """One stay of a person in a household, from joining to leaving."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="memberships")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="memberships")
    relation = models.CharField(
        _("与户主关系"), max_length=20, choices=c.Relation.choices, blank=True
    )
    start = models.DateField(_("加入日期"))
    end = models.DateField(_("离开日期"), null=True, blank=True)
    end_reason = models.CharField(
        _("离开原因"), max_length=20, choices=c.MemberRemovalReason.choices, blank=True
    )
    # Links to the evidence, written in the same transaction as the membership; informational,
    # so neither indexed nor checked row by row by the database.
    start_event = models.ForeignKey(
        "HouseholdEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    end_event = models.ForeignKey(
        "HouseholdEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        verbose_name = _("成员关系")
        verbose_name_plural = _("成员关系")
        ordering = ["start", "id"]
        constraints = [
            # The database itself refuses a second current household for anyone.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(end__isnull=True),
                name="one_current_household_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.household_id} {self.start}–{self.end or ''}"


class Designation(models.Model):
    """A household's 户类型 (or civil-affairs tier) for a period: history is never
    overwritten, a new designation ends the previous one."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="designations")
    category = models.CharField(_("类别"), max_length=16, choices=c.DesignationCategory.choices)
    kind = models.CharField(_("类型"), max_length=20)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    event = models.ForeignKey(
        "HouseholdEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="designations",
        db_constraint=False,
        db_index=False,
    )

    class Meta:
        verbose_name = _("户类型记录")
        verbose_name_plural = _("户类型记录")
        ordering = ["start", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "category"],
                condition=Q(end__isnull=True),
                name="one_open_designation_per_category",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="designation_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.start}–{self.end or ''}"

    @property
    def kind_label(self) -> str:
        choices = (
            c.HouseholdType
            if self.category == c.DesignationCategory.POVERTY
            else c.CivilAffairsTier
        )
        return str(dict(choices.choices).get(self.kind, self.kind))


class HouseholdIncome(models.Model):
    """A household's income for one year, in yuan. Net and per-capita figures are derived
    by the services from the parts and the members alive at the end of the year."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("收入年度"))
    wages = models.DecimalField(_("工资性收入"), **MONEY)
    business = models.DecimalField(_("生产经营性收入"), **MONEY)
    property_income = models.DecimalField(_("财产性收入"), **MONEY)
    transfers = models.DecimalField(_("转移性收入"), **MONEY)
    business_costs = models.DecimalField(_("生产经营性支出"), **MONEY)
    rigid_spending = models.DecimalField(_("刚性支出"), **MONEY)
    net_income = models.DecimalField(_("家庭纯收入"), **MONEY, editable=False)
    members_counted = models.PositiveSmallIntegerField(_("计算人口"), default=0, editable=False)
    per_capita_net_income = models.DecimalField(_("人均纯收入"), **MONEY, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("家庭收入")
        verbose_name_plural = _("家庭收入")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"], name="one_income_per_household_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


class HouseholdEvent(models.Model):
    """A change to a household (动态调整): who, when, why, what, with evidence."""

    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("变动类型"), max_length=20, choices=c.EventKind.choices)
    date = models.DateField(_("变动日期"))
    reason = models.TextField(_("变动原因"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    details = models.JSONField(_("变动内容"), default=dict, blank=True)
    related_household = models.ForeignKey(
        Household,
        verbose_name=_("关联户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("变动记录")
        verbose_name_plural = _("变动记录")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


def _attachment_path(instance: EventAttachment, filename: str) -> str:
    return f"attachments/{instance.event.household.county_code}/{instance.event_id}/{filename}"


class EventAttachment(StoredFile):
    event = models.ForeignKey(HouseholdEvent, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=_attachment_path, max_length=300)

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
