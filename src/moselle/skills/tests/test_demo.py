"""The demo skills: every demo training offer a course, sessions ahead and held, completions in the training
figures, and skills pictures for most demo companies whose market view shows some skills and suppresses
others in every breakdown, never a figure under five; loading again adds nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Count, F, Min
from django.utils import timezone

from moselle.accounts.demo import load_demo
from moselle.assessments import demo as assessment_demo
from moselle.catalogue import demo as catalogue_demo
from moselle.catalogue.models import Offer
from moselle.core.taxonomy import seed_taxonomy
from moselle.events.models import Event, Presence, Registration
from moselle.journeys import demo as journey_demo
from moselle.journeys.models import Activity
from moselle.organisations import demo as registry_demo
from moselle.organisations.actions import hub_seed
from moselle.organisations.models import Organisation
from moselle.reporting.dashboard import default_period
from moselle.reporting.kpis import Filters
from moselle.reporting.models import Grant
from moselle.skills import demo, figures, market
from moselle.skills.models import Completion, Course, CourseSession, RoleSkill, SkillsProfile

R = Registration.Status


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[demo.DemoSkills]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_taxonomy()
            hub_seed()
            load_demo()
            registry_demo.load_demo_registry()
            assessment_demo.load_demo_assessments()
            catalogue_demo.load_demo_catalogue()
            journey_demo.load_demo_journeys()
            yield demo.load_demo_skills()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Course,
            CourseSession,
            Event,
            Registration,
            Presence,
            Completion,
            SkillsProfile,
            RoleSkill,
            Grant,
            Activity,
        )
    }


def test_every_demo_training_offer_is_a_course(loaded: demo.DemoSkills, db: Any) -> None:
    offers = Offer.objects.filter(is_demo=True, kind=Offer.Kind.TRAINING)
    courses = list(Course.objects.select_related("offer").prefetch_related("skills"))
    assert len(courses) == loaded.courses == offers.count() > 30
    aided = [c for c in courses if c.is_aided]
    assert len(aided) == loaded.aided and abs(len(aided) - len(courses) / 3) <= 2
    assert all(
        "National training aid (Luxembourg)" in c.aid_scheme and c.aid_per_participant <= c.price_per_participant
        for c in aided
    )
    assert all(c.skills.exists() for c in courses)
    assert {c.format for c in courses} == set(Course.Format.values) and {c.level for c in courses} >= {1, 2, 3}
    taught = {skill.label for c in courses for skill in c.skills.all()}
    assert not taught & set(demo.NOT_ON_OFFER)


def test_about_half_of_the_courses_have_sessions_ahead_and_a_few_were_held(loaded: demo.DemoSkills, db: Any) -> None:
    today = timezone.localdate()
    sessions = CourseSession.objects.select_related("event", "course__offer").annotate(
        first=Min("event__sessions__day")
    )
    ahead = [s for s in sessions if s.first >= today]
    held = [s for s in sessions if s.first < today]
    assert (len(ahead), len(held)) == (loaded.sessions, loaded.held) and len(held) >= 5
    assert abs(len({s.course_id for s in ahead}) - loaded.courses / 2) <= 2
    for session in ahead:
        event = session.event
        assert event.is_demo and event.status == Event.Status.PUBLISHED and 8 <= (event.capacity or 0) <= 20
        assert session.first <= today + timedelta(days=market.HORIZON_DAYS) and (event.venue or event.online_link)
        assert session.course.offer.status == Offer.Status.PUBLISHED
    assert all(day.weekday() < 5 for s in sessions for day in s.event.sessions.values_list("day", flat=True))
    registrations = Registration.objects.filter(event__course_session__isnull=False)
    assert registrations.count() == loaded.enrolments and set(registrations.values_list("status", flat=True)) == {
        R.CONFIRMED
    }
    assert all(email.endswith(".example") for email in registrations.values_list("email", flat=True))
    assert registrations.filter(event__course_session__in=[s.pk for s in ahead]).exists()
    assert Grant.objects.filter(source=Grant.Source.ENROLMENT).exists()  # aided enrolments ahead


def test_held_sessions_have_presences_completions_and_timelines(loaded: demo.DemoSkills, db: Any) -> None:
    completions = Completion.objects.select_related("session__course", "registration")
    assert completions.count() == loaded.completions >= 10
    for completion in completions:
        days = set(completion.session.event.sessions.values_list("pk", flat=True))
        assert set(completion.registration.presences.values_list("session_id", flat=True)) == days
        assert completion.completed_on < timezone.localdate() and completion.registration.attended_at is not None
    featured = Organisation.objects.get(name=registry_demo.FEATURED_COMPANY)
    assert completions.filter(organisation=featured).exists()
    verbs = set(Activity.objects.filter(organisation=featured).values_list("verb", flat=True))
    assert {"course_enrolled", "course_completed", "training_recorded"} <= verbs
    assert not Activity.objects.filter(verb="course_completed", at__date=timezone.localdate()).exists()


def test_the_training_figures_count_the_demo_on_the_demo_instance_only(
    loaded: demo.DemoSkills, db: Any, settings: Any
) -> None:
    period, filters = default_period(), Filters()
    sources = (figures.sessions_held, figures.participants, figures.completions, figures.organisations_trained)
    settings.MOSELLE_DEMO = False
    assert [source(period, filters) for source in sources] == [0, 0, 0, 0]
    settings.MOSELLE_DEMO = True
    found = [source(period, filters) for source in sources]
    assert found[0] == loaded.held and found[2] == loaded.completions and all(found), found


def test_most_demo_companies_have_a_skills_picture_first_recorded_over_the_last_quarters(
    loaded: demo.DemoSkills, db: Any
) -> None:
    profiles = SkillsProfile.objects.filter(organisation__is_demo=True)
    assert profiles.count() == loaded.profiles >= 40
    assert not profiles.filter(organisation__name=registry_demo.FEATURED_NEWCOMER).exists()
    rows = RoleSkill.objects.all()
    assert rows.count() == loaded.rows and rows.filter(needed__gt=F("current")).count() > rows.count() / 2
    origins = dict(rows.values_list("origin").annotate(n=Count("id")))
    assert origins.get(RoleSkill.Origin.ADDED, 0) >= 20 and origins.get(RoleSkill.Origin.ADJUSTED, 0) >= 5
    quarters = {market.quarter_of(timezone.localdate(at)) for at in rows.values_list("created_at", flat=True)}
    assert len(quarters) >= 6


@pytest.mark.parametrize("breakdown", ["", *market.BREAKDOWNS])
def test_the_market_shows_and_suppresses_skills_and_no_figure_is_under_five(
    loaded: demo.DemoSkills, db: Any, settings: Any, breakdown: str
) -> None:
    settings.MOSELLE_DEMO = True
    result = market.market(breakdown)
    demand = [r for r in result.rows if r.in_demand]
    assert demand and all(r.companies is not None for r in demand)
    assert any(r.not_on_offer for r in demand)
    assert any(r.suppressed and r.courses for r in result.rows), "on offer, fewer than five companies: shown so"
    assert all(r.in_demand or r.courses for r in result.rows)
    figures_shown = [r.companies for r in result.rows] + [c.companies for r in result.rows for c in r.cells]
    assert all(n is None or n >= market.THRESHOLD for n in figures_shown)
    if breakdown:
        assert any(not c.suppressed for r in demand for c in r.cells) and any(
            c.suppressed for r in result.rows for c in r.cells
        )
    lines = market.csv_rows(result)
    for line in lines[1:]:
        for cell in [line[2], *line[7:]]:
            assert not cell.isdecimal() or int(cell) >= market.THRESHOLD, line


def test_the_market_leaves_the_demo_out_elsewhere(loaded: demo.DemoSkills, db: Any, settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    result = market.market()
    assert not [r for r in result.rows if r.in_demand]


def test_loading_again_changes_nothing(loaded: demo.DemoSkills, db: Any) -> None:
    before = counts()
    again = demo.load_demo_skills()
    assert again.skipped and counts() == before
    assert "already there" in again.line() and f"{loaded.courses} courses" in loaded.line()
