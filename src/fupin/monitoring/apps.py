from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "fupin.monitoring"
    label = "monitoring"
    verbose_name = _("防返贫监测")

    def ready(self) -> None:
        from fupin.core.audit import register_actions
        from fupin.monitoring import resources  # noqa: F401
        from fupin.monitoring.receivers import connect

        connect()
        register_actions(
            {
                "lead.create": _("登记监测线索"),
                "lead.merge": _("线索合并"),
                "lead.check": _("线索入户核实"),
            }
        )
