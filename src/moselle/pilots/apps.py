from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PilotsConfig(AppConfig):
    name = "moselle.pilots"
    label = "pilots"
    verbose_name = _("Test before invest")

    def ready(self) -> None:
        from moselle.pilots import figures, privacy  # noqa: F401  (privacy registers the exporter and eraser)
        from moselle.reporting import kpis

        for source in figures.SOURCES:
            kpis.register(source)
