"""What the pilots' tests share: a company of the registry (Atelier Moselle), two partners (the Institute, a
research organisation that owns the HPC facility and does the work, and the University, which advises), the
Institute's published HPC offer with its facility (1000 core-hours a month), a pilot in scoping with 10,000 EUR
of de minimis aid, and one person per side: the hub's advisor, a member of the company, a member of each
partner, and an outsider (a member of another company).

``move_to`` takes a project to a stage through the real actions, adding on the way only what each gate asks
for and the project lacks: a success criterion, the two partners with their budgets (18,000 and 2,000 EUR)
unless a partner already does the work, a milestone owed by the partner who does the work, the milestones done
before the decision. Dates are today's: a test that needs events in the past moves the rows with a plain
``QuerySet.update`` afterwards. ``decide`` records the results and a go; ``a_roadmap`` gives the company a
roadmap through the journeys' actions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.models_taxonomy import Technology
from moselle.journeys import actions as journeys
from moselle.journeys.models import Roadmap
from moselle.organisations.models import Organisation, OrganisationKind
from moselle.pilots import actions
from moselle.pilots.models import STAGES, Facility, Partner, Project, Stage

HPC = "High performance computing"
AI = "Artificial Intelligence & Decision support"
INSTITUTE_BUDGET = Decimal("18000.00")
UNIVERSITY_BUDGET = Decimal("2000.00")
AID = Decimal("10000.00")
PDF = b"%PDF-1.7\n%a scope of work\n"

MoveTo = Callable[[Project, str], Project]


def refused(action: Callable[..., Any], **kwargs: Any) -> dict[str, list[str]]:
    """Call ``action`` expecting a refusal; the messages by field."""
    with pytest.raises(ValidationError) as caught:
        action(**kwargs)
    return caught.value.message_dict


def an_organisation(name: str, *kinds: str, **fields: Any) -> Organisation:
    """An organisation of the registry of the given kinds (a company unless told)."""
    fields.setdefault("country", "LU")
    organisation = Organisation.objects.create(name=name, **fields)
    for kind in kinds or (Organisation.Kind.COMPANY,):
        OrganisationKind.objects.create(organisation=organisation, kind=kind)
    return organisation


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def upload(name: str = "scope.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- The world -------------------------------------------------------------------------------------------------


@pytest.fixture
def technologies(db: Any) -> list[Technology]:
    """The two technologies the tests name (the whole taxonomy is not needed)."""
    return [
        Technology.objects.get_or_create(name=name, defaults={"label": {"en": name}, "position": position})[0]
        for position, name in enumerate((HPC, AI))
    ]


@pytest.fixture
def advisor(make_user: Callable[..., User]) -> User:
    return make_user(Role.HUB_ADVISOR)


@pytest.fixture
def company(technologies: list[Technology]) -> Organisation:
    return an_organisation("Atelier Moselle", region="LU00", size_class="small")


@pytest.fixture
def institute(db: Any) -> Organisation:
    """Does the work and owns the HPC facility."""
    return an_organisation(
        "Luxembourg Institute of Science and Technology",
        Organisation.Kind.RESEARCH_ORGANISATION,
        Organisation.Kind.TEST_FACILITY,
    )


@pytest.fixture
def university(db: Any) -> Organisation:
    """Advises."""
    return an_organisation("University of Luxembourg", Organisation.Kind.RESEARCH_ORGANISATION)


@pytest.fixture
def other_company(db: Any) -> Organisation:
    return an_organisation("Boulangerie Schmit", size_class="micro")


@pytest.fixture
def company_member(make_user: Callable[..., User], company: Organisation) -> User:
    return make_user(Role.COMPANY_MEMBER, company)


@pytest.fixture
def partner_member(make_user: Callable[..., User], institute: Organisation) -> User:
    """A member of the Institute: the performing partner and the facility's owner."""
    return make_user(Role.PARTNER_MEMBER, institute)


@pytest.fixture
def university_member(make_user: Callable[..., User], university: Organisation) -> User:
    return make_user(Role.PARTNER_MEMBER, university)


@pytest.fixture
def outsider(make_user: Callable[..., User], other_company: Organisation) -> User:
    """An active member of another company: no right over the project, the partners or the facility."""
    return make_user(Role.COMPANY_MEMBER, other_company)


# --- The facility --------------------------------------------------------------------------------------------


def facility_data(**more: Any) -> dict[str, Any]:
    """An HPC system of 1000 core-hours a month, available from a year ago on."""
    today = timezone.localdate()
    return {
        "kind": "hpc",
        "unit": "core_hours",
        "capacity": 1000,
        "period": "month",
        "access_conditions": {"en": "Academic and SME projects; data stays in Luxembourg."},
        "available_from": first_of_month(today - timedelta(days=365)).isoformat(),
        "available_until": "",
        "open_weekdays": "",
        "price_per_unit": "0.05",
        **more,
    }


def a_facility_offer(provider: Organisation, status: str = Offer.Status.PUBLISHED, **more: Any) -> Offer:
    more.setdefault("title", {"en": "HPC time for SMEs", "fr": "Du temps de calcul pour les PME"})
    more.setdefault("kind", Offer.Kind.TEST_FACILITY)
    return make_offer(provider, status=status, category="test_before_invest", **more)


@pytest.fixture
def facility_offer(institute: Organisation) -> Offer:
    return a_facility_offer(institute)


@pytest.fixture
def facility(advisor: User, facility_offer: Offer) -> Facility:
    return actions.facility_save(actor=advisor, offer=facility_offer, data=facility_data())


# --- Projects ----------------------------------------------------------------------------------------------


def project_data(**more: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "kind": "pilot",
        "title": "Predictive maintenance on the press line",
        "technologies": [HPC],
        "scope": "Train a failure model on two years of the press line's sensor data on the Institute's HPC.",
        "objectives": "Show that failures can be told a day ahead.",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=120)).isoformat(),
        "aid_amount": str(AID),
        "aid_basis": "de_minimis",
        **more,
    }


@pytest.fixture
def make_project(advisor: User, company: Organisation) -> Callable[..., Project]:
    def make(organisation: Organisation | None = None, **more: Any) -> Project:
        return actions.project_create(actor=advisor, organisation=organisation or company, data=project_data(**more))

    return make


@pytest.fixture
def project(make_project: Callable[..., Project]) -> Project:
    """A pilot in scoping, with nothing agreed yet."""
    return make_project()


def add_partners(advisor: User, project: Project, institute: Organisation, university: Organisation) -> None:
    """The Institute does the work (18,000 EUR), the University advises (2,000 EUR); those already there stay."""
    present = set(project.partners.values_list("organisation_id", flat=True))
    for organisation, role, budget in (
        (institute, Partner.Role.PERFORMS, INSTITUTE_BUDGET),
        (university, Partner.Role.ADVISES, UNIVERSITY_BUDGET),
    ):
        if organisation.pk not in present:
            actions.partner_save(
                actor=advisor,
                project=project,
                data={"organisation": organisation.pk, "role": role, "budget": str(budget)},
            )


@pytest.fixture
def move_to(advisor: User, institute: Organisation, university: Organisation) -> MoveTo:
    """Take a project to ``stage`` through the real gates, giving it what each gate needs on the way."""

    def prepare(project: Project, stage: str) -> None:
        if stage in (Stage.FEASIBILITY, Stage.EXECUTION) and not project.criteria.exists():
            actions.criterion_save(
                actor=advisor,
                project=project,
                data={"text": "Failures told a day ahead", "target": "8 out of 10"},
            )
        if stage == Stage.EXECUTION and not project.partners.filter(role=Partner.Role.PERFORMS).exists():
            add_partners(advisor, project, institute, university)
        if stage == Stage.EXECUTION and not project.milestones.exists():
            owner = project.partners.filter(role=Partner.Role.PERFORMS).values_list("organisation_id", flat=True)[0]
            actions.milestone_save(
                actor=advisor,
                project=project,
                data={
                    "title": "Model trained",
                    "kind": "deliverable",
                    "due_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
                    "owner": owner,
                },
            )
        if stage == Stage.DECISION:
            for milestone in project.milestones.filter(done_on__isnull=True):
                actions.milestone_done(actor=advisor, milestone=milestone)

    def move(project: Project, stage: str) -> Project:
        target = STAGES.index(stage)
        project.refresh_from_db()
        while STAGES.index(project.stage) < target:
            following = project.next_stage
            assert following is not None
            prepare(project, following)
            actions.gate_pass(actor=advisor, project=project, to_stage=following, reason=f"Ready for {following}")
            project.refresh_from_db()
        return project

    return move


def results_for_all(advisor: User, project: Project, met: bool = True) -> None:
    """A result against every success criterion (the project is in evaluation or at its decision)."""
    for criterion in project.criteria.all():
        actions.criterion_result(
            actor=advisor, criterion=criterion, data={"result": "9 out of 10 failures told ahead", "met": met}
        )


def decide(advisor: User, project: Project, **more: Any) -> Project:
    """Record the results and a go (the project is at its decision)."""
    results_for_all(advisor, project)
    return actions.decision_record(
        actor=advisor,
        project=project,
        data={"decision": "go", "decision_reason": "The model works on the line's data.", **more},
    )


def a_roadmap(advisor: User, organisation: Organisation) -> Roadmap:
    """A roadmap for the company through the journeys' actions: a case, one need, the draft."""
    case = journeys.case_open(actor=advisor, organisation=organisation, title="Digital plan", owner=advisor)
    journeys.need_create(actor=advisor, case=case, data={"title": "Maintenance without surprises", "gap": 40})
    return journeys.roadmap_draft(actor=advisor, case=case)
