from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "fupin.assistance"
    label = "assistance"
    verbose_name = _("帮扶")

    def ready(self) -> None:
        from fupin.assistance import resources  # noqa: F401
        from fupin.core.audit import register_actions

        register_actions({"pairing.set": _("确定帮扶责任人")})
