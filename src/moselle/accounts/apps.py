from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "moselle.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from moselle.accounts import privacy, security_events  # noqa: F401  exporter, eraser, audit receivers
