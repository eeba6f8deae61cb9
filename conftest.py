"""Shared test base: the seeded hub, two organisations A and B, and a persona for every role."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from moselle.accounts import actions
from moselle.accounts.models import ApiToken, Membership, Role, User
from moselle.organisations.actions import hub_seed
from moselle.organisations.models import HubProfile, Organisation


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``postgres`` are deselected (not skipped) when the database is SQLite."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    kept = [item for item in items if item.get_closest_marker("postgres") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """With MOSELLE_FORBID_SKIPS set (CI does), a skipped test fails the run: nothing hides."""
    import os

    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("MOSELLE_FORBID_SKIPS") and skipped:
        print(f"\n{len(skipped)} test(s) skipped; CI forbids skips.")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(autouse=True)
def _uploads_in_tmp(settings: Any, tmp_path: Any) -> None:
    from django.utils import translation

    translation.activate("en")  # a request of an earlier test may have left another language active
    settings.MEDIA_ROOT = tmp_path / "uploads"
    settings.MOSELLE_REQUIRE_STAFF_MFA = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """The test database rolls back under the cache, and the figures' version with it: a number seen by an
    earlier test may come back with other data, so every test starts with an empty cache."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fresh_matching_index() -> Iterator[None]:
    """The matching engine keeps one index per process; the test database rolls back (and ids come back)
    under it, so every test starts from an empty one."""
    from moselle.matching import engine

    engine.reset()
    yield
    engine.reset()


@pytest.fixture
def hub(db: Any) -> HubProfile:
    # The hub alone: the taxonomy's thousands of rows are seeded only by the tests that need them.
    hub_profile, _created = hub_seed()
    return hub_profile


@pytest.fixture
def org_a(db: Any) -> Organisation:
    return Organisation.objects.create(name="Alpha Manufacturing", country="LU")


@pytest.fixture
def org_b(db: Any) -> Organisation:
    return Organisation.objects.create(name="Beta Logistics", country="LU")


MakeUser = Callable[..., User]


def user_factory(hub: HubProfile) -> MakeUser:
    """The maker behind ``make_user``, for fixtures of a wider scope too: numbered users, with a role if asked."""
    counter = {"n": 0}

    def make(
        role: str | None = None,
        organisation: Organisation | None = None,
        *,
        status: str = Membership.Status.ACTIVE,
        org_admin: bool = False,
        email: str | None = None,
        language: str = "en",
    ) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            email or f"person{counter['n']}@example.org",
            "correct-horse-battery",
            full_name=f"Person {counter['n']}",
            language=language,
        )
        if role is not None:
            target = (
                hub.organisation
                if role in (Role.HUB_ADMIN, Role.HUB_ADVISOR) and organisation is None
                else organisation
            )
            assert target is not None, "give an organisation for this role"
            actions.membership_create(
                actor=None, user=user, organisation=target, role=role, status=status, is_org_admin=org_admin
            )
        return user

    return make


@pytest.fixture
def make_user(db: Any, hub: HubProfile) -> MakeUser:
    return user_factory(hub)


@dataclass
class Personas:
    """One user per role in organisation A, the same in B, a pending member and a peer token."""

    hub_admin: User
    hub_advisor: User
    a: dict[str, User]
    b: dict[str, User]
    pending_a: User
    plain_a: User  # an active company member of A who is not an organisation admin
    peer_key: str


ORG_ROLES = (Role.COMPANY_MEMBER, Role.PROVIDER_MEMBER, Role.PARTNER_MEMBER, Role.OBSERVER)


def personas_create(make_user: MakeUser, org_a: Organisation, org_b: Organisation) -> Personas:
    """The personas, made with ``make_user`` in A and B; for fixtures of a wider scope too."""
    a = {role: make_user(role, org_a, org_admin=role != Role.OBSERVER) for role in ORG_ROLES}
    b = {role: make_user(role, org_b, org_admin=role != Role.OBSERVER) for role in ORG_ROLES}
    peer_org = Organisation.objects.create(name="Peer Hub", country="FR")
    peer_user = actions.peer_account_for(actor=None, organisation=peer_org)
    issued = actions.api_token_create(
        actor=None, name="peer", user=peer_user, role=ApiToken.PEER, organisation=peer_org
    )
    return Personas(
        hub_admin=make_user(Role.HUB_ADMIN),
        hub_advisor=make_user(Role.HUB_ADVISOR),
        a=a,
        b=b,
        pending_a=make_user(Role.COMPANY_MEMBER, org_a, status=Membership.Status.PENDING),
        plain_a=make_user(Role.COMPANY_MEMBER, org_a, email="plain-member@example.org"),
        peer_key=issued.key,
    )


@pytest.fixture
def personas(make_user: MakeUser, org_a: Organisation, org_b: Organisation, hub: HubProfile) -> Personas:
    return personas_create(make_user, org_a, org_b)


@pytest.fixture
def client_for() -> Callable[[User | None], Client]:
    def make(user: User | None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def token_for(db: Any) -> Callable[[User, str], str]:
    def make(user: User, role: str) -> str:
        return actions.api_token_create(actor=None, name=f"{role} token", user=user, role=role).key

    return make
