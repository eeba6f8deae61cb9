"""What the network's tests share: a few catalogue labels, and hubs of the registry in five countries with the
technologies, services and sectors they declare and at which level.

    EDIH Saarland        DE  EDIH                Robotics 3, Cybersecurity (no level), Prototyping 2, Manufacturing 4
    Cyber Hub Wallonia   BE  EDIH                Cybersecurity 3, Prototyping (no level), Robotics of interest 5
    EDIH Grand Est       FR  Seal of Excellence  Manufacturing (no level)
    Digital Serbia Hub   RS  DIH                 nothing declared
    Swiss Hub            CH  DIH                 nothing declared

with the instance's own hub (L-DIH, LU) seeded by ``hub``. The personas are the root conftest's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from moselle.accounts.models import Role, User
from moselle.core.models_taxonomy import CatalogueSector, CatalogueService, Technology
from moselle.organisations.models import (
    HubProfile,
    Organisation,
    OrganisationKind,
    OrganisationSector,
    OrganisationService,
    OrganisationTechnology,
)

OFFER = OrganisationTechnology.Role.OFFER
INTEREST = OrganisationTechnology.Role.INTEREST


@dataclass
class Labels:
    cyber: Technology
    robotics: Technology
    prototyping: CatalogueService
    manufacturing: CatalogueSector


def make_hub(
    name: str,
    country: str,
    *,
    status: str = Organisation.CatalogueKind.EDIH,
    description: str = "",
    catalogue_ref: str = "",
    technologies: dict[Technology, int | None] | None = None,
    interests: dict[Technology, int | None] | None = None,
    services: dict[CatalogueService, int | None] | None = None,
    sectors: dict[CatalogueSector, int | None] | None = None,
) -> Organisation:
    """A hub of the registry, with the labels it declares (``None``: declared without a level)."""
    hub = Organisation.objects.create(
        name=name,
        country=country,
        catalogue_kind=status,
        description=description,
        catalogue_ref=catalogue_ref,
        catalogue_title=f"{name} title",
    )
    OrganisationKind.objects.create(organisation=hub, kind=Organisation.Kind.HUB)
    for technology, level in (technologies or {}).items():
        OrganisationTechnology.objects.create(organisation=hub, technology=technology, role=OFFER, level=level)
    for technology, level in (interests or {}).items():
        OrganisationTechnology.objects.create(organisation=hub, technology=technology, role=INTEREST, level=level)
    for service, level in (services or {}).items():
        OrganisationService.objects.create(organisation=hub, service=service, level=level)
    for sector, level in (sectors or {}).items():
        OrganisationSector.objects.create(organisation=hub, sector=sector, level=level)
    return hub


@pytest.fixture
def labels(db: Any) -> Labels:
    # Four labels of the catalogue rather than its thousands of seeded rows: the directory needs no more.
    return Labels(
        cyber=Technology.objects.create(name="Cybersecurity", label={"en": "Cybersecurity"}, position=1),
        robotics=Technology.objects.create(name="Robotics", label={"en": "Robotics"}, position=2),
        prototyping=CatalogueService.objects.create(name="Prototyping", label={"en": "Prototyping"}, position=1),
        manufacturing=CatalogueSector.objects.create(name="Manufacturing", label={"en": "Manufacturing"}, position=1),
    )


@pytest.fixture
def hubs(hub: HubProfile, labels: Labels) -> dict[str, Organisation]:
    return {
        "saar": make_hub(
            "EDIH Saarland",
            "DE",
            catalogue_ref="edih-183",
            description="Robots and welding cells for the steel industry; quality audits of production lines.",
            technologies={labels.robotics: 3, labels.cyber: None},
            services={labels.prototyping: 2},
            sectors={labels.manufacturing: 4},
        ),
        "cyber": make_hub(
            "Cyber Hub Wallonia",
            "BE",
            description="Cybersecurity audits, penetration tests and security awareness for SMEs.",
            technologies={labels.cyber: 3},
            interests={labels.robotics: 5},
            services={labels.prototyping: None},
        ),
        "grand_est": make_hub(
            "EDIH Grand Est",
            "FR",
            status=Organisation.CatalogueKind.SEAL,
            catalogue_ref="edih-201",
            sectors={labels.manufacturing: None},
        ),
        "serbia": make_hub("Digital Serbia Hub", "RS", status=Organisation.CatalogueKind.DIH),
        "swiss": make_hub("Swiss Hub", "CH", status=Organisation.CatalogueKind.DIH),
    }


@pytest.fixture
def own(hub: HubProfile) -> Organisation:
    """The instance's own hub's organisation (L-DIH)."""
    return hub.organisation


@pytest.fixture
def staff(personas: Any) -> User:
    advisor: User = personas.hub_advisor
    return advisor


@pytest.fixture
def member(personas: Any) -> User:
    """A company member of organisation A (Alpha Manufacturing)."""
    found: User = personas.a[Role.COMPANY_MEMBER]
    return found


@pytest.fixture
def staff_client(staff: User, client_for: Any) -> Client:
    client: Client = client_for(staff)
    return client


@pytest.fixture
def member_client(member: User, client_for: Any) -> Client:
    client: Client = client_for(member)
    return client
