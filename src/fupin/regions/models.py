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
