from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "moselle.organisations"
    label = "organisations"
    verbose_name = "Organisations"
