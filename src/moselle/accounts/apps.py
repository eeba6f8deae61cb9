from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "moselle.accounts"
    label = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from moselle.accounts import privacy  # noqa: F401  registers the accounts exporter and eraser
