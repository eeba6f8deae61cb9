"""Load what every instance needs: the own hub, its services and targets. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from moselle.core import audit, taxonomy
from moselle.organisations import hubseed
from moselle.organisations.models import HubProfile, HubService, HubTarget, Organisation


class Command(BaseCommand):
    help = "Seed the instance's own hub (L-DIH), its six services and its targets. Idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            hub = HubProfile.objects.select_related("organisation").first()
            if hub is None:
                organisation = Organisation.objects.create(name=hubseed.HUB_ORGANISATION, country=hubseed.HUB_COUNTRY)
                hub = HubProfile.objects.create(
                    organisation=organisation, edih_name=hubseed.HUB_EDIH_NAME, country=hubseed.HUB_COUNTRY
                )
                audit.record(actor=None, action="hub.seed", target=hub, organisation_id=organisation.pk)
            created = 0
            for position, (code, category, name) in enumerate(hubseed.SERVICES):
                _service, made = HubService.objects.get_or_create(
                    hub=hub, code=code, defaults={"name": name, "category": category, "position": position}
                )
                created += made
            start, end = hubseed.TARGET_PERIOD
            for indicator, value, label in hubseed.TARGETS:
                _target, made = HubTarget.objects.get_or_create(
                    hub=hub,
                    indicator=indicator,
                    period_start=start,
                    defaults={"value": value, "label": label, "period_end": end},
                )
                created += made
            loaded = taxonomy.seed_taxonomy()
        self.stdout.write(f"Seeded hub {hub.edih_name}: {created} new rows. Taxonomy: {loaded.summary()}.")
