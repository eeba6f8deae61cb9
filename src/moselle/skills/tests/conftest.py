"""What the skills tests share: a provider with a published training offer that is a course (intermediate,
two days, aided), a company of the registry with a NACE code, and the hub's advisor.

Dates of sessions are set in the future when enrolling and moved into the past with a plain update when a test
needs days that have happened: the platform never lets anyone mark a day that has not come yet."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from moselle.accounts.models import Role, User
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.models_taxonomy import NaceCode, Skill
from moselle.core.taxonomy import seed_taxonomy
from moselle.events.models import Session
from moselle.organisations.models import Organisation, OrganisationKind
from moselle.skills import actions
from moselle.skills.models import Course, CourseSession


@pytest.fixture
def taxonomy(db: Any) -> None:
    seed_taxonomy()


@pytest.fixture
def advisor(make_user: Any) -> User:
    return make_user(Role.HUB_ADVISOR)


@pytest.fixture
def provider(taxonomy: None) -> Organisation:
    organisation = Organisation.objects.create(name="Trainers of Luxembourg", country="LU")
    OrganisationKind.objects.create(organisation=organisation, kind=Organisation.Kind.TRAINER)
    return organisation


@pytest.fixture
def company(taxonomy: None) -> Organisation:
    nace = NaceCode.objects.filter(revision="2", code="25.62").first()
    organisation = Organisation.objects.create(
        name="Atelier Moselle", country="LU", region="LU00", size_class="small", primary_nace=nace
    )
    OrganisationKind.objects.create(organisation=organisation, kind=Organisation.Kind.COMPANY)
    return organisation


def course_data(**more: Any) -> dict[str, Any]:
    return {
        "level": "intermediate",
        "duration_hours": "14",
        "format": "classroom",
        "language": "fr",
        "price_per_participant": "900",
        "aid_per_participant": "450",
        "aid_scheme": "National training aid",
        "skills": ["cyber security", "identify ICT security risks"],
        "prerequisites": {"en": "Basic IT"},
        "has_assessment": False,
        **more,
    }


@pytest.fixture
def training_offer(provider: Organisation) -> Offer:
    return make_offer(
        provider,
        status=Offer.Status.PUBLISHED,
        kind=Offer.Kind.TRAINING,
        category="skills_and_training",
        title={"en": "Cybersecurity for SMEs", "fr": "Cybersécurité pour PME", "de": "Cybersicherheit für KMU"},
    )


@pytest.fixture
def course(advisor: User, training_offer: Offer) -> Course:
    return actions.course_save(actor=advisor, offer=training_offer, data=course_data())


def session_data(days: int = 14, **more: Any) -> dict[str, Any]:
    first = timezone.localdate() + timedelta(days=days)
    return {
        "venue": "Technoport, Esch-sur-Alzette",
        "capacity": 3,
        "sessions": [
            {"day": first.isoformat(), "starts": "09:00", "ends": "17:00"},
            {"day": (first + timedelta(days=1)).isoformat(), "starts": "09:00", "ends": "17:00"},
        ],
        "publish": True,
        **more,
    }


@pytest.fixture
def make_session(advisor: User, course: Course) -> Callable[..., CourseSession]:
    def make(**more: Any) -> CourseSession:
        return actions.session_create(actor=advisor, course=course, data=session_data(**more))

    return make


@pytest.fixture
def session(make_session: Callable[..., CourseSession]) -> CourseSession:
    return make_session()


def into_the_past(session: CourseSession, days_ago: int = 3) -> None:
    """Move the session's days so that they have happened (the last one ``days_ago`` before today)."""
    days = list(session.event.sessions.order_by("day"))
    last = timezone.localdate() - timedelta(days=days_ago)
    for offset, day in enumerate(reversed(days)):
        Session.objects.filter(pk=day.pk).update(day=last - timedelta(days=offset))


def skill(label: str) -> Skill:
    return Skill.objects.get(label=label)


PEOPLE = [{"name": "Anna Weber", "email": "anna@atelier.lu"}, {"name": "Marc Schmit", "email": "marc@atelier.lu"}]
AID = Decimal("450.00")


# --- Added for the module tests (courses, enrolment, completion, gaps, figures, market) ------------------------


def refused(action: Callable[..., Any], **kwargs: Any) -> dict[str, list[str]]:
    """Call ``action`` expecting a refusal; the messages by field."""
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        action(**kwargs)
    return caught.value.message_dict


def a_company(name: str, **fields: Any) -> Organisation:
    """A company of the registry (kind company), with whatever fields are given."""
    fields.setdefault("country", "LU")
    organisation = Organisation.objects.create(name=name, **fields)
    OrganisationKind.objects.create(organisation=organisation, kind=Organisation.Kind.COMPANY)
    return organisation


@pytest.fixture
def company_member(make_user: Any, company: Organisation) -> User:
    return make_user(Role.COMPANY_MEMBER, company)


@pytest.fixture
def other_company(taxonomy: None) -> Organisation:
    return a_company("Boulangerie Schmit", region="LU00", size_class="micro")


@pytest.fixture
def outsider(make_user: Any, other_company: Organisation) -> User:
    """An active member of another company: no right over ``company`` or the provider."""
    return make_user(Role.COMPANY_MEMBER, other_company)


@pytest.fixture
def provider_member(make_user: Any, provider: Organisation) -> User:
    return make_user(Role.PROVIDER_MEMBER, provider)
