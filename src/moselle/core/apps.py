from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "moselle.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from moselle.core import privacy  # noqa: F401  registers the core exporter and eraser
