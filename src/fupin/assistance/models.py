"""Assistance (帮扶). For now only the pairing of a household with its responsible cadre
(结对帮扶, 帮扶责任人); visits and measures come later (docs/decisions/0018)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Role

# Who may be a household's responsible cadre: the paired cadres themselves, and the village's
# own people (the village cadre and the resident work team), who often hold households too.
CADRE_ROLES = (Role.PAIRED_CADRE, Role.WORK_TEAM, Role.VILLAGE)


class Pairing(models.Model):
    """A household's responsible cadre for a period. A new pairing ends the current one on
    the day it starts, so the history shows every hand-over."""

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("农户"),
        on_delete=models.PROTECT,
        related_name="pairings",
    )
    cadre = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("帮扶责任人"),
        on_delete=models.PROTECT,
        related_name="pairings",
        limit_choices_to={"role__in": CADRE_ROLES},
    )
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), null=True, blank=True)
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("经办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    set_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("结对帮扶")
        verbose_name_plural = _("结对帮扶")
        ordering = ["-start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(end__isnull=True),
                name="one_current_pairing_per_household",
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="pairing_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} → {self.cadre_id} ({self.start}–{self.end or ''})"

    @property
    def current(self) -> bool:
        return self.end is None
