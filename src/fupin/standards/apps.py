from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StandardsConfig(AppConfig):
    name = "fupin.standards"
    label = "standards"
    verbose_name = _("标准与核验")

    def ready(self) -> None:
        from fupin.core.audit import register_actions
        from fupin.standards import resources  # noqa: F401

        register_actions(
            {
                "policy.set": _("修改政策参数"),
                "evaluation.start": _("发起批量核验"),
                "job.start.evaluation_run": _("发起批量核验"),
                "exit_evaluation.record": _("录入贫困县退出评估"),
            }
        )
