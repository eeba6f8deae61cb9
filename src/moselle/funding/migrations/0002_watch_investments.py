from django.db import migrations

from moselle.reporting.freshness import watch


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_figures_version"),
        ("funding", "0001_initial"),
    ]

    operations = [
        # The investments triggered are KPI sources (funding.figures): a change to the table raises the figures'
        # version. Applications are not watched: the figures read them only through their investments.
        watch("funding.Investment"),
    ]
