"""A course from its details to a completed participant: enrolment by the hub, the aid granted, days
attended, the completion, the proposed service record with its price and aid, and the company's timeline."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moselle.events import actions as events
from moselle.events.models import Registration
from moselle.journeys.models import Activity
from moselle.reporting.models import Grant, ServiceRecord
from moselle.skills import actions
from moselle.skills.tests.conftest import AID, PEOPLE, into_the_past

pytestmark = pytest.mark.django_db


def test_an_enrolment_by_the_hub_is_confirmed_and_grants_the_aid(advisor: Any, company: Any, session: Any) -> None:
    registrations = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE)
    assert [r.status for r in registrations] == [Registration.Status.CONFIRMED] * 2
    assert all(r.organisation == company for r in registrations)
    grants = Grant.objects.filter(organisation=company, source=Grant.Source.ENROLMENT, status=Grant.Status.GRANTED)
    assert sorted(g.amount for g in grants) == [AID, AID]
    assert Activity.objects.filter(organisation=company, verb="course_enrolled").count() == 1


def test_attending_every_day_and_completing_proposes_the_service_record(
    advisor: Any, company: Any, session: Any
) -> None:
    first, second = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE)
    into_the_past(session)
    days = list(session.event.sessions.order_by("day"))
    for day in days:
        events.mark_presence(actor=advisor, registration=first, session=day, present=True)
    events.mark_presence(actor=advisor, registration=second, session=days[0], present=True)
    record = ServiceRecord.objects.get(customer=company, source=ServiceRecord.Source.EVENT)
    assert record.category == "skills_and_training"
    assert record.attendees == 2
    assert record.price == Decimal("1800.00")
    assert record.aid == Decimal("900.00")
    assert record.grant is not None and record.grant.source == Grant.Source.ENROLMENT

    completion = actions.completion_record(actor=advisor, registration=first)
    assert completion.organisation == company
    with pytest.raises(ValidationError) as refused:
        actions.completion_record(actor=advisor, registration=second)
    assert "did not attend every day" in str(refused.value)
    verbs = set(Activity.objects.filter(organisation=company).values_list("verb", flat=True))
    assert {"course_enrolled", "course_completed", "training_recorded", "event_attended"} <= verbs


def test_a_full_session_refuses_the_whole_enrolment(advisor: Any, company: Any, make_session: Any) -> None:
    session = make_session(capacity=1)
    with pytest.raises(ValidationError) as refused:
        actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE)
    assert "people" in refused.value.message_dict
    assert not Registration.objects.filter(event=session.event).exists()
    assert not Grant.objects.filter(organisation=company).exists()


def test_a_cancelled_enrolment_releases_its_aid(advisor: Any, company: Any, session: Any) -> None:
    (registration,) = actions.enrol(actor=advisor, session=session, organisation=company, people=PEOPLE[:1])
    token = events.links.issue(
        purpose=events.CANCEL, payload={"registration": registration.pk}, email=registration.email, days=1
    )
    events.cancel_by_link(token=token.token)
    grant = Grant.objects.get(source_ref=f"enrolment-{registration.pk}")
    assert grant.status == Grant.Status.CANCELLED
