"""Demo network: EDIH BIR-MZ-KL, the fifth signatory of the Greater Region declaration, missing from the
catalogue export, is added as a hub by hand; L-DIH's Greater Region corridor with the four other signatories
(WalHub edih-192, EDIH-GE edih-201, EDIH Saarland edih-183, BIR-MZ-KL) and a bilateral one, with the joint
events and exchanges of the last months. Through the network's actions, in one transaction; run again, it
finds the corridor and does nothing. Without the catalogue's hubs there is nothing to join."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from moselle.accounts.models import User
from moselle.journeys.demo import ADVISOR
from moselle.network import actions
from moselle.network.models import Collaboration, Corridor
from moselle.organisations import actions as registry_actions
from moselle.organisations.models import Organisation

GREATER_REGION_REFS = ("edih-192", "edih-201", "edih-183")
BIR_MZ_KL = "EDIH BIR-MZ-KL"
CORRIDOR = "Greater Region digital innovation corridor"


@dataclass
class DemoNetwork:
    corridors: int = 0
    collaborations: int = 0
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "Demo network: already there, or no catalogue hubs to join."
        return f"Demo network: {self.corridors} corridors, {self.collaborations} collaborations with other hubs."


def bir_mz_kl(actor: Any) -> Organisation:
    """The hub of Birkenfeld, Mainz and Kaiserslautern (Rhineland-Palatinate), registered by hand."""
    found = Organisation.objects.filter(name=BIR_MZ_KL, merged_into__isnull=True).first()
    if found is not None:
        return found
    return registry_actions.organisation_create(
        actor=actor,
        name=BIR_MZ_KL,
        country="DE",
        details={
            "kinds": ["hub"],
            "region": "DEB3",
            "locality": "Kaiserslautern",
            "description": (
                "European Digital Innovation Hub of Birkenfeld, Mainz and Kaiserslautern, Rhineland-Palatinate; "
                "a signatory of the Greater Region declaration. Not in the 2025 catalogue export: added by hand."
            ),
        },
    )


def load_demo_network() -> DemoNetwork:
    report = DemoNetwork()
    if Corridor.objects.filter(title=CORRIDOR).exists():
        return DemoNetwork(skipped=True)
    hubs = list(
        Organisation.objects.filter(
            catalogue_ref__in=GREATER_REGION_REFS, kind_rows__kind=Organisation.Kind.HUB, merged_into__isnull=True
        ).order_by("catalogue_ref")
    )
    if len(hubs) < len(GREATER_REGION_REFS):
        return DemoNetwork(skipped=True)
    advisor = User.objects.get(email=ADVISOR)
    today = timezone.localdate()
    with transaction.atomic():
        fifth = bir_mz_kl(advisor)
        corridor = actions.corridor_save(
            actor=advisor,
            title=CORRIDOR,
            scope=(
                "The five hubs of the Greater Region declaration refer companies to each other, run joint "
                "matchmaking events and share their test-before-invest facilities."
            ),
            partners=[*hubs, fifth],
            started_on=date(2023, 6, 1),
        )
        walhub = next(hub for hub in hubs if hub.catalogue_ref == "edih-192")
        bilateral = actions.corridor_save(
            actor=advisor,
            title="L-DIH and WalHub: HPC and cybersecurity for manufacturers",
            scope="Shared access to HPC and cyber-range facilities for SMEs on both sides of the border.",
            partners=[walhub],
            started_on=date(2024, 2, 1),
        )
        Corridor.objects.filter(pk__in=[corridor.pk, bilateral.pk]).update(is_demo=True)
        report.corridors = 2
        rows: list[tuple[Corridor | None, str, str, int, list[Organisation]]] = [
            (corridor, Collaboration.Kind.JOINT_EVENT, "Greater Region matchmaking day in Saarbrücken", 150, []),
            (corridor, Collaboration.Kind.EXCHANGE, "Staff exchange on maturity assessments", 95, [fifth]),
            (bilateral, Collaboration.Kind.JOINT_EVENT, "Joint webinar: HPC for small manufacturers", 60, []),
            (bilateral, Collaboration.Kind.EXCHANGE, "Visit of WalHub's cyber range", 20, []),
        ]
        for under, kind, title, days_ago, named in rows:
            day = today - timedelta(days=days_ago)
            if under is not None and day < under.started_on:
                continue
            collaboration = actions.collaboration_record(
                actor=advisor, kind=kind, title=title, happened_on=day, hubs=named, corridor=under
            )
            Collaboration.objects.filter(pk=collaboration.pk).update(is_demo=True)
            report.collaborations += 1
    return report
