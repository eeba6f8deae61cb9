"""The hub's figures computed by hand: a small world of companies, partners, cases, services, grants, ratings
and assessments around the first half of 2025, with the awkward cases the KPI tests look at.

    H1 2025 = 2025-01-01 to 2025-06-30, both included, in the hub's time zone (Europe/Luxembourg).

Companies (none of them demo, except Demo Co):
    Alpha    micro,        LU00, NACE 25.62 (section C)
    Beta     small,        no region (country LU), NACE 62 (section J)
    Gamma    public body,  LU00, no NACE, no size class
    Delta    large,        FRF1, NACE C
    Epsilon  small mid-cap, BE10, no NACE
    Demo Co  a demo organisation (never counted)
Partners who deliver: LIST and FEDIL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from moselle.assessments.models import Assessment, Result
from moselle.core.models_taxonomy import NaceCode
from moselle.journeys.models import Case, Referral, StageMove
from moselle.organisations.models import HubProfile, HubService, HubTarget, Organisation, OrganisationKind
from moselle.reporting.kpis import Period
from moselle.reporting.models import AidBasis, Grant, ServiceRecord

H1 = Period(start=date(2025, 1, 1), end=date(2025, 6, 30))
H2 = Period(start=date(2025, 7, 1), end=date(2025, 12, 31))


def at(day: str, clock: str = "12:00") -> datetime:
    """A moment in the hub's time zone."""
    return timezone.make_aware(datetime.fromisoformat(f"{day}T{clock}"))


@dataclass
class World:
    orgs: dict[str, Organisation] = field(default_factory=dict)
    records: dict[str, ServiceRecord] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)
    services: dict[str, HubService] = field(default_factory=dict)


def organisation(
    name: str, *kinds: str, size: str = "", region: str = "", country: str = "LU", **more: Any
) -> Organisation:
    made = Organisation.objects.create(name=name, size_class=size, region=region, country=country, **more)
    for kind in kinds or ("company",):
        OrganisationKind.objects.create(organisation=made, kind=kind)
    return made


def nace() -> dict[str, NaceCode]:
    def code(value: str, level: int, parent: NaceCode | None) -> NaceCode:
        return NaceCode.objects.create(revision="2", code=value, level=level, parent=parent, title={"en": value})

    c = code("C", 1, None)
    c25 = code("25", 2, c)
    c256 = code("25.6", 3, c25)
    j = code("J", 1, None)
    return {"C": c, "25.62": code("25.62", 4, c256), "62": code("62", 2, j)}


def organisations(world: World) -> None:
    codes = nace()
    world.orgs.update(
        alpha=organisation("Alpha", size="micro", region="LU00", primary_nace=codes["25.62"]),
        beta=organisation("Beta", size="small", primary_nace=codes["62"]),
        gamma=organisation("Gamma", "public_body", region="LU00"),
        delta=organisation("Delta", size="large", region="FRF1", country="FR", primary_nace=codes["C"]),
        epsilon=organisation("Epsilon", size="small_midcap", region="BE10", country="BE"),
        demo=organisation("Demo Co", size="micro", region="LU00", is_demo=True),
        list=organisation("LIST", "research_organisation"),
        fedil=organisation("FEDIL", "consortium_partner"),
    )


def record(world: World, name: str, customer: str, category: str, start: str, end: str | None, **more: Any) -> None:
    service = more.pop("service", None)
    partner = more.pop("partner", None)
    world.records[name] = ServiceRecord.objects.create(
        customer=world.orgs[customer],
        category=category,
        hub_service=world.services[service] if service else None,
        partner=world.orgs[partner] if partner else None,
        description=name,
        started_on=date.fromisoformat(start),
        ended_on=date.fromisoformat(end) if end else None,
        **more,
    )


def service_records(world: World) -> None:
    """Counted in H1: R1, R2, R4, R5, R9, R10 (six services, five customers)."""
    tbi, skills, funding, ecosystem = (
        "test_before_invest",
        "skills_and_training",
        "support_to_find_investments",
        ("ecosystem_and_networking"),
    )
    de_minimis = {"aid_basis": AidBasis.DE_MINIMIS}
    # R1: co-funded: price 10000, invoiced 5000, aid 2500: the aid counts 2500, never 10000 - 5000.
    record(world, "R1", "alpha", tbi, "2025-02-01", "2025-03-31", service="test_before_invest", partner="list",
           price=Decimal("10000"), invoiced=Decimal("5000"), aid=Decimal("2500"), satisfaction=5,
           status="finalised", **de_minimis)  # fmt: skip
    # R2: Alpha again, by another partner, ongoing with no end: one customer, two services.
    record(world, "R2", "alpha", tbi, "2025-03-01", None, service="test_before_invest", partner="fedil")
    # R3: ends the day before H1: not counted (nor its aid or rating).
    record(world, "R3", "beta", skills, "2024-11-01", "2024-12-31", service="skills_training",
           aid=Decimal("700"), price=Decimal("700"), satisfaction=2, **de_minimis)  # fmt: skip
    # R4: starts on H1's last day: counted.
    record(world, "R4", "beta", skills, "2025-06-30", "2025-07-15", service="skills_training", partner="list")
    # R5: started before H1, still ongoing: counted.
    record(world, "R5", "gamma", ecosystem, "2024-12-01", None, service="awareness", satisfaction=2)
    # R6 proposed and R7 rejected: never counted.
    record(world, "R6", "delta", funding, "2025-04-01", "2025-04-02", service="funding", status="proposed",
           aid=Decimal("800"), price=Decimal("800"), satisfaction=1, **de_minimis)  # fmt: skip
    record(world, "R7", "epsilon", funding, "2025-05-01", "2025-05-31", service="funding", partner="fedil",
           status="rejected")  # fmt: skip
    # R8: a demo company: never counted.
    record(world, "R8", "demo", tbi, "2025-02-01", None, service="test_before_invest", satisfaction=1)
    # R9: GBER aid of 1000 on a price of 4000.
    record(world, "R9", "delta", tbi, "2025-05-10", "2025-06-10", service="test_before_invest", partner="list",
           price=Decimal("4000"), invoiced=Decimal("3000"), aid=Decimal("1000"), aid_basis=AidBasis.GBER,
           satisfaction=4, status="invoiced")  # fmt: skip
    # R10: one day, by the hub itself, under no hub service.
    record(world, "R10", "epsilon", skills, "2025-01-15", "2025-01-15")
    # R11: delivered in H2 only, for a grant committed in H1.
    record(world, "R11", "beta", tbi, "2025-09-01", None, service="test_before_invest", partner="fedil")


def grants(world: World) -> None:
    """Granted in H1: G1 (2500) and G2 (3000, for R11 delivered in September)."""

    def grant(name: str, org: str, amount: str, day: str, **more: Any) -> Grant:
        made = Grant.objects.create(
            organisation=world.orgs[org],
            number=name,
            amount=Decimal(amount),
            granted_on=date.fromisoformat(day),
            basis=AidBasis.DE_MINIMIS,
            description=name,
            counted_before=Decimal("0"),
            **more,
        )
        world.grants[name] = made
        return made

    ServiceRecord.objects.filter(pk=world.records["R1"].pk).update(grant=grant("G1", "alpha", "2500", "2025-01-20"))
    ServiceRecord.objects.filter(pk=world.records["R11"].pk).update(grant=grant("G2", "beta", "3000", "2025-06-15"))
    # G3: committed before H1 for R9, delivered in H1: counted in December 2024.
    ServiceRecord.objects.filter(pk=world.records["R9"].pk).update(grant=grant("G3", "delta", "1000", "2024-12-20"))
    grant("G4", "gamma", "400", "2025-03-01", status=Grant.Status.CANCELLED)
    grant("G5", "demo", "999", "2025-02-01")


def referrals(world: World) -> None:
    """Rated and done in H1, not already rated on a record: Ref1 (Beta, 4) only."""

    def referral(org: str, to: str, status: str, satisfaction: int | None, updated: datetime) -> Referral:
        made = Referral.objects.create(
            organisation=world.orgs[org], recipient=world.orgs[to], status=status, satisfaction=satisfaction
        )
        Referral.objects.filter(pk=made.pk).update(updated_at=updated)
        return made

    referral("beta", "list", "done", 4, at("2025-05-05"))
    referral("epsilon", "fedil", "done", 2, at("2024-12-31", "23:30"))  # half an hour before H1
    referral("alpha", "list", "in_progress", 5, at("2025-04-01"))  # not done
    rated_on_record = referral("delta", "list", "done", 1, at("2025-06-01"))  # R9 carries the rating
    ServiceRecord.objects.filter(pk=world.records["R9"].pk).update(referral=rated_on_record)
    referral("demo", "list", "done", 1, at("2025-03-03"))


def cases(world: World) -> None:
    """H1: informed Alpha, Beta, Gamma (3); inspired Alpha, Beta (2); engaged Alpha (1).
    2023-2025: informed also Delta and Epsilon (5); inspired also Delta (3); engaged Alpha (1)."""

    def case(org: str | None, *moves: tuple[str, str, datetime]) -> None:
        opened = Case.objects.create(
            organisation=world.orgs[org] if org else None,
            title="case",
            status=Case.Status.OPEN,
            stage=moves[-1][1],
            stage_changed_at=moves[-1][2],
            origin=Case.Origin.ADVISOR,
        )
        for before, after, moment in moves:
            StageMove.objects.create(case=opened, from_stage=before, to_stage=after, at=moment)

    case("alpha", ("", "inform", at("2025-01-10")), ("inform", "inspire", at("2025-02-01")),
         ("inspire", "engage", at("2025-03-01")))  # fmt: skip
    case("alpha", ("", "inform", at("2025-04-01")))  # a second case: Alpha still counts once
    case("beta", ("", "inform", at("2024-12-01")), ("inform", "inspire", at("2025-02-15")))
    case("gamma", ("", "inform", at("2025-06-30", "23:30")))  # late on H1's last day
    case("delta", ("", "inform", at("2024-11-01")), ("inform", "inspire", at("2024-12-31", "23:59")))
    case("epsilon", ("", "inform", at("2025-07-01", "00:00")))  # the first minute after H1
    case("demo", ("", "inform", at("2025-02-02")))
    case(None, ("", "inform", at("2025-02-03")))  # in triage, no organisation yet


def assessments(world: World) -> None:
    """T1 taken in H1 with a comparable T0: Alpha (re-scored under rule B at both stages) and Epsilon (T1 not
    dated, submitted in H1). Left out: Beta (versions differ), Gamma (T1 without T0), Delta (T1 in 2024), Demo."""

    def assess(org: str, stage: str, version: str, results: dict[str, list[str]], **more: Any) -> None:
        kind = "pso" if org == "gamma" else "sme"
        made = Assessment.objects.create(
            organisation=world.orgs[org],
            questionnaire_type=kind,
            questionnaire_version=version,
            stage=stage,
            status=Assessment.Status.SUBMITTED,
            submitted_at=more.pop("submitted_at", at("2025-01-05")),
            **more,
        )
        for rule, scores in results.items():  # in the order written: the later a re-scoring
            dims = {f"D{i}": score for i, score in enumerate(scores[:6], start=1)}
            Result.objects.create(
                assessment=made,
                organisation=made.organisation,
                questionnaire_type=kind,
                questionnaire_version=version,
                stage=stage,
                rule=rule,
                dimensions=dims,
                overall=Decimal(scores[6]),
                band="average",
            )

    flat = ["20.00"] * 6
    a_t0 = ["40.00", "30.00", "20.00", "50.00", "10.00", "30.00", "30.00"]
    b_t0 = ["42.00", "30.00", "22.00", "50.00", "12.00", "30.00", "31.00"]
    a_t1 = ["60.00", "40.00", "30.00", "55.00", "20.00", "35.00", "40.00"]
    b_t1 = ["61.00", "41.00", "33.00", "56.00", "22.00", "37.00", "41.67"]
    assess("alpha", "T0", "1.0", {"A/exclude": a_t0, "B/exclude": b_t0}, taken_on=date(2024, 10, 1))
    assess("alpha", "T1", "1.0", {"A/exclude": a_t1, "B/exclude": b_t1}, taken_on=date(2025, 4, 10))
    assess("epsilon", "T0", "1.0", {"A/exclude": [*flat, "20.00"]}, taken_on=date(2024, 9, 1))
    epsilon_t1 = ["25.00", "30.00", "20.00", "24.50", "20.00", "23.00", "23.75"]
    assess("epsilon", "T1", "1.0", {"A/exclude": epsilon_t1}, submitted_at=at("2025-02-02"))
    assess("beta", "T0", "1.0", {"A/exclude": a_t0}, taken_on=date(2024, 10, 1))
    assess("beta", "T1", "2.0", {"A/exclude": a_t1}, taken_on=date(2025, 3, 1))
    assess("gamma", "T1", "1.0", {"A/exclude": a_t1}, taken_on=date(2025, 3, 1))
    assess("delta", "T0", "1.0", {"A/exclude": a_t0}, taken_on=date(2024, 1, 10))
    assess("delta", "T1", "1.0", {"A/exclude": a_t1}, taken_on=date(2024, 12, 15))
    assess("demo", "T0", "1.0", {"A/exclude": a_t0}, taken_on=date(2024, 10, 1))
    assess("demo", "T1", "1.0", {"A/exclude": a_t1}, taken_on=date(2025, 3, 1))


def targets(hub: HubProfile) -> None:
    """Besides the seeded three-year targets (informed 250, inspired 125, engaged 72, corridors 15)."""
    HubTarget.objects.create(
        hub=hub, indicator="smes_informed", label={"en": "January"}, value=2,
        period_start=date(2025, 1, 1), period_end=date(2025, 1, 31),
    )  # fmt: skip
    HubTarget.objects.create(
        hub=hub, indicator="smes_inspired", label={"en": "First half"}, value=1,
        period_start=H1.start, period_end=H1.end,
    )  # fmt: skip


@pytest.fixture
def kpi_world(hub: HubProfile) -> World:
    world = World(services={service.code: service for service in HubService.objects.filter(hub=hub)})
    organisations(world)
    service_records(world)
    grants(world)
    referrals(world)
    cases(world)
    assessments(world)
    targets(hub)
    return world
