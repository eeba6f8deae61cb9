from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "moselle.funding"
    label = "funding"
    verbose_name = _("Funding")

    def ready(self) -> None:
        from moselle.funding import figures, privacy  # noqa: F401  (privacy registers the exporter and eraser)
        from moselle.funding.matching import ProgrammeSource
        from moselle.matching import registry
        from moselle.reporting import kpis

        registry.register(ProgrammeSource())

        for source in figures.SOURCES:
            kpis.register(source)

        from moselle.core import due_work
        from moselle.funding import searches

        due_work.register("funding digests", searches.send_digests)
