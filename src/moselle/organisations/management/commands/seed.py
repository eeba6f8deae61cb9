"""Load what every instance needs: the own hub, its services and targets. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from moselle.core import taxonomy
from moselle.organisations import actions


class Command(BaseCommand):
    help = "Seed the instance's own hub (L-DIH), its six services and its targets. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            hub, created = actions.hub_seed()
            loaded = taxonomy.seed_taxonomy()
        self.stdout.write(f"Seeded hub {hub.edih_name}: {created} new rows. Taxonomy: {loaded.summary()}.")
