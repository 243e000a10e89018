from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PolicyValue(models.Model):
    """One policy figure set for a province (``00``: national) from a year on."""

    province = models.CharField(_("省份代码"), max_length=2)
    year = models.PositiveSmallIntegerField(_("年度"))
    key = models.CharField(_("参数"), max_length=40)
    value = models.DecimalField(_("数值"), max_digits=12, decimal_places=2)
    note = models.CharField(_("依据"), max_length=200, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("政策参数")
        verbose_name_plural = _("政策参数")
        constraints = [
            models.UniqueConstraint(fields=["province", "year", "key"], name="one_policy_value")
        ]
        ordering = ["key", "province", "year"]

    def __str__(self) -> str:
        return f"{self.province} {self.year} {self.key}={self.value}"
