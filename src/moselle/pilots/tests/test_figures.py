"""Test before invest in the hub's KPIs, computed by hand on a small world around today (T).

Period P = T-60 .. T-1; the period before it, P0 = T-150 .. T-61.
Companies A (Atelier Moselle) and B (Boulangerie Schmit); D, a demo company. Partners: the Institute (I, does the
work, owns the HPC facility) and the University (U, advises).

X1  A, partners I and U: started T-30, go on T-10, signed off on T-5; 300 units used in the period from T-30.
X2  B, partner I only: started T-20, no go on T-3, not signed off; 50 units used from T-15, and a booking from
    T-12 with no usage recorded.
X3  A, partners I and U: started T-100, go on T-70, signed off on T-2; 200 units used from T-100.
X4  A, still in scoping: nothing.
X5  A, partners I and U, stopped in execution; started T-40, 25 units used from T-40.
D1  D, partners I and U, a demo project: started T-10, go on T-5, signed off on T-4; 70 units used from T-10.

In P:  pilots_started 3 (X1, X2, X5); pilots_completed 2 (X1, X3); pilots_go 1 (X1); organisations_piloting
       2 (A, B); projects_using_facilities 3 (X1, X2, X5; X2's booking without usage adds nothing).
  with U: started 2 (X1, X5), completed 2 (X1, X3), go 1 (X1), organisations 1 (A), using facilities 2.
  demo instance: started 4, completed 3, go 2, organisations 3, using facilities 4 (D1 is of a demo company).
In P0: started 1 (X3), completed 0, go 1 (X3), organisations 1 (A), using facilities 1 (X3).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from moselle.accounts.models import User
from moselle.organisations.models import Organisation
from moselle.pilots import actions
from moselle.pilots.models import Booking, Facility, Project, Stage
from moselle.pilots.tests.conftest import MoveTo, an_organisation, decide
from moselle.reporting import kpis
from moselle.reporting.kpis import Filters, Period

pytestmark = pytest.mark.django_db
CODES = ("pilots_started", "pilots_completed", "pilots_go", "organisations_piloting", "projects_using_facilities")


@dataclass
class World:
    today: date
    period: Period
    before: Period
    projects: dict[str, Project] = field(default_factory=dict)


def figures(period: Period, filters: Filters = kpis.NO_FILTERS) -> tuple[Any, ...]:
    """The five figures, read through the registered KPI sources."""
    found = []
    for code in CODES:
        source = kpis.source(code)
        assert source is not None, f"{code} is not registered"
        found.append(source.compute(period, filters))
    return tuple(found)


def _day(today: date, days_ago: int) -> date:
    return today - timedelta(days=days_ago)


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


@pytest.fixture
def world(
    advisor: User,
    company: Organisation,
    company_member: User,
    other_company: Organisation,
    institute: Organisation,
    make_user: Callable[..., User],
    make_project: Callable[..., Project],
    move_to: MoveTo,
    facility: Facility,
) -> World:
    today = timezone.localdate()
    found = World(
        today=today,
        period=Period(start=_day(today, 60), end=_day(today, 1)),
        before=Period(start=_day(today, 150), end=_day(today, 61)),
    )
    demo_company = an_organisation("Demo Works", is_demo=True)
    signatories = {company.pk: company_member, demo_company.pk: make_user("company_member", demo_company)}

    def pilot(
        name: str,
        organisation: Organisation,
        started: int,
        used: list[tuple[int | None, int]],
        decision: tuple[str, int] | None = None,
        signed: int | None = None,
        only_institute: bool = False,
    ) -> Project:
        """A project through the real actions, its dates then moved into the past."""
        project = make_project(organisation=organisation, title=name, aid_amount="0", aid_basis="none")
        if only_institute:
            actions.partner_save(
                actor=advisor, project=project, data={"organisation": institute.pk, "role": "performs"}
            )
        move_to(project, Stage.EXECUTION)
        for units, days_ago in used:
            (booking,) = actions.book(
                actor=advisor, project=project, facility=facility, data={"units": units or 10, "starts_on": today}
            )
            if units is not None:
                actions.usage_record(actor=advisor, booking=booking, used=units)
            Booking.objects.filter(pk=booking.pk).update(period_start=_day(today, days_ago))
        if decision is not None:
            move_to(project, Stage.DECISION)
            verdict, decided = decision
            decide(advisor, project, decision=verdict)
            Project.objects.filter(pk=project.pk).update(decided_on=_day(today, decided))
            if signed is not None:
                actions.sign_off(actor=signatories[organisation.pk], project=project)
                Project.objects.filter(pk=project.pk).update(signed_off_at=_moment(_day(today, signed)))
        Project.objects.filter(pk=project.pk).update(started_on=_day(today, started))
        found.projects[name] = project
        return project

    pilot("X1", company, 30, [(300, 30)], ("go", 10), signed=5)
    pilot("X2", other_company, 20, [(50, 15), (None, 12)], ("no_go", 3), only_institute=True)
    pilot("X3", company, 100, [(200, 100)], ("go", 70), signed=2)
    found.projects["X4"] = make_project(title="X4")
    actions.project_stop(actor=advisor, project=pilot("X5", company, 40, [(25, 40)]), reason="The line was sold.")
    # A project opened through the actions for a demo company: the company's flag keeps it out of live figures.
    pilot("D1", demo_company, 10, [(70, 10)], ("go", 5), signed=4)
    return found


def test_the_pilot_figures_count_what_happened_in_the_period(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    assert figures(world.period) == (3, 2, 1, 2, 3)
    assert figures(world.before) == (1, 0, 1, 1, 1)


def test_the_partner_filter_keeps_the_projects_it_takes_part_in(
    world: World, settings: Any, institute: Organisation, university: Organisation, other_company: Organisation
) -> None:
    settings.MOSELLE_DEMO = False
    assert figures(world.period, Filters(partner_id=university.pk)) == (2, 2, 1, 1, 2)
    assert figures(world.period, Filters(partner_id=institute.pk)) == (3, 2, 1, 2, 3)
    assert figures(world.period, Filters(partner_id=other_company.pk)) == (0, 0, 0, 0, 0)


def test_the_category_filter_keeps_them_under_test_before_invest(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    assert figures(world.period, Filters(category="test_before_invest")) == (3, 2, 1, 2, 3)
    for other in ("skills_and_training", "support_to_find_investments", "ecosystem_and_networking"):
        assert figures(world.period, Filters(category=other)) == (0, 0, 0, 0, 0)


def test_demo_projects_count_on_the_demo_instance_only(world: World, settings: Any) -> None:
    settings.MOSELLE_DEMO = True
    assert figures(world.period) == (4, 3, 2, 3, 4)


def test_the_figures_are_registered_with_their_units(db: Any) -> None:
    registered = {source.code: source for source in kpis.sources()}
    assert {code: (registered[code].unit, registered[code].suppressible) for code in CODES} == {
        "pilots_started": ("projects", False),
        "pilots_completed": ("projects", False),
        "pilots_go": ("projects", False),
        "organisations_piloting": ("organisations", True),
        "projects_using_facilities": ("projects", False),
    }


def test_a_figure_moves_when_a_project_starts(advisor: User, make_project: Any, move_to: MoveTo, settings: Any) -> None:
    settings.MOSELLE_DEMO = False
    today = timezone.localdate()
    this_week = Period(start=today - timedelta(days=6), end=today)
    assert figures(this_week)[:2] == (0, 0)
    move_to(make_project(), Stage.EXECUTION)
    assert figures(this_week) == (1, 0, 0, 1, 0)
