"""Demo people: one user per role, flagged as demo, created reproducibly.

Their organisations are the demo registry's featured ones (organisations/demo.py): found by name, or
created with the same profile, so the people land in the same place whether ``seed --demo`` ran first
or only this.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from moselle.accounts import actions
from moselle.accounts.models import Membership, Role, User
from moselle.organisations.access import own_hub
from moselle.organisations.demo import (
    FEATURED_COMPANY,
    FEATURED_NEWCOMER,
    FEATURED_OBSERVER,
    FEATURED_PARTNER,
    FEATURED_PROVIDER,
    featured_organisation,
)

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
        FEATURED_PARTNER,
        True,
        language="de",
    ),
    DemoPerson("company@demo.moselle.lu", "Paul Hoffmann", Role.COMPANY_MEMBER, FEATURED_COMPANY, True),
    DemoPerson("bakery@demo.moselle.lu", "Claire Reuter", Role.COMPANY_MEMBER, FEATURED_NEWCOMER, True),
    DemoPerson("provider@demo.moselle.lu", "Sofia Rossi", Role.PROVIDER_MEMBER, FEATURED_PROVIDER, True),
    DemoPerson("observer@demo.moselle.lu", "Jean Klein", Role.OBSERVER, FEATURED_OBSERVER),
    DemoPerson(
        "pending@demo.moselle.lu",
        "Nora Becker",
        Role.COMPANY_MEMBER,
        FEATURED_COMPANY,
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
                organisation = featured_organisation(person.organisation)
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


def login_lines(people: list[DemoPerson]) -> list[str]:
    """The demo log-ins as ``make run`` prints them."""
    lines = [f"Demo log-ins (password for all: {DEMO_PASSWORD}):"]
    for person in people:
        note = " (pending approval)" if person.status == Membership.Status.PENDING else ""
        lines.append(f"  {person.role:<16} {person.email}{note}")
    return lines
