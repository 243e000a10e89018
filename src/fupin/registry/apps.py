from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "fupin.registry"
    label = "registry"
    verbose_name = _("建档立卡")

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from fupin.core.audit import register_actions
        from fupin.registry import resources  # noqa: F401
        from fupin.registry.choices import EventKind

        register_actions(
            {
                "person.reveal_id": _("查看完整证件号码"),
                "registry.export_full": _("导出完整个人信息"),
                "registry.import": _("农户信息导入"),
                "regions.load": _("导入行政区划"),
                "household.income": _("登记家庭收入"),
                **{f"household.{kind.value}": kind.label for kind in EventKind},
            }
        )
