from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "moselle.organisations"
    label = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from moselle.organisations import (  # noqa: F401
            catalogue_import,  # registers the catalogue importers
            privacy,  # the exporter and eraser of contacts
        )
