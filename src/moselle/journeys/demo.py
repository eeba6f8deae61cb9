"""Demo journeys: the featured company's case at Engage with needs drafted from its assessment, an agreed
roadmap and a referral under way to the featured provider; cases at every funnel stage for the companies
that were assessed; requests waiting for triage; tasks and timeline entries for the demo advisor.
Written through the actions, reproducible from the demo seed, and loaded only once."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from moselle.accounts.models import User
from moselle.assessments.models import Assessment
from moselle.catalogue.models import Offer
from moselle.journeys import actions
from moselle.journeys.models import Case, Referral, Stage
from moselle.organisations import demo as registry_demo
from moselle.organisations.models import Organisation, OrganisationTechnology

ADVISOR = "advisor@demo.moselle.lu"
COMPANY = "company@demo.moselle.lu"
PROVIDER = "provider@demo.moselle.lu"
# Invented requests for help, as the website's form receives them.
REQUESTS = (
    {
        "name": "Marc Lenert",
        "email": "marc.lenert@example.org",
        "organisation_name": "Pâtisserie Lenert (démo)",
        "country": "LU",
        "message": "Nous voudrions vendre nos gâteaux en ligne et gérer les commandes de nos trois boutiques.",
        "categories": ["test_before_invest"],
        "heard_from": "event",
    },
    {
        "name": "Tom Weis",
        "email": "tom.weis@example.org",
        "organisation_name": "Weis Logistik (demo)",
        "country": "DE",
        "message": "Wir möchten unsere Lagerverwaltung digitalisieren und suchen einen Partner in der Großregion.",
        "categories": ["ecosystem_and_networking"],
        "heard_from": "partner",
    },
    {
        "name": "Sara Lopes",
        "email": "sara.lopes@example.org",
        "organisation_name": "Lopes Architects (demo)",
        "country": "LU",
        "message": "Our staff need training in BIM and cloud collaboration tools.",
        "categories": ["skills_and_training"],
        "heard_from": "search",
    },
)
STAGES = (Stage.INFORM, Stage.INSPIRE, Stage.ENGAGE)
TITLES = (
    "Digital maturity follow-up",
    "Data and cybersecurity plan",
    "Automation on the shop floor",
    "Online sales and customer data",
    "Green digitalisation",
)


@dataclass
class DemoJourneys:
    cases: int = 0
    requests: int = 0
    referrals: int = 0
    skipped: bool = False

    def line(self) -> str:
        if self.skipped:
            return "Demo journeys: already there."
        return (
            f"Demo journeys: {self.cases} cases, {self.requests} requests waiting for triage, "
            f"{self.referrals} referrals."
        )


def load_demo_journeys(*, seed: int = registry_demo.DEFAULT_SEED) -> DemoJourneys:
    report = DemoJourneys()
    if Case.objects.filter(organisation__is_demo=True).exists():
        report.skipped = True
        return report
    advisor = User.objects.filter(email=ADVISOR).first()
    company_member = User.objects.filter(email=COMPANY).first()
    provider_member = User.objects.filter(email=PROVIDER).first()
    if advisor is None or company_member is None or provider_member is None:
        raise RuntimeError("Load the demo people before the demo journeys.")
    rng = random.Random(f"journeys-{seed}")  # noqa: S311  demo data, not a secret
    with transaction.atomic():
        _featured(report, advisor, company_member, provider_member)
        assessed = (
            Organisation.objects.filter(
                is_demo=True, assessments__status=Assessment.Status.SUBMITTED, kind_rows__kind="company"
            )
            .exclude(name__in=(registry_demo.FEATURED_COMPANY, registry_demo.FEATURED_NEWCOMER))
            .distinct()
            .order_by("name")
        )
        for number, organisation in enumerate(assessed[:12]):
            stage = STAGES[number % len(STAGES)]
            case = actions.case_open(actor=advisor, organisation=organisation, title=rng.choice(TITLES), owner=advisor)
            report.cases += 1
            if stage != Stage.INFORM:
                actions.case_move(actor=advisor, case=case, stage=Stage.INSPIRE)
            if stage == Stage.ENGAGE:
                actions.needs_draft(actor=advisor, case=case)
                actions.roadmap_draft(actor=advisor, case=case)
            if number % 4 == 0:
                actions.activity_log(
                    actor=advisor,
                    organisation=organisation,
                    kind="call",
                    summary="First call: the company's priorities and the hub's services.",
                )
        for data in REQUESTS:
            actions.intake_submit(actor=None, data={**data, "privacy_notice": True}, language="en")
            report.requests += 1
        actions.task_create(
            actor=advisor,
            title="Prepare the workshop on data spaces",
            assignee=advisor,
            due_on=timezone.localdate() + timedelta(days=5),
        )
    return report


def _featured(report: DemoJourneys, advisor: User, company_member: User, provider_member: User) -> None:
    """The spine for the featured company: case at Engage, needs, an agreed roadmap, a referral under way."""
    company = registry_demo.featured_organisation(registry_demo.FEATURED_COMPANY)
    provider = registry_demo.featured_organisation(registry_demo.FEATURED_PROVIDER)
    case = actions.case_open(
        actor=advisor, organisation=company, title="Roadmap to the next maturity band", owner=advisor
    )
    report.cases += 1
    actions.case_move(actor=advisor, case=case, stage=Stage.INSPIRE)
    actions.activity_log(
        actor=advisor, organisation=company, kind="meeting", summary="Kick-off at the plant with the managers."
    )
    if actions.latest_result(company) is None:
        return
    actions.needs_draft(actor=advisor, case=case)
    roadmap = actions.roadmap_draft(actor=advisor, case=case)
    actions.roadmap_agree(actor=company_member, roadmap=roadmap)
    # Refer the action the provider is best placed for: the one sharing most technologies with what it offers.
    offered = set(
        provider.technology_rows.filter(role=OrganisationTechnology.Role.OFFER).values_list("technology_id", flat=True)
    )
    offered |= set(
        Offer.objects.filter(provider=provider, status=Offer.Status.PUBLISHED).values_list("technologies", flat=True)
    )
    candidates = list(roadmap.actions.prefetch_related("technologies").order_by("position", "id"))
    if not candidates:
        return
    action = max(candidates, key=lambda a: (len({t.pk for t in a.technologies.all()} & offered), -a.position))
    offer = (
        Offer.objects.filter(
            provider=provider, status=Offer.Status.PUBLISHED, technologies__in=action.technologies.all()
        )
        .order_by("id")
        .first()
    )
    referral = actions.referral_propose(
        actor=advisor,
        organisation=company,
        recipient=provider,
        action=action,
        offer=offer,
        note="A first proof of concept on the plant's data, as agreed in the roadmap.",
    )
    actions.referral_consent(
        actor=company_member,
        referral=referral,
        shared=[Referral.Share.PROFILE, Referral.Share.CONTACT, Referral.Share.NEED, Referral.Share.ASSESSMENT],
    )
    actions.referral_move(actor=provider_member, referral=referral, status=Referral.Status.ACCEPTED)
    actions.referral_move(actor=provider_member, referral=referral, status=Referral.Status.IN_PROGRESS)
    report.referrals += 1
    actions.task_create(
        actor=advisor,
        title="Check how the proof of concept goes",
        assignee=advisor,
        due_on=timezone.localdate() + timedelta(days=14),
        case=case,
    )
