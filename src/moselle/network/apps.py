from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "moselle.network"
    label = "network"
    verbose_name = _("European network")

    def ready(self) -> None:
        from moselle.network import figures, privacy  # noqa: F401  (privacy registers the exporter and eraser)
        from moselle.reporting import kpis

        for source in figures.SOURCES:
            kpis.register(source)

        from moselle.journeys.actions.referrals import REFERRAL_HOOKS
        from moselle.network.referrals import on_referral_change

        if on_referral_change not in REFERRAL_HOOKS:
            REFERRAL_HOOKS.append(on_referral_change)
