from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "fupin.regions"
    label = "regions"
    verbose_name = _("行政区划")

    def ready(self) -> None:
        from fupin.regions import resources  # noqa: F401  (registers scoped resources)
