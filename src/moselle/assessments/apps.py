from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "moselle.assessments"
    label = "assessments"
    verbose_name = _("Maturity assessments")

    def ready(self) -> None:
        from moselle.assessments import (  # noqa: F401
            dma_import,  # the planner of the official DMA results import
            privacy,  # the exporter and eraser of assessments
        )
