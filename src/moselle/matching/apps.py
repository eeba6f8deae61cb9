from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "moselle.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from moselle.matching import registry, sources

        registry.register(sources.OfferSource())
        registry.register(sources.ProviderSource())
        registry.register(sources.HubSource())
