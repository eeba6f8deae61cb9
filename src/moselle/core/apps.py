from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "moselle.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from moselle.core import privacy  # noqa: F401  registers the core exporter and eraser
