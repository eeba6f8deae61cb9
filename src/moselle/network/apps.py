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
        from moselle.network import referrals
        from moselle.network.federation import messages

        for hook in (referrals.on_referral_change, messages.on_referral_change):
            if hook not in REFERRAL_HOOKS:
                REFERRAL_HOOKS.append(hook)

        from moselle.matching import registry
        from moselle.network.federation.matching import RemoteOfferSource

        registry.register(RemoteOfferSource())

        from moselle.core import due_work
        from moselle.network.federation import inbox, outbox

        due_work.register("federation outbox", outbox.retry_due)
        due_work.register("federation catalogues", messages.share_changed_catalogues)
        due_work.register("federation nonces", inbox.forget_old_nonces)
        due_work.register("federation inbox", messages.process_left_over)
