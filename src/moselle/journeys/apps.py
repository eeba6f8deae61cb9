from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JourneysConfig(AppConfig):
    name = "moselle.journeys"
    label = "journeys"
    verbose_name = _("Company journeys")

    def ready(self) -> None:
        from moselle.core import due_work
        from moselle.journeys import privacy  # noqa: F401  (registers the exporter and eraser)
        from moselle.journeys.actions import tasks

        due_work.register("task reminders", lambda: tasks.tasks_remind())
