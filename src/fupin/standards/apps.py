from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "fupin.standards"
    label = "standards"
    verbose_name = _("标准与核验")

    def ready(self) -> None:
        from fupin.core.audit import register_actions

        register_actions({"policy.set": _("修改政策参数")})
