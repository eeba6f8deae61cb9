"""Demo reporting: a year and a half of the services the hub and its partners delivered to the demo companies.

About two hundred service records over the last eighteen months in the four EDIH categories: webinars, tour
stops, meet-ups and cross-border matchmaking attended by a few companies each; trainings with their attendees;
proofs of concept by the research partners and providers; help to find funding. A priced service is co-funded:
the customer is invoiced half the price and a quarter is aid of national or regional public nature, granted
under de minimis when the hub commits to the service (a day or two before it starts) and linked to the record.
A few companies declare de minimis aid from elsewhere; one group of companies linked by control comes near its
ceiling, so that the ledger warns. A handful of records wait as proposals for the advisor to confirm.

Everything goes through the reporting actions, from the demo seed, in one transaction. The records and grants
carry a ``source_ref`` starting with ``REF``: when one exists the demo is already there and nothing is added.
The newcomer bakery (``FEATURED_NEWCOMER``) is left without services: the walk-through starts it from scratch.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from moselle.accounts.models import User
from moselle.core.models_taxonomy import Technology
from moselle.journeys.demo import ADVISOR
from moselle.organisations import demo as registry_demo
from moselle.organisations.access import own_hub
from moselle.organisations.hubseed import SERVICES
from moselle.organisations.models import (
    EdihCategory,
    HubService,
    Organisation,
    OrganisationTechnology,
    Ownership,
)
from moselle.reporting import actions
from moselle.reporting import ledger as ledgers
from moselle.reporting.models import AidBasis, Grant, ServiceRecord

REF = "demo-reporting:"
SPAN_DAYS = 548  # eighteen months back from today
CENT = Decimal("0.01")
# The share of the ceiling the group of companies linked by control comes to (the ledger warns above 90 %).
NEAR_SHARE = Decimal("0.94")
S = ServiceRecord.Status
K = Organisation.Kind

# The partners of partners.csv that deliver services in the demo.
LIST = "Luxembourg Institute of Science and Technology"
UNIVERSITY = "University of Luxembourg"
FEDIL = "FEDIL"
CHAMBER = "Chambre de Commerce du Grand-Duché de Luxembourg"
LUXPROVIDE = "LuxProvide"
NC3 = "National Cybersecurity Competence Center Luxembourg"
PARTNERS = (LIST, UNIVERSITY, FEDIL, CHAMBER, LUXPROVIDE, NC3, registry_demo.FEATURED_PARTNER)
TRAINER, CONSULTANT = "trainer", "consultant"  # any demo provider of that kind
HUB = ""  # the hub itself delivers
# The EDIH category of each hub service as seeded, for a hub that renamed or removed one of them.
CATEGORIES = {code: str(category) for code, category, _name in SERVICES}

# Topics of the events, with the technologies they are about.
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("AI on the shop floor", ("Artificial Intelligence & Decision support",)),
    ("cybersecurity for manufacturers", ("Cybersecurity",)),
    ("data spaces in industry", ("Big data", "Cloud Services")),
    ("digital twins for small manufacturers", ("Digital twins",)),
    ("HPC for engineering simulations", ("High performance computing", "Simulation engineering and modelling")),
    ("predictive maintenance with IoT", ("Internet of Things", "Sensors & Vision Processing Systems")),
    ("collaborative robots", ("Robotics",)),
    ("additive manufacturing for spare parts", ("Additive manufacturing",)),
)
TOUR_STOPS = ("Grevenmacher", "Wiltz", "Ettelbruck", "Differdange", "Remich", "Echternach", "Mersch")
NEIGHBOUR_HUBS = ("EDIH Saarland", "WalHub", "EDIH Grand Est", "EDIH BIR-MZ-KL")
# Kinds of event: hub service, who delivers, the description, how many of them over the eighteen months.
EVENTS: tuple[tuple[str, str, str, int], ...] = (
    ("awareness", HUB, "L-DIH Talks webinar: {topic}", 6),
    ("awareness", HUB, "DIH on Tour stop in {place}: {topic}", 3),
    ("ecosystem", FEDIL, "Industry 4.0 community meet-up at FEDIL: {topic}", 2),
    ("ecosystem", CHAMBER, "Networking breakfast at the Chamber of Commerce: {topic}", 1),
    ("european_networks", HUB, "Greater Region matchmaking with {hub}: meetings with providers across the border", 3),
)
# Trainings: who gives it, the title, days, price per attendee and day (EUR), technologies.
COURSES: tuple[tuple[str, str, int, int, tuple[str, ...]], ...] = (
    (UNIVERSITY, "Data analytics for production engineers", 3, 450, ("Big data", "BI tools")),
    (NC3, "Cybersecurity basics for SME staff", 1, 300, ("Cybersecurity",)),
    (UNIVERSITY, "Digital twins: from the CAD model to the simulation", 2, 450, ("Digital twins",)),
    (LIST, "Machine vision for quality inspection", 1, 400, ("Sensors & Vision Processing Systems",)),
    (TRAINER, "Introduction to AI for managers", 2, 350, ("Artificial Intelligence & Decision support",)),
    (TRAINER, "Robot programming for operators", 3, 400, ("Robotics",)),
    (TRAINER, "Cloud tools for the office and the shop floor", 1, 250, ("Cloud Services",)),
    (HUB, "Building a digital transformation roadmap (workshop for managers)", 1, 300, ()),
)
SESSIONS = 12
# Test before invest, by technology: what was tested, the price range (EUR) and how long it takes (days).
TESTS: dict[str, tuple[tuple[str, ...], int, int, int, int]] = {
    "Internet of Things": (
        (
            "Proof of concept: machine data from {n} machines collected with IoT sensors",
            "Pilot: energy metering of the compressors and ovens with wireless sensors",
        ),
        12000,
        30000,
        60,
        120,
    ),
    "Artificial Intelligence & Decision support": (
        (
            "Pilot: AI-based visual inspection on one production line",
            "Proof of concept: demand forecasting with machine learning on {n} years of orders",
        ),
        15000,
        45000,
        75,
        150,
    ),
    "Cybersecurity": (
        ("Security test of the production network and a plan for the OT systems",),
        8000,
        20000,
        30,
        60,
    ),
    "Digital twins": (
        ("Digital twin of a production line to test a new layout before investing",),
        25000,
        60000,
        90,
        160,
    ),
    "High performance computing": (
        ("Simulation runs on the MeluXina supercomputer for a new part design",),
        10000,
        30000,
        30,
        90,
    ),
    "Simulation engineering and modelling": (
        ("Simulation of the material flow to size a new storage area",),
        10000,
        25000,
        45,
        90,
    ),
    "Big data": (("Proof of concept: a production dashboard joining ERP and machine data",), 10000, 25000, 45, 100),
    "BI tools": (("Pilot: weekly KPI reports drawn automatically from the ERP",), 6000, 15000, 30, 60),
    "Robotics": (("Test of a collaborative robot for machine tending in the test lab",), 15000, 40000, 45, 120),
    "Additive manufacturing": (("Test print of {n} spare parts by additive manufacturing",), 8000, 20000, 30, 75),
    "Sensors & Vision Processing Systems": (
        ("Trial of a camera system to measure parts at the end of the line",),
        10000,
        25000,
        45,
        90,
    ),
    "Cloud Services": (("Pilot move of the production planning tool to the cloud",), 6000, 15000, 30, 75),
}
TEST_COUNT = 42
# Support to find investments: who helps, what, the price range (0: free) and days.
FUNDING: tuple[tuple[str, str, int, int, int], ...] = (
    (HUB, "Funding check: national and European programmes for the company's digital roadmap", 0, 0, 21),
    (HUB, "Support with the Fit 4 Digital application", 0, 0, 45),
    (HUB, "Partner search and first steps towards an Interreg Greater Region project", 0, 0, 60),
    (CHAMBER, "SME Package Digital: eligibility check and help with the application", 0, 0, 30),
    (CONSULTANT, "Investor-readiness coaching and review of the pitch", 2000, 5000, 60),
    (CONSULTANT, "Business case for the digital investment, prepared for the bank", 1500, 4000, 45),
    (CONSULTANT, "Preparation of an EIC Accelerator short application", 4000, 8000, 75),
)
FUNDING_COUNT = 24
# Aid a company declares from elsewhere: granting body, regulation, amount range (EUR).
DECLARED: tuple[tuple[str, str, int, int], ...] = (
    ("Ministère de l'Économie (SME Package Digital)", "2023/2831", 5000, 17500),
    ("Ministère de l'Économie (Fit 4 Digital)", "2023/2831", 5000, 5000),
    ("Commune {place}", "2023/2831", 1500, 6000),
    ("Ministère de l'Économie (Fit 4 Digital)", "1407/2013", 5000, 5000),
    ("Commune {place}", "1407/2013", 1000, 4000),
)
DECLARING = 8
WEIGHTS = (1, 1, 1, 2, 2, 3, 5)  # how much a company uses the hub: most a little, a few a lot
SATISFACTION = ((5, 40), (4, 38), (3, 15), (2, 5), (1, 2))


@dataclass
class Planned:
    """One service record to write (and its grant when it is aided)."""

    customer: Organisation
    service: str
    description: str
    technologies: tuple[str, ...]
    partner: Organisation | None
    started_on: date
    ended_on: date | None
    attendees: int = 1
    price: Decimal = Decimal("0")
    source: str = ServiceRecord.Source.MANUAL
    status: str = S.ONGOING
    satisfaction: int | None = None
    granted_on: date | None = None  # set when the service is aided

    @property
    def aided(self) -> bool:
        return self.granted_on is not None

    @property
    def aid(self) -> Decimal:
        return (self.price / 4).quantize(CENT) if self.aided else Decimal("0")

    @property
    def invoiced(self) -> Decimal:
        return (self.price / 2).quantize(CENT) if self.aided else self.price


@dataclass
class DemoReporting:
    records: Counter[str] = field(default_factory=Counter)
    proposals: int = 0
    grants: int = 0
    declarations: int = 0
    warnings: int = 0
    group: list[str] = field(default_factory=list)
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "Demo reporting: already there."
        by_category = ", ".join(f"{self.records[value]} {label}" for value, label in EdihCategory.choices)
        group = f"; near its ceiling: {', '.join(self.group)}" if self.group else ""
        return (
            f"Demo reporting: {sum(self.records.values())} service records ({by_category}), {self.proposals} "
            f"proposed, {self.grants} de minimis grants ({self.warnings} near the ceiling), {self.declarations} "
            f"declarations{group}."
        )


class _World:
    """What the plan draws from: the customers, who delivers, the hub's services, the dates."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(f"reporting-{seed}")  # noqa: S311  demo data, not a secret
        self.today = timezone.localdate()
        self.regulation = ledgers.regulation_on(self.today)
        live = Organisation.objects.filter(is_demo=True, merged_into__isnull=True, is_historical=False)
        self.companies = list(
            live.filter(kind_rows__kind=K.COMPANY)
            .exclude(name=registry_demo.FEATURED_NEWCOMER)  # the walk-through starts it from scratch
            .select_related("primary_nace")
            .prefetch_related("kind_rows")
            .distinct()
            .order_by("name", "pk")
        )
        self.public_bodies = list(
            live.filter(kind_rows__kind=K.PUBLIC_BODY)
            .exclude(kind_rows__kind=K.CONSORTIUM_PARTNER)
            .exclude(name=registry_demo.FEATURED_OBSERVER)
            .distinct()
            .order_by("name", "pk")
        )
        self.partners = {o.name: o for o in live.filter(name__in=PARTNERS)}
        self.providers = {
            kind: list(
                live.filter(kind_rows__kind=kind)
                .exclude(pk__in=[o.pk for o in self.partners.values()])
                .distinct()
                .order_by("name", "pk")
            )
            for kind in (TRAINER, CONSULTANT)
        }
        testers = (
            live.filter(kind_rows__kind__in=(K.TECHNOLOGY_PROVIDER, K.TEST_FACILITY, K.RESEARCH_ORGANISATION))
            .exclude(kind_rows__kind=K.COMPANY)
            .distinct()
            .order_by("name", "pk")
        )
        self.testers = list(testers)
        offers = OrganisationTechnology.objects.filter(
            organisation__in=self.testers, role=OrganisationTechnology.Role.OFFER
        ).values_list("organisation_id", "technology__name")
        self.offered: dict[str, list[Organisation]] = {}
        by_pk = {o.pk: o for o in self.testers}
        for pk, name in sorted(offers, key=lambda row: (row[1], by_pk[row[0]].name)):
            self.offered.setdefault(name, []).append(by_pk[pk])
        interests = OrganisationTechnology.objects.filter(
            organisation__in=self.companies, role=OrganisationTechnology.Role.INTEREST
        ).values_list("organisation_id", "technology__name")
        self.interests: dict[int, list[str]] = {}
        for pk, name in sorted(interests):
            self.interests.setdefault(pk, []).append(name)
        self.weights = {c.pk: self.rng.choice(WEIGHTS) for c in self.companies}
        # The company of the demo's company member: its people see a webinar and a training on its page.
        self.featured = next((c for c in self.companies if c.name == registry_demo.FEATURED_COMPANY), None)
        self.group = near_ceiling_group(self.companies)
        for member in self.group:
            self.weights[member.pk] = 6

    def day(self, earliest: int, latest: int) -> date:
        """A working day between ``earliest`` and ``latest`` days ago."""
        day = self.today - timedelta(days=self.rng.randint(latest, earliest))
        while day.weekday() >= 5:
            day -= timedelta(days=1)
        return day

    def companies_for(self, count: int) -> list[Organisation]:
        """``count`` different companies, the ones that use the hub more being drawn more often."""
        pool = list(self.companies)
        chosen: list[Organisation] = []
        while pool and len(chosen) < count:
            pick = self.rng.choices(pool, weights=[self.weights[c.pk] for c in pool])[0]
            chosen.append(pick)
            pool.remove(pick)
        return chosen

    def deliverer(self, who: str) -> Organisation | None:
        if who == HUB:
            return None
        if who in self.providers:
            return self.rng.choice(self.providers[who]) if self.providers[who] else None
        return self.partners.get(who)

    def rating(self, chance: float) -> int | None:
        if self.rng.random() >= chance:
            return None
        return self.rng.choices([r for r, _w in SATISFACTION], weights=[w for _r, w in SATISFACTION])[0]


def near_ceiling_group(companies: Sequence[Organisation]) -> list[Organisation]:
    """The largest group of demo companies linked by control (the registry's parent and subsidiaries), the
    parent first; empty when the registry holds none."""
    by_pk = {c.pk: c for c in companies}
    owners = (
        Ownership.objects.filter(owner_id__in=by_pk, owned_id__in=by_pk)
        .order_by("owner__name", "owner_id")
        .values_list("owner_id", flat=True)
    )
    best: list[Organisation] = []
    for owner in dict.fromkeys(owners):
        members = ledgers.single_undertaking(owner)
        if len(members) > max(len(best), 1) and members <= set(by_pk):
            best = [by_pk[owner], *sorted((by_pk[m] for m in members - {owner}), key=lambda o: (o.name, o.pk))]
    return best


def _eligible(world: _World, customer: Organisation) -> bool:
    """Whether the hub co-funds the customer's services as de minimis aid: SMEs and small mid-caps, not large
    companies (they pay the price) nor a sector the regulation excludes."""
    if customer.size_class == "large" or world.regulation is None:
        return False
    return not ledgers.excluded_sector(customer, world.regulation)


def _finish(world: _World, item: Planned, *, rated: float) -> Planned:
    """Status, rating and aid of a planned service from its dates and price."""
    if item.ended_on is None or item.ended_on >= world.today:
        item.ended_on, item.status = None, S.ONGOING
    elif item.price and (world.today - item.ended_on).days > 30 and world.rng.random() < 0.9:
        item.status = S.INVOICED
    else:
        item.status = S.FINALISED
    if item.status != S.ONGOING:
        item.satisfaction = world.rating(rated)
    if item.price and _eligible(world, item.customer):
        item.granted_on = item.started_on - timedelta(days=world.rng.choice((0, 1, 2, 3, 7, 10, 14)))
    return item


def _events(world: _World) -> list[Planned]:
    planned: list[Planned] = []
    topics = list(TOPICS)
    world.rng.shuffle(topics)
    number = 0
    for service, who, text, count in EVENTS:
        for _ in range(count):
            topic, technologies = topics[number % len(topics)]
            number += 1
            description = text.format(
                topic=topic, place=world.rng.choice(TOUR_STOPS), hub=world.rng.choice(NEIGHBOUR_HUBS)
            )
            day = world.day(SPAN_DAYS, 14)
            partner = world.deliverer(who)
            attendees = world.companies_for(world.rng.randint(3, 7))
            if number == 1 and world.featured is not None and world.featured not in attendees:
                attendees.append(world.featured)
            if service == "awareness" and world.public_bodies and world.rng.random() < 0.5:
                attendees.append(world.rng.choice(world.public_bodies))
            for customer in attendees:
                item = Planned(
                    customer=customer,
                    service=service,
                    description=description,
                    technologies=technologies if service != "european_networks" else (),
                    partner=partner,
                    started_on=day,
                    ended_on=day + timedelta(days=1 if service == "european_networks" else 0),
                    attendees=world.rng.choice((1, 1, 1, 2, 2, 3)),
                    source=ServiceRecord.Source.EVENT,
                )
                planned.append(_finish(world, item, rated=0.5))
    return planned


def _trainings(world: _World) -> list[Planned]:
    planned: list[Planned] = []
    for number in range(SESSIONS):
        who, title, days, per_day, technologies = COURSES[number % len(COURSES)]
        partner = world.deliverer(who)
        start = world.day(SPAN_DAYS, 10)
        customers = world.companies_for(world.rng.randint(3, 6))
        if number == 0 and world.featured is not None and world.featured not in customers:
            customers.append(world.featured)
        for customer in customers:
            staff = world.rng.randint(1, 4)
            item = Planned(
                customer=customer,
                service="skills_training",
                description=f"Training: {title} ({days} day{'s' if days > 1 else ''})",
                technologies=technologies,
                partner=partner,
                started_on=start,
                ended_on=start + timedelta(days=days - 1),
                attendees=staff,
                price=Decimal(per_day * days * staff),
            )
            planned.append(_finish(world, item, rated=0.75))
    return planned


def _tests(world: _World) -> list[Planned]:
    planned: list[Planned] = []
    forced = list(world.group[:2]) * 2  # the group invests heavily: two pilots each for two of its members
    research = [world.partners[n] for n in (LIST, LIST, registry_demo.FEATURED_PARTNER) if n in world.partners]
    for number in range(TEST_COUNT):
        customer = forced[number] if number < len(forced) else world.companies_for(1)[0]
        wanted = [t for t in world.interests.get(customer.pk, []) if t in TESTS]
        technology = world.rng.choice(wanted or list(TESTS))
        texts, low, high, shortest, longest = TESTS[technology]
        # A provider that offers the technology, or the research partner that tests most things.
        candidates = [*world.offered.get(technology, []), *research]
        partner = world.rng.choice(candidates) if candidates else None
        start = world.day(SPAN_DAYS, 7)
        item = Planned(
            customer=customer,
            service="test_before_invest",
            description=world.rng.choice(texts).format(n=world.rng.randint(2, 6)),
            technologies=(technology,),
            partner=partner,
            started_on=start,
            ended_on=start + timedelta(days=world.rng.randint(shortest, longest)),
            price=Decimal(world.rng.randrange(low, high + 1, 500)),
            source=ServiceRecord.Source.PILOT,
        )
        planned.append(_finish(world, item, rated=0.8))
    return planned


def _funding(world: _World) -> list[Planned]:
    planned: list[Planned] = []
    for _ in range(FUNDING_COUNT):
        who, text, low, high, days = world.rng.choice(FUNDING)
        start = world.day(SPAN_DAYS, 5)
        item = Planned(
            customer=world.companies_for(1)[0],
            service="funding",
            description=text,
            technologies=(),
            partner=world.deliverer(who),
            started_on=start,
            ended_on=start + timedelta(days=world.rng.randint(days // 2, days)),
            price=Decimal(world.rng.randrange(low, high + 1, 250) if high else 0),
        )
        planned.append(_finish(world, item, rated=0.6))
    return planned


def _plan(world: _World) -> list[Planned]:
    """Every record, in the order the hub committed to them (a grant, else the start)."""
    planned = [*_events(world), *_trainings(world), *_tests(world), *_funding(world)]
    return sorted(planned, key=lambda p: (p.granted_on or p.started_on, p.started_on, p.customer.name, p.description))


Declared = tuple[Organisation, dict[str, Any]]


def _declared(organisation: Organisation, body: str, regulation: str, amount: Decimal, day: date) -> Declared:
    return organisation, {"granting_body": body, "regulation": regulation, "amount": amount, "granted_on": day}


def _declarations(world: _World, planned: Sequence[Planned]) -> list[Declared]:
    """Aid declared from elsewhere: a few companies the hub aids, and the group brought near its ceiling."""
    group = {m.pk for m in world.group}
    aided = list({p.customer.pk: p.customer for p in planned if p.aided and p.customer.pk not in group}.values())
    found: list[Declared] = []
    for customer in world.rng.sample(aided, k=min(DECLARING, len(aided))):
        body, regulation, low, high = world.rng.choice(DECLARED)
        if regulation == "1407/2013":  # in force until the end of 2023
            day = date(2023, world.rng.randint(3, 11), world.rng.randint(1, 28))
        else:
            day = max(world.day(900, 60), date(2024, 1, 15))
        amount = Decimal(world.rng.randrange(low, high + 1, 500))
        found.append(_declared(customer, body.format(place=_commune(customer)), regulation, amount, day))
    if not world.group or world.regulation is None:
        return found
    # The group: the ministry's aid for new equipment and a commune's aid, then the gross grant equivalent of an
    # investment loan that takes the undertaking to NEAR_SHARE of the ceiling once the hub's grants are counted.
    parent, *others = world.group
    second = others[0] if others else parent
    third = others[1] if len(others) > 1 else second
    fixed = [
        _declared(
            second,
            "Ministère de l'Économie (aid for the modernisation of production equipment)",
            "2023/2831",
            Decimal("95000"),
            world.day(430, 400),
        ),
        _declared(third, f"Commune {_commune(third)}", "2023/2831", Decimal("8000"), world.day(280, 250)),
    ]
    hub_aid = sum((p.aid for p in planned if p.customer.pk in group), Decimal("0"))
    declared = sum((Decimal(data["amount"]) for _organisation, data in fixed), Decimal("0"))
    rest = (world.regulation.ceiling * NEAR_SHARE - hub_aid - declared).quantize(Decimal("1"))
    if rest > 0:
        fixed.append(
            _declared(
                parent,
                "Société Nationale de Crédit et d'Investissement (investment loan, gross grant equivalent)",
                "2023/2831",
                rest,
                max(world.day(800, 760), date(2024, 1, 15)),
            )
        )
    return [*found, *fixed]


def _commune(organisation: Organisation) -> str:
    """The commune of the organisation's locality as a notice names it: "de Wiltz", "d'Ettelbruck"."""
    place = organisation.locality or "Luxembourg"
    return f"d'{place}" if place[0] in "AEIOUÉ" else f"de {place}"


def _proposals(world: _World) -> list[Planned]:
    """What waits for the advisor: a matchmaking day last week, and a pilot the research partner just ended."""
    day = world.day(8, 5)
    hub = NEIGHBOUR_HUBS[0]
    planned = [
        Planned(
            customer=customer,
            service="european_networks",
            description=f"Greater Region matchmaking with {hub}: meetings with providers across the border",
            technologies=(),
            partner=None,
            started_on=day,
            ended_on=day,
            source=ServiceRecord.Source.EVENT,
        )
        for customer in world.companies_for(3)
    ]
    start = world.day(80, 70)
    planned.append(
        Planned(
            customer=world.companies_for(1)[0],
            service="test_before_invest",
            description="Pilot ended: digital twin of the assembly cell, with a report on the layout options",
            technologies=("Digital twins",),
            partner=world.partners.get(registry_demo.FEATURED_PARTNER),
            started_on=start,
            ended_on=world.day(4, 2),
            source=ServiceRecord.Source.PILOT,
        )
    )
    return planned


def load_demo_reporting(*, seed: int = registry_demo.DEFAULT_SEED) -> DemoReporting:
    """Write the demo's service records, grants, declarations and proposals once, all or nothing."""
    report = DemoReporting()
    if (
        ServiceRecord.objects.filter(source_ref__startswith=REF).exists()
        or Grant.objects.filter(source_ref__startswith=REF).exists()
    ):
        report.skipped = True
        return report
    advisor = User.objects.filter(email=ADVISOR).first()
    hub = own_hub()
    if advisor is None or hub is None:
        raise RuntimeError("Load the hub and the demo people before the demo reporting.")
    world = _World(seed)
    if not world.companies:
        return report
    services = {s.code: s for s in HubService.objects.filter(hub=hub)}
    known = set(Technology.objects.values_list("name", flat=True))
    planned = _plan(world)
    with transaction.atomic():
        for organisation, declared in _declarations(world, planned):
            actions.declaration_add(actor=advisor, organisation=organisation, data=declared)
            report.declarations += 1
        for number, item in enumerate(planned, start=1):
            ref = f"{REF}{number:04d}"
            data: dict[str, Any] = {
                "customer": item.customer,
                "hub_service": services.get(item.service),
                "category": services[item.service].category if item.service in services else CATEGORIES[item.service],
                "description": item.description,
                "technologies": [t for t in item.technologies if t in known],
                "partner": item.partner,
                "started_on": item.started_on,
                "ended_on": item.ended_on,
                "attendees": item.attendees,
                "price": item.price,
                "invoiced": item.invoiced,
                "status": item.status,
                "satisfaction": item.satisfaction,
            }
            if item.granted_on is not None:
                grant, warning = actions.grant_record(
                    actor=advisor,
                    organisation=item.customer,
                    amount=item.aid,
                    granted_on=min(item.granted_on, world.today),
                    description=item.description[:300],
                    source_ref=ref,
                )
                report.grants += 1
                report.warnings += bool(warning)
                data.update(
                    aid=item.aid,
                    aid_basis=AidBasis.DE_MINIMIS,
                    aid_info=f"Regulation (EU) {grant.regulation}, notice {grant.number}",
                    grant=grant,
                )
            record = actions.record_create(actor=advisor, data=data, source=item.source, source_ref=ref)
            report.records[record.category] += 1
        for number, item in enumerate(_proposals(world), start=1):
            proposed = actions.record_propose(
                actor=advisor,
                source=item.source,
                customer=item.customer,
                category=CATEGORIES[item.service],
                description=item.description,
                started_on=item.started_on,
                ended_on=item.ended_on,
                partner=item.partner,
                source_ref=f"{REF}proposal-{number}",
            )
            report.proposals += proposed is not None
    report.group = [m.name for m in world.group]
    return report
