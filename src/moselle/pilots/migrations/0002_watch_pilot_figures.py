from django.db import migrations

from moselle.reporting.freshness import watch


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_figures_version"),
        ("pilots", "0001_facilities_and_projects"),
    ]

    operations = [
        # Projects, their partners and bookings are KPI sources (pilots.figures): a change raises the figures' version.
        watch("pilots.Project", "pilots.Partner", "pilots.Booking"),
    ]
