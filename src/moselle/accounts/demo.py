"""Demo people and organisations: one user per role, flagged as demo, created reproducibly."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from moselle.accounts import actions
from moselle.accounts.models import Membership, Role, User
from moselle.organisations.access import own_hub
from moselle.organisations.actions import organisation_create
from moselle.organisations.models import Organisation

DEMO_PASSWORD = "moselle-demo-2026"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    organisation: str | None  # None: the hub's own organisation
    org_admin: bool = False
    status: str = Membership.Status.ACTIVE
    language: str = "en"


DEMO_PEOPLE = [
    DemoPerson("manager@demo.moselle.lu", "Marie Weber", Role.HUB_ADMIN, None, True),
    DemoPerson("advisor@demo.moselle.lu", "Luc Schmit", Role.HUB_ADVISOR, None, language="fr"),
    DemoPerson(
        "partner@demo.moselle.lu",
        "Anna Muller",
        Role.PARTNER_MEMBER,
        "Institut de recherche (démo)",
        True,
        language="de",
    ),
    DemoPerson(
        "company@demo.moselle.lu", "Paul Hoffmann", Role.COMPANY_MEMBER, "Précision Mosellane SARL (démo)", True
    ),
    DemoPerson("provider@demo.moselle.lu", "Sofia Rossi", Role.PROVIDER_MEMBER, "DataWerk Analytics (demo)", True),
    DemoPerson("observer@demo.moselle.lu", "Jean Klein", Role.OBSERVER, "Ministère de l'Économie (démo)"),
    DemoPerson(
        "pending@demo.moselle.lu",
        "Nora Becker",
        Role.COMPANY_MEMBER,
        "Précision Mosellane SARL (démo)",
        status=Membership.Status.PENDING,
    ),
]


def load_demo() -> list[DemoPerson]:
    """Create the demo rows that are missing; running it twice changes nothing."""
    hub = own_hub()
    if hub is None:
        raise RuntimeError("Run the seed command before the demo.")
    with transaction.atomic():
        for person in DEMO_PEOPLE:
            user = User.objects.filter(email=person.email).first()
            if user is None:
                user = actions.user_create_verified(
                    actor=None,
                    email=person.email,
                    password=DEMO_PASSWORD,
                    full_name=person.full_name,
                    language=person.language,
                    is_demo=True,
                    django_admin=person.role == Role.HUB_ADMIN,
                )
            if person.organisation is None:
                organisation = hub.organisation
            else:
                organisation = Organisation.objects.filter(name=person.organisation).first() or organisation_create(
                    actor=None, name=person.organisation, country="LU", is_demo=True
                )
            if not Membership.objects.filter(user=user, organisation=organisation, role=person.role).exists():
                actions.membership_create(
                    actor=None,
                    user=user,
                    organisation=organisation,
                    role=person.role,
                    status=person.status,
                    is_org_admin=person.org_admin,
                )
    return DEMO_PEOPLE
