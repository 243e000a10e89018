from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "fupin.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from fupin.core import resources, signals  # noqa: F401  (registrations and receivers)
