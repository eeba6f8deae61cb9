from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "moselle.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from moselle.core import due_work
        from moselle.events import actions, figures, privacy, survey  # noqa: F401  (privacy registers the exporter and eraser)
        from moselle.reporting import kpis

        due_work.register("event seat offers", actions.expire_offers)
        due_work.register("event reminders", actions.send_reminders)
        due_work.register("event surveys", survey.send_surveys)
        due_work.register("event data retention", actions.purge_after_retention)
        for source in figures.SOURCES:
            kpis.register(source)
