"""The analytics tables (in the DHIS2 manner): facts that statistics need, denormalised and
rebuilt from the registry, so that dashboards never scan the registry.

- ``HouseholdYear``: one row per household and year it existed in: its village, its 户类型 at
  the year end, its members alive then, whether it exited in the year, its main cause.
- ``AreaMeasure``: the same facts and those of leads, procedures and flags, summed per
  area (every village, and summed up to townships, counties, cities and provinces), year,
  measure and category (a long table: adding a measure needs no migration). Dashboards
  read an area's own rows.

Every row belongs to a ``Build``. A rebuild writes a new build beside the current one and
then marks it done in one short transaction; readers always take the newest done build, so
they never see a half-written table ("rebuilt in staging and swapped in")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Build(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    status = models.CharField(_("状态"), max_length=10, choices=Status.choices)
    trigger = models.CharField(_("触发"), max_length=20, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(_("开始时间"), default=timezone.now)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    first_year = models.PositiveSmallIntegerField(_("起始年度"))
    last_year = models.PositiveSmallIntegerField(_("截止年度"))
    household_rows = models.PositiveIntegerField(default=0)
    measure_rows = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(null=True, blank=True)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"analytics build {self.pk} ({self.status})"


class HouseholdYear(models.Model):
    # Plain integers, not foreign keys: millions of rows are written and dropped per build,
    # without per-row constraint checks or Django's cascade collection. The key is the row's
    # own (build, year, household): one index, filled in order, instead of a serial id and
    # a second index (a rebuild writes some 800,000 rows a year for four counties).
    pk = models.CompositePrimaryKey("build", "year", "household_id")
    build = models.IntegerField()
    year = models.PositiveSmallIntegerField()
    household_id = models.IntegerField()
    village = models.CharField(max_length=12)
    kind = models.CharField(max_length=20, blank=True)
    persons = models.PositiveSmallIntegerField()
    exited = models.PositiveSmallIntegerField(default=0)  # 1 when the exit began in the year
    main_cause = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return f"{self.household_id} {self.year}"


class AreaMeasure(models.Model):
    build = models.IntegerField()
    year = models.PositiveSmallIntegerField()
    # Rows are written per village and then summed up the tree, so that an area's figures
    # are a lookup of its own code and its children's a lookup by level and prefix.
    level = models.CharField(max_length=10, default="village", db_default="village")
    area = models.CharField(max_length=12)
    measure = models.CharField(max_length=40)
    category = models.CharField(max_length=40, blank=True)
    value = models.BigIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["build", "year", "level", "area"], name="am_build_year_level_area")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year} {self.measure}/{self.category}={self.value}"
