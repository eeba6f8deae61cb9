from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "moselle.skills"
    label = "skills"
    verbose_name = _("Skills and training")

    def ready(self) -> None:
        from moselle.reporting import kpis
        from moselle.skills import figures, hooks, privacy  # noqa: F401  (privacy registers the exporter and eraser)

        for source in figures.SOURCES:
            kpis.register(source)
        hooks.connect()

        from moselle.core import due_work

        due_work.register("course aid never used", hooks.release_unused_grants)
