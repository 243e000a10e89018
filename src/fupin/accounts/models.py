from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from fupin.accounts.roles import Department, Role


class User(AbstractUser):
    """A person who signs in. Scope: the region (any level) and, for department staff,
    the department whose data and tasks they hold."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("管辖区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("留空表示全国，仅系统管理员可以留空。"),
    )
    department = models.CharField(_("部门"), max_length=30, choices=Department.choices, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="user_role_known",
            ),
            models.CheckConstraint(
                condition=~models.Q(role=Role.DEPARTMENT) | ~models.Q(department=""),
                name="department_user_has_department",
            ),
            models.CheckConstraint(
                condition=models.Q(role=Role.SYSADMIN) | models.Q(region__isnull=False),
                name="only_sysadmin_is_national",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username
