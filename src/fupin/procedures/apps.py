from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProceduresConfig(AppConfig):
    name = "fupin.procedures"
    label = "procedures"
    verbose_name = _("程序与公示")

    def ready(self) -> None:
        from fupin.core.audit import register_actions
        from fupin.procedures import resources  # noqa: F401

        register_actions(
            {
                "procedure.start": _("发起程序"),
                "procedure.submit": _("程序：提交"),
                "procedure.approve": _("程序：同意"),
                "procedure.return": _("程序：退回修改"),
                "procedure.reject": _("程序：不予通过"),
                "procedure.close_notice": _("程序：结束公示"),
                "procedure.objection": _("程序：收到异议"),
                "procedure.answer": _("程序：答复异议"),
                "procedure.attachment_download": _("下载程序材料"),
            }
        )
