"""Fixtures for the API fuzz pass: Django's WSGI app inside the test transaction, one bearer token per role,
and the world the fuzzer aims at (a profile with figures, holdings, a contact, an import and a catalogue hub;
A's journey and A's reporting for the operations on them).

The personas, their tokens and the fuzz world are written once per module, inside a transaction that is never
committed (``fuzz_base``); each test runs in a savepoint within it, rolled back after the test as before, so
every test starts from the same rows while the pass no longer writes them again for each of its ~900 tests.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from conftest import Personas, personas_create, user_factory
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from moselle.accounts.models import ApiToken, Role, User
from moselle.organisations.models import Contact, FinancialYear, ImportRun, Organisation, Ownership

SCHEMA_PATH = "/api/v1/openapi.json"


@contextlib.contextmanager
def _requests_keep_the_connection() -> Iterator[None]:
    """Like Django's test client, keep the handler from closing the database connection at the start and end of
    each request: the connection holds the test transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def wsgi_handler() -> Any:
    """Django's WSGI handler, made once: it keeps no state between requests beyond its middleware chain."""
    from django.core.wsgi import get_wsgi_application

    return get_wsgi_application()


@pytest.fixture
def wsgi_app(db: Any, wsgi_handler: Any) -> Iterator[Any]:
    """Django's WSGI handler, serving requests inside the test transaction."""
    with _requests_keep_the_connection():
        yield wsgi_handler


def _role_headers(personas: Personas) -> dict[str, dict[str, str]]:
    """The Authorization header each role sends: a bearer token scoped to the role; none for "anonymous"."""
    from moselle.accounts import actions

    def bearer(user: User, role: str) -> dict[str, str]:
        issued = actions.api_token_create(actor=None, name=f"{role} token", user=user, role=role)
        return {"Authorization": f"Bearer {issued.key}"}

    return {
        "hub_admin": bearer(personas.hub_admin, Role.HUB_ADMIN),
        "hub_advisor": bearer(personas.hub_advisor, Role.HUB_ADVISOR),
        "company_member": bearer(personas.a[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER),
        "provider_member": bearer(personas.a[Role.PROVIDER_MEMBER], Role.PROVIDER_MEMBER),
        "partner_member": bearer(personas.a[Role.PARTNER_MEMBER], Role.PARTNER_MEMBER),
        "observer": bearer(personas.a[Role.OBSERVER], Role.OBSERVER),
        "peer": {"Authorization": f"Bearer {personas.peer_key}"},
        "anonymous": {},
    }


@pytest.fixture
def role_headers(db: Any, fuzz_base: FuzzBase) -> dict[str, dict[str, str]]:
    """The Authorization header each role sends (the tokens are the module's, see ``fuzz_base``)."""
    return fuzz_base.headers


@pytest.fixture
def role_users(db: Any, fuzz_base: FuzzBase) -> dict[str, Any]:
    """The user each role's requests act as, scoped like its token in role_headers; None for "anonymous".

    The fuzz pass asks the access helpers with these which objects a role reaches, to aim at them.
    """

    def scoped(user: User, role: str, organisation_id: int | None = None) -> User:
        fresh = User.objects.get(pk=user.pk)  # the helpers cache roles on the instance
        fresh.token_role = role  # type: ignore[attr-defined]
        fresh.token_organisation_id = organisation_id  # type: ignore[attr-defined]
        return fresh

    personas = fuzz_base.personas
    peer = ApiToken.objects.select_related("user").get(role=ApiToken.PEER)
    return {
        "hub_admin": scoped(personas.hub_admin, Role.HUB_ADMIN),
        "hub_advisor": scoped(personas.hub_advisor, Role.HUB_ADVISOR),
        "company_member": scoped(personas.a[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER),
        "provider_member": scoped(personas.a[Role.PROVIDER_MEMBER], Role.PROVIDER_MEMBER),
        "partner_member": scoped(personas.a[Role.PARTNER_MEMBER], Role.PARTNER_MEMBER),
        "observer": scoped(personas.a[Role.OBSERVER], Role.OBSERVER),
        "peer": scoped(peer.user, ApiToken.PEER, peer.organisation_id),
        "anonymous": None,
    }


@pytest.fixture(scope="session")
def fuzz_taxonomy(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    """The real vocabularies (NACE, catalogue labels, ESCO skills), seeded once for the whole pass.

    Seeding takes about a second, too long for each of the hundreds of tests; the API only reads these
    rows, so they are written outside the test transactions, and removed when the pass ends.
    """
    from moselle.core.models_taxonomy import CatalogueSector, CatalogueService, NaceCode, Skill, SkillGroup, Technology
    from moselle.core.taxonomy import seed_taxonomy

    with django_db_blocker.unblock():
        seed_taxonomy()
    yield
    with django_db_blocker.unblock():
        Skill.objects.all().delete()
        for model in (SkillGroup, NaceCode):  # their parents are protected: unlink, then delete
            model.objects.update(parent=None)
            model.objects.all().delete()
        for label_model in (Technology, CatalogueService, CatalogueSector):
            label_model.objects.all().delete()


# A clean organisations file in the layout people send: the import is checked (a dry run), not committed.
IMPORT_CSV = (
    b"Company name;Country;City;VAT number;Employees;Year\n"
    b"Gamma Services SARL;LU;Luxembourg;LU15027442;8;2023\n"
    b"Delta Analytics SA;LU;Esch-sur-Alzette;;23.5;2023\n"
)


@dataclass(frozen=True)
class FuzzWorld:
    """What the fuzz pass aims its requests at, beyond the personas and their organisations."""

    organisation: Organisation  # organisation A, where the org-level personas are members
    twin: Organisation  # A registered again with the same VAT number: a decisive duplicate of A
    holding: Organisation  # holds 30 % of A's capital
    catalogue_hub: Organisation  # a hub of the European catalogue, with labels and levels
    contact: Contact
    financial_year: FinancialYear
    ownership: Ownership
    import_run: ImportRun  # an organisations file, checked and waiting for its commit
    import_file: bytes  # that file, to upload again
    submitted: Any  # A's T0, submitted and scored
    draft: Any  # A's T1, half filled in
    offers: Any  # A's offers in the catalogue: one published, one draft


def _fuzz_world_create(personas: Personas) -> FuzzWorld:
    """Organisation A with a full profile, figures, a holder and a contact; a catalogue hub; a checked import.

    Everything is written through the actions, as a person would; only the catalogue fields and the hub's
    service and sector levels, which only the catalogue import writes, are set directly (as hub_seed does).
    """
    from moselle.core.models_taxonomy import CatalogueSector, CatalogueService, Technology
    from moselle.organisations import actions, imports
    from moselle.organisations.models import OrganisationSector, OrganisationService, OrganisationTechnology

    admin = personas.hub_admin
    technologies = list(Technology.objects.order_by("position", "id").values_list("name", flat=True)[:3])
    organisation = actions.organisation_update(
        actor=admin,
        organisation=personas.a[Role.COMPANY_MEMBER].memberships.get().organisation,
        data={
            "trade_name": "Alpha",
            "kinds": ["company", "technology_provider"],
            "street": "5, avenue des Hauts-Fourneaux",
            "postcode": "L-4362",
            "locality": "Esch-sur-Alzette",
            "region": "LU00",
            "website": "https://alpha.example.org",
            "working_languages": ["fr", "en"],
            "description": "Precision machining for the automotive industry.",
            "register_id": "B123456",
            "vat": "LU26375245",
            "primary_nace": "25.62",
            "nace_codes": ["25.62", "62.10"],
            "technologies_offered": technologies[:1],
            "technologies_of_interest": technologies[1:],
        },
    )
    twin = actions.organisation_create(
        actor=admin, name="Alpha Manufacturing S.A.", country="LU", details={"vat": "LU26375245"}
    )
    holding = actions.organisation_create(
        actor=admin, name="Fuzz Holding SA", country="LU", details={"kinds": ["company"], "locality": "Luxembourg"}
    )
    ownership = actions.ownership_set(
        actor=admin, owner=holding, owned=organisation, kind="capital", percent="30", dominant_influence=False
    )
    financial_year = actions.financial_year_set(
        actor=admin,
        organisation=organisation,
        year=2023,
        staff="12.5",
        turnover="1250000.00",
        balance_sheet="800000.00",
        source=FinancialYear.FigureSource.ACCOUNTS,
    )
    contact = actions.contact_create(
        actor=admin,
        organisation=organisation,
        data={
            "name": "Marie Weber",
            "role": "managing director",
            "email": "marie.weber@example.org",
            "phone": "+352 621 000 000",
            "preferred_language": "fr",
            "legal_basis": "legitimate_interest",
        },
    )
    catalogue_hub = actions.organisation_create(
        actor=admin,
        name="Digital Innovation Hub Wallonia",
        country="BE",
        source=Organisation.Source.EDIH_CATALOGUE,
        details={
            "kinds": ["hub"],
            "trade_name": "DIH-W",
            "locality": "Namur",
            "website": "https://dih-wallonia.example.org",
            "working_languages": ["fr", "en"],
            "description": "The EDIH of Wallonia.",
            "technologies_offered": technologies,
        },
    )
    Organisation.objects.filter(pk=catalogue_hub.pk).update(
        catalogue_ref="edih-001",
        catalogue_kind=Organisation.CatalogueKind.EDIH,
        catalogue_title="European Digital Innovation Hub of Wallonia",
        catalogue_listed=True,
    )
    OrganisationTechnology.objects.filter(organisation=catalogue_hub).update(level=4)
    OrganisationService.objects.bulk_create(
        OrganisationService(organisation=catalogue_hub, service=service, level=level)
        for level, service in enumerate(CatalogueService.objects.order_by("position", "id")[:2], start=3)
    )
    OrganisationSector.objects.bulk_create(
        OrganisationSector(organisation=catalogue_hub, sector=sector, level=None if level == 1 else level)
        for level, sector in enumerate(CatalogueSector.objects.order_by("position", "id")[:2], start=1)
    )
    catalogue_hub.refresh_from_db()
    import_run = imports.import_check(
        actor=admin, kind=ImportRun.Kind.ORGANISATIONS, filename="organisations.csv", data=IMPORT_CSV, options={}
    )
    assert import_run.report["problems"] == [], import_run.report  # a clean file, so its commit can succeed
    from moselle.catalogue.models import Offer
    from moselle.catalogue.tests.factories import make_offer

    offers = [make_offer(organisation, Offer.Status.PUBLISHED), make_offer(organisation)]
    from moselle.assessments import actions as assessment_actions
    from moselle.assessments.tests.test_flow import full_answers, required_customer

    t0 = assessment_actions.assessment_start(actor=admin, organisation=organisation, stage="T0", mode="advisor")
    t0 = assessment_actions.assessment_save(
        actor=admin, assessment=t0, answers=full_answers(), customer=required_customer(t0)
    )
    assessment_actions.assessment_submit(actor=admin, assessment=t0)
    draft = assessment_actions.assessment_start(actor=admin, organisation=organisation, stage="T1")
    draft = assessment_actions.assessment_save(
        actor=admin, assessment=draft, answers={"q1": {"design": ["invested"]}, "q2": ["funding"]}
    )
    return FuzzWorld(
        organisation=organisation,
        twin=twin,
        holding=holding,
        catalogue_hub=catalogue_hub,
        contact=contact,
        financial_year=financial_year,
        ownership=ownership,
        import_run=import_run,
        import_file=IMPORT_CSV,
        submitted=t0,
        draft=draft,
        offers=offers,
    )


@dataclass(frozen=True)
class FuzzBase:
    """What every test of the pass starts from, written once per module (see ``fuzz_base``)."""

    personas: Personas
    headers: dict[str, dict[str, str]]  # the bearer token each role sends
    world: FuzzWorld
    document: str  # the OpenAPI document, as the WSGI app serves it
    schema: Any  # that document loaded by schemathesis, with the constants it extracted from the app


@pytest.fixture(scope="module")
def fuzz_base(
    django_db_setup: Any,
    django_db_blocker: Any,
    fuzz_taxonomy: None,
    wsgi_handler: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[FuzzBase]:
    """The hub, organisations A and B, the personas, one token per role and the fuzz world, written once.

    Writing them took a tenth of a second or more for each of the hundreds of tests, the same rows each time.
    They are written in a transaction that stays open while the module's tests run and is rolled back at its
    end, never committed: each test runs in a savepoint inside it (pytest-django nests the test's transaction),
    so what a test writes is rolled back after it exactly as before, and the next test sees these rows as they
    were. The settings and language are those the root conftest gives every test.
    """
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.test import override_settings
    from django.utils import translation

    from moselle.matching import engine
    from moselle.organisations.actions import hub_seed

    outer = transaction.atomic()
    with django_db_blocker.unblock():
        # Opened inside a test's transaction, this one would be that test's savepoint and roll back with it.
        assert not connection.in_atomic_block, "fuzz_base must be set up before any test's transaction"
        outer.__enter__()
        try:
            with (
                override_settings(
                    MEDIA_ROOT=tmp_path_factory.mktemp("fuzz-uploads"),
                    MOSELLE_REQUIRE_STAFF_MFA=False,
                    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
                ),
                translation.override("en"),
            ):
                cache.clear()
                engine.reset()
                hub, _created = hub_seed()
                org_a = Organisation.objects.create(name="Alpha Manufacturing", country="LU")
                org_b = Organisation.objects.create(name="Beta Logistics", country="LU")
                personas = personas_create(user_factory(hub), org_a, org_b)
                headers = _role_headers(personas)
                world = _fuzz_world_create(personas)
                base = FuzzBase(personas=personas, headers=headers, world=world, **_openapi(wsgi_handler))
                engine.reset()
                cache.clear()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(*sys.exc_info())
            raise
    try:
        yield base
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def _openapi(handler: Any) -> dict[str, Any]:
    """The OpenAPI document as the WSGI app serves it, read once: building it costs the app a tenth of a second.

    schemathesis also reads the app's source for literals to draw; that depends only on the app, so it is done
    here once too and given to each test's schema (``fuzz_schema``).
    """
    import schemathesis

    with _requests_keep_the_connection():
        schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, handler)
    with contextlib.suppress(ImportError, AttributeError):  # a schemathesis upgrade moved it: each test extracts
        from schemathesis.python._constants.orchestrator import build_constants_pool

        build_constants_pool(schema)
    return {"document": json.dumps(schema.raw_schema), "schema": schema}


@pytest.fixture
def fuzz_schema(wsgi_app: Any, fuzz_base: FuzzBase) -> Any:
    """A fresh schemathesis schema of the served document for each test, as ``from_wsgi`` would load it."""
    import schemathesis
    from schemathesis.specs.openapi._caches import clear_all as clear_schemathesis_caches

    # schemathesis keeps process-wide caches that steer generation; emptied, each test draws the same
    # requests whether it runs alone or after the others.
    clear_schemathesis_caches()
    schema = schemathesis.openapi.from_dict(json.loads(fuzz_base.document))
    schema.app = wsgi_app
    schema.location = SCHEMA_PATH
    if hasattr(schema, "_constants_pool_cache"):
        schema._constants_pool_cache = fuzz_base.schema._constants_pool_cache
    return schema


@pytest.fixture
def fuzz_world(db: Any, fuzz_base: FuzzBase) -> FuzzWorld:
    """The fuzz world (``_fuzz_world_create``), as ``fuzz_base`` wrote it for the module."""
    return fuzz_base.world


@pytest.fixture
def fuzz_personas(db: Any, fuzz_base: FuzzBase) -> Personas:
    """The module's personas loaded afresh for a test, for the worlds it writes: the access helpers cache roles
    on a user instance, and a test's requests may change those roles (rolled back after it)."""
    base = fuzz_base.personas
    people = [base.hub_admin, base.hub_advisor, *base.a.values(), *base.b.values(), base.pending_a, base.plain_a]
    fresh = User.objects.in_bulk([person.pk for person in people])
    return dataclasses.replace(
        base,
        hub_admin=fresh[base.hub_admin.pk],
        hub_advisor=fresh[base.hub_advisor.pk],
        a={role: fresh[user.pk] for role, user in base.a.items()},
        b={role: fresh[user.pk] for role, user in base.b.items()},
        pending_a=fresh[base.pending_a.pk],
        plain_a=fresh[base.plain_a.pk],
    )


@dataclass(frozen=True)
class JourneyWorld:
    """A's journey, for the operations on cases, needs, roadmaps, referrals, the timeline and tasks."""

    case: Any  # A's case at Engage, with needs drafted from its T0 and a roadmap
    referral: Any  # A referred to a provider, with the company's consent
    task: Any  # a task of the hub advisor on A's case


@pytest.fixture
def journey_world(fuzz_personas: Personas, fuzz_world: FuzzWorld) -> JourneyWorld:
    """Made only for the journeys' operations: the others need none of it, and the pass is long enough."""
    from datetime import timedelta

    from django.utils import timezone

    from moselle.journeys import actions as journey_actions
    from moselle.organisations import actions

    admin, advisor = fuzz_personas.hub_admin, fuzz_personas.hub_advisor
    organisation = fuzz_world.organisation
    case = journey_actions.case_open(actor=advisor, organisation=organisation, title="Digital plan", owner=advisor)
    journey_actions.needs_draft(actor=advisor, case=case)
    journey_actions.need_create(actor=advisor, case=case, data={"title": "An online shop", "gap": "40"})
    roadmap = journey_actions.roadmap_draft(actor=advisor, case=case)
    provider = actions.organisation_create(
        actor=admin, name="Fuzz Provider SARL", country="LU", details={"kinds": ["technology_provider"]}
    )
    referral = journey_actions.referral_propose(
        actor=advisor, organisation=organisation, recipient=provider, action=roadmap.actions.first()
    )
    journey_actions.referral_consent(
        actor=fuzz_personas.a[Role.COMPANY_MEMBER], referral=referral, shared=["profile", "need"]
    )
    task = journey_actions.task_create(
        actor=advisor, title="Call back", assignee=advisor, due_on=timezone.localdate() + timedelta(days=7), case=case
    )
    return JourneyWorld(case=case, referral=referral, task=task)


@dataclass(frozen=True)
class ReportingWorld:
    """A's reporting, for the operations on service records, grants, declarations and the ledger."""

    grant: Any  # de minimis aid the hub granted A, still counted
    finalised: Any  # a service A received, finalised, under that grant, delivered by A's partner side
    proposed: Any  # a service another app proposed for A, waiting for the hub to confirm or reject it
    declaration: Any  # de minimis aid A declared from another body
    technology: str  # an EDIH technology's name, for the bodies that name one


@pytest.fixture
def reporting_world(fuzz_personas: Personas, fuzz_world: FuzzWorld) -> ReportingWorld:
    """Made only for reporting's operations, through the reporting actions: four rows, a few milliseconds."""
    from datetime import date

    from moselle.core.models_taxonomy import Technology
    from moselle.reporting import actions

    advisor, organisation = fuzz_personas.hub_advisor, fuzz_world.organisation
    technology = Technology.objects.order_by("position", "id").values_list("name", flat=True).first()
    assert technology, "the fuzz pass runs over the real vocabularies"
    grant, _warning = actions.grant_record(
        actor=advisor,
        organisation=organisation,
        amount="4000.00",
        granted_on=date(2025, 3, 1),
        description="Test before invest: machine vision on the milling line",
    )
    finalised = actions.record_create(
        actor=advisor,
        data={
            "customer": organisation.pk,
            "hub_service": "test_before_invest",
            "description": "Proof of concept of machine vision on the milling line",
            "technologies": [technology],
            "partner": organisation.pk,  # A's partner member logs and changes what A delivered
            "started_on": date(2025, 3, 3),
            "ended_on": date(2025, 4, 30),
            "attendees": 3,
            "price": "8000.00",
            "invoiced": "4000.00",
            "aid": "4000.00",
            "aid_basis": "de_minimis",
            "status": "finalised",
            "satisfaction": 4,
            "grant": grant.pk,
        },
    )
    proposed = actions.record_propose(
        actor=advisor,
        source="event",
        customer=organisation,
        category="skills_and_training",
        description="Attended the workshop on predictive maintenance",
        started_on=date(2025, 5, 20),
    )
    declaration = actions.declaration_add(
        actor=fuzz_personas.a[Role.COMPANY_MEMBER],
        organisation=organisation,
        data={
            "amount": "12000.00",
            "granted_on": date(2024, 9, 16),
            "granting_body": "Ministry of the Economy",
            "regulation": "2023/2831",
        },
    )
    return ReportingWorld(
        grant=grant, finalised=finalised, proposed=proposed, declaration=declaration, technology=technology
    )


@functools.cache
def _moselle_constants() -> Any:
    """The literals in Moselle's own source (not its tests or migrations), in a fixed order."""
    from hypothesis.internal.constants_ast import Constants, _constants_from_source
    from hypothesis.internal.floats import float_to_int
    from sortedcontainers import SortedSet

    import moselle

    constants = Constants(
        integers=SortedSet(), floats=SortedSet(key=float_to_int), bytes=SortedSet(), strings=SortedSet()
    )
    root = Path(moselle.__file__).parent
    for path in sorted(root.rglob("*.py")):
        if {"tests", "migrations"} & set(path.relative_to(root).parts):
            continue
        constants |= _constants_from_source(path.read_bytes(), limit=True)
    return constants


@functools.cache
def _pinned_constants_cache() -> Any:
    """Hypothesis's cache of the constants each kind of draw may take, for the pinned pool only.

    Each entry is computed from the pinned pool and the draw's constraints alone, so it holds for every test;
    computed again for each test it cost a tenth of the pass's generation time.
    """
    from hypothesis.internal.cache import LRUCache

    return LRUCache(4096)


@pytest.fixture
def pinned_hypothesis_constants(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make generation independent of what else pytest imported.

    Hypothesis mixes into its draws the literals of every local module loaded so far, so the same test would
    draw other requests when run alone than in the whole suite. Pin that pool to Moselle's own source, with a
    cache of its own (Hypothesis's fills with the unpinned pool outside these tests). If a Hypothesis upgrade
    moves these internals, generation stays deterministic for a given command line only.
    """
    try:
        from hypothesis.internal.conjecture import providers

        constants = _moselle_constants()
        cache = _pinned_constants_cache()
    except (ImportError, AttributeError):  # pragma: no cover - a Hypothesis upgrade moved the internals
        return
    monkeypatch.setattr(providers, "_get_local_constants", lambda: constants)
    monkeypatch.setattr(providers, "CONSTANTS_CACHE", cache, raising=False)
