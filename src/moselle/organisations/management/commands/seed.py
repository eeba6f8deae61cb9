"""Load what every instance needs: the own hub, its services and targets, the taxonomy and the European
hub catalogues shipped in organisations/data. Safe to run again.

With ``--demo`` it also loads the demo hub (organisations/demo.py) and the demo people, and prints their
log-ins: what ``make run`` shows a newcomer.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from moselle.accounts.demo import load_demo, login_lines
from moselle.assessments import demo as assessment_demo
from moselle.assessments.seeding import seed_interpretations
from moselle.catalogue import demo as catalogue_demo
from moselle.core import taxonomy
from moselle.events import demo as events_demo
from moselle.funding import demo as funding_demo
from moselle.funding.seed import seed_programmes
from moselle.journeys import demo as journey_demo
from moselle.network import demo as network_demo
from moselle.organisations import actions, catalogue_import, demo
from moselle.pilots import demo as pilots_demo
from moselle.reporting import demo as reporting_demo
from moselle.reporting import regulations as reporting_regulations
from moselle.reporting.models import Regulation
from moselle.skills import demo as skills_demo


class Command(BaseCommand):
    help = (
        "Seed the instance's own hub (L-DIH), its six services, its targets and the taxonomy. With --demo, "
        "also a believable Luxembourg demo hub and one demo user per role. Idempotent."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo",
            action="store_true",
            help="Also load the demo: L-DIH's partners, invented companies and providers, and the demo people.",
        )
        parser.add_argument(
            "--demo-seed",
            type=int,
            default=None,
            help=f"The seed the invented organisations are made from (default {demo.DEFAULT_SEED}); "
            "the same seed gives the same rows.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["demo_seed"] is not None and not options["demo"]:
            raise CommandError("--demo-seed goes with --demo.")
        started = time.perf_counter()
        with transaction.atomic():
            hub, created = actions.hub_seed()
            loaded = taxonomy.seed_taxonomy()
            texts = seed_interpretations()
            reporting_regulations.sync(Regulation)
            programmes = seed_programmes()
        self.stdout.write(f"Seeded hub {hub.edih_name}: {created} new rows. Taxonomy: {loaded.summary()}.")
        self.stdout.write(f"Funding programmes: {programmes} new.")
        self.stdout.write(f"Maturity band interpretations: {texts} new.")
        for kind, counts in catalogue_import.seed_catalogues().items():
            done = ", ".join(f"{what} {count}" for what, count in sorted(counts.items())) or "already imported"
            self.stdout.write(f"Catalogue {kind}: {done}.")
        if not options["demo"]:
            return
        seed = demo.DEFAULT_SEED if options["demo_seed"] is None else options["demo_seed"]
        report = demo.load_demo_registry(seed=seed)
        for line in report.lines():
            self.stdout.write(line)
        for line in login_lines(load_demo()):
            self.stdout.write(line)
        self.stdout.write(assessment_demo.load_demo_assessments(seed=seed).line())
        self.stdout.write(catalogue_demo.load_demo_catalogue(seed=seed).line())
        self.stdout.write(journey_demo.load_demo_journeys(seed=seed).line())
        self.stdout.write(reporting_demo.load_demo_reporting(seed=seed).line())
        self.stdout.write(events_demo.load_demo_events(seed=seed).line())
        self.stdout.write(skills_demo.load_demo_skills(seed=seed).line())
        self.stdout.write(pilots_demo.load_demo_pilots(seed=seed).line())
        self.stdout.write(funding_demo.load_demo_funding().line())
        self.stdout.write(network_demo.load_demo_network().line())
        self.stdout.write(f"Seed with demo done in {time.perf_counter() - started:.1f} s.")
