from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "moselle.reporting"
    label = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from moselle.reporting import commission, privacy  # noqa: F401  (register the import kind, the exporter and eraser)
