"""Training in the hub's KPIs, computed by hand on a small world around today (T):

Period P = T-60 .. T+30.
S1  the aided course (provider P1), days T-20 and T-19: Anna and Marc of Atelier (A), Jo of Boulangerie (B);
    Anna and Jo attend both days and complete on T-19; Marc never comes.
S2  an unaided course (provider P2), days T-11 and T-10: Lea of A attends and completes on T-10.
S3  the aided course, days T-100 and T-99 (held before P): Kim of B completes on T-50 (in P), Tom of A
    on T-99 (before P).
S4  the aided course, days T-16 and T-15, cancelled: never counted.
S5  the unaided course, days T-6 and T-5, a demo session: Zed of a demo company attends and completes on
    T-5; counted only on the demo instance.
S6  the aided course, days T+10 and T+11: in P, but not held yet.
W   a training event that is no course's session, held on T-30: not a course session.

training_sessions 2 (S1, S2); training_participants 3 (Anna, Jo, Lea); course_completions 4 (Anna, Jo, Lea,
Kim); organisations_trained 2 (A, B).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.events import actions as events
from moselle.events.models import Event, Registration
from moselle.organisations.models import Organisation, OrganisationKind
from moselle.reporting import kpis
from moselle.reporting.kpis import Filters, Period
from moselle.skills import actions, figures
from moselle.skills.models import Course, CourseSession
from moselle.skills.tests.conftest import a_company, course_data, into_the_past, session_data

pytestmark = pytest.mark.django_db
CODES = ("training_sessions", "training_participants", "course_completions", "organisations_trained")


@dataclass
class World:
    today: date
    period: Period
    providers: dict[str, Organisation] = field(default_factory=dict)
    sessions: dict[str, CourseSession] = field(default_factory=dict)


def figures_for(period: Period, filters: Filters = kpis.NO_FILTERS) -> tuple[int, int, int, int]:
    return (
        figures.sessions_held(period, filters),
        figures.participants(period, filters),
        figures.completions(period, filters),
        figures.organisations_trained(period, filters),
    )


def _session(advisor: Any, course: Course, **more: Any) -> CourseSession:
    return actions.session_create(actor=advisor, course=course, data=session_data(capacity=10, **more))


def _enrol(advisor: Any, session: CourseSession, organisation: Organisation, *names: str) -> list[Registration]:
    people = [{"name": name, "email": f"{name.lower()}@example.org"} for name in names]
    return actions.enrol(actor=advisor, session=session, organisation=organisation, people=people)


def _attend_and_complete(advisor: Any, session: CourseSession, registration: Registration, on: date | None) -> None:
    for day in session.event.sessions.all():
        events.mark_presence(actor=advisor, registration=registration, session=day, present=True)
    if on is not None:
        actions.completion_record(actor=advisor, registration=registration, completed_on=on)


@pytest.fixture
def world(advisor: Any, course: Course, company: Organisation, other_company: Organisation) -> World:
    today = timezone.localdate()
    found = World(today=today, period=Period(start=today - timedelta(days=60), end=today + timedelta(days=30)))
    second_provider = Organisation.objects.create(name="Academy of the Greater Region", country="FR")
    OrganisationKind.objects.create(organisation=second_provider, kind=Organisation.Kind.TRAINER)
    found.providers = {"P1": course.offer.provider, "P2": second_provider}
    unaided_offer = make_offer(
        second_provider,
        status=Offer.Status.PUBLISHED,
        kind=Offer.Kind.TRAINING,
        category="skills_and_training",
        title={"en": "Data for managers"},
    )
    unaided = actions.course_save(
        actor=advisor,
        offer=unaided_offer,
        data=course_data(aid_per_participant="0", aid_scheme="", skills=["data analytics"]),
    )
    demo_company = a_company("Demo Works", is_demo=True)

    s1 = found.sessions["S1"] = _session(advisor, course)
    anna, _marc = _enrol(advisor, s1, company, "Anna", "Marc")
    (jo,) = _enrol(advisor, s1, other_company, "Jo")
    into_the_past(s1, days_ago=19)
    _attend_and_complete(advisor, s1, anna, today - timedelta(days=19))
    _attend_and_complete(advisor, s1, jo, today - timedelta(days=19))

    s2 = found.sessions["S2"] = _session(advisor, unaided)
    (lea,) = _enrol(advisor, s2, company, "Lea")
    into_the_past(s2, days_ago=10)
    _attend_and_complete(advisor, s2, lea, today - timedelta(days=10))

    s3 = found.sessions["S3"] = _session(advisor, course)
    (kim,) = _enrol(advisor, s3, other_company, "Kim")
    (tom,) = _enrol(advisor, s3, company, "Tom")
    into_the_past(s3, days_ago=99)
    _attend_and_complete(advisor, s3, kim, today - timedelta(days=50))
    _attend_and_complete(advisor, s3, tom, today - timedelta(days=99))

    s4 = found.sessions["S4"] = _session(advisor, course)
    _enrol(advisor, s4, company, "Ulla")
    events.event_cancel(actor=advisor, event=s4.event)
    into_the_past(s4, days_ago=15)

    s5 = found.sessions["S5"] = _session(advisor, unaided)
    Event.objects.filter(pk=s5.event_id).update(is_demo=True)
    (zed,) = _enrol(advisor, s5, demo_company, "Zed")
    into_the_past(s5, days_ago=5)
    _attend_and_complete(advisor, s5, zed, today - timedelta(days=5))

    found.sessions["S6"] = _session(advisor, course, days=10)

    workshop_day = (today + timedelta(days=5)).isoformat()
    other = events.event_create(
        actor=advisor,
        data={
            "kind": "training",
            "title": {"en": "A training that is no course"},
            "venue": "Belval",
            "sessions": [{"day": workshop_day, "starts": "09:00", "ends": "12:00"}],
        },
    )
    events.event_publish(actor=advisor, event=other)
    events.register(event_id=other.pk, data={"name": "Walt", "email": "walt@example.org", "accept_terms": True},
                    user=advisor, organisation=company)  # fmt: skip
    other.sessions.update(day=today - timedelta(days=30))
    walt = other.registrations.get()
    events.mark_presence(actor=advisor, registration=walt, session=other.sessions.get(), present=True)
    return found


def test_the_training_figures_count_what_was_held_attended_and_completed_in_the_period(
    world: World, settings: Any
) -> None:
    settings.MOSELLE_DEMO = False
    assert figures_for(world.period) == (2, 3, 4, 2)
    today = world.today
    # The first day decides: S1 (T-20, T-19) is held in a period from T-20, not in one from T-19.
    assert figures.sessions_held(Period(start=today - timedelta(days=20), end=today), kpis.NO_FILTERS) == 2
    assert figures_for(Period(start=today - timedelta(days=19), end=today))[:2] == (1, 1)
    # Completions by their date: Anna and Jo on T-19 only; Tom's on T-99, Kim's on T-50.
    assert figures_for(Period(start=today - timedelta(days=19), end=today - timedelta(days=19)))[2:] == (2, 2)
    assert figures_for(Period(start=today - timedelta(days=100), end=today - timedelta(days=61))) == (1, 2, 1, 1)
    # A period to come has nothing held yet, though S6 is planned in it.
    assert figures_for(Period(start=today + timedelta(days=1), end=today + timedelta(days=60))) == (0, 0, 0, 0)


def test_the_category_and_partner_filters_narrow_the_training_figures(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    assert figures_for(world.period, Filters(category="skills_and_training")) == (2, 3, 4, 2)
    for other in ("test_before_invest", "support_to_find_investments", "ecosystem_and_networking"):
        assert figures_for(world.period, Filters(category=other)) == (0, 0, 0, 0)
    # P1 provides the aided course: S1 (Anna, Jo) and Kim's completion of S3.
    assert figures_for(world.period, Filters(partner_id=world.providers["P1"].pk)) == (1, 2, 3, 2)
    # P2 provides the unaided one: S2 (Lea of A).
    assert figures_for(world.period, Filters(partner_id=world.providers["P2"].pk)) == (1, 1, 1, 1)
    both = Filters(partner_id=world.providers["P2"].pk, category="test_before_invest")
    assert figures_for(world.period, both) == (0, 0, 0, 0)
    stranger = Organisation.objects.create(name="Nobody trains here", country="LU")
    assert figures_for(world.period, Filters(partner_id=stranger.pk)) == (0, 0, 0, 0)


def test_demo_training_counts_only_on_the_demo_instance(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = True
    assert figures_for(world.period) == (3, 4, 5, 3)
    settings.MOSELLE_DEMO = False
    assert figures_for(world.period) == (2, 3, 4, 2)


def test_the_training_figures_are_kpi_sources_of_the_hub(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    registered = {source.code: source for source in kpis.sources()}
    assert set(CODES) <= set(registered)
    assert registered["organisations_trained"].suppressible
    assert not registered["training_sessions"].suppressible
    assert registered["training_participants"].unit == "people"
    values = {value.code: value.value for value in kpis.compute_all(world.period) if value.code in CODES}
    assert values == dict(zip(CODES, (2, 3, 4, 2), strict=True))
