from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "moselle.events"
    label = "events"
    verbose_name = _("Events")

    def ready(self) -> None:
        from moselle.core import due_work
        from moselle.events import actions, privacy  # noqa: F401  (registers the exporter and eraser)

        due_work.register("event seat offers", actions.expire_offers)
        due_work.register("event reminders", actions.send_reminders)
