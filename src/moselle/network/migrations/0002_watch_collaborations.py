from django.db import migrations

from moselle.reporting.freshness import watch


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0003_figures_version"),
        ("network", "0001_corridors_and_federation"),
    ]

    operations = [
        # Corridors and collaborations are KPI sources (network.figures): a change raises the figures' version.
        watch("network.Corridor", "network.Corridor_partners", "network.Collaboration", "network.Collaboration_hubs"),
    ]
