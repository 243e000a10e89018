from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.regions import codes


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")
    GROUP = "group", _("村民小组")


class RegionClass(models.TextChoices):
    EAST = "east", _("东部")
    CENTRAL = "central", _("中部")
    WEST = "west", _("西部")


class FlagKind(models.TextChoices):
    POVERTY_COUNTY = "poverty_county", _("贫困县")
    DEEP_POVERTY_COUNTY = "deep_poverty_county", _("深度贫困县")
    POVERTY_VILLAGE = "poverty_village", _("贫困村")
    RELOCATION_SITE = "relocation_site", _("易地扶贫搬迁集中安置点")
    SUPERVISION_LISTED = "supervision_listed", _("挂牌督战")


class Region(models.Model):
    """One node of the 行政区划 tree, keyed by its statistical code.

    The code is the primary key so that every scoped table can hold it directly and be
    narrowed with one indexed prefix comparison, without joins up the tree."""

    code = models.CharField(_("区划代码"), max_length=15, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Set on provinces; everything below inherits it (the standards issue reads it there).
    region_class = models.CharField(
        _("区域类别"), max_length=10, choices=RegionClass.choices, blank=True
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[c for c, _ in Level.choices]),
                name="region_level_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    @property
    def prefix(self) -> str:
        return codes.prefix(self.code)


class RegionFlag(models.Model):
    """A status that holds for a period (贫困县 from 2014 until 摘帽, …); history stays."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="flags")
    kind = models.CharField(_("标识"), max_length=30, choices=FlagKind.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    note = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("区划标识")
        verbose_name_plural = _("区划标识")
        ordering = ["region_id", "kind", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "kind"],
                condition=models.Q(end__isnull=True),
                name="one_open_flag_per_kind",
            ),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="flag_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.get_kind_display()} {self.start}–{self.end or ''}"

    @property
    def active(self) -> bool:
        return self.end is None
