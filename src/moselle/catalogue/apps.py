from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "moselle.catalogue"
    label = "catalogue"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from moselle.catalogue import actions
        from moselle.organisations import merging

        merging.register_after_merge(actions.offers_moved_to)
