"""Test before invest in the hub's KPIs (registered with ``reporting.kpis`` when the app is ready):

- ``pilots_started``: projects that passed into the proof of concept or pilot on a day in the period;
- ``pilots_completed``: projects whose outcome the company signed off on a day in the period;
- ``pilots_go``: go decisions taken in the period (the company decided to invest further);
- ``organisations_piloting``: the distinct companies whose project started in the period (hidden from
  observers when it counts one to four);
- ``projects_using_facilities``: the distinct projects that used a facility (units used recorded above zero) in
  a period of the facility beginning in the period (core-hours, GPU-hours and lab days are not added together).

Demo projects (and projects of demo organisations) count only on the demo instance. The category filter keeps
them under Test before invest; the partner filter keeps the projects that partner takes part in. The tables read
are watched (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from moselle.organisations.models import EdihCategory
from moselle.pilots.models import Booking, Project
from moselle.reporting.kpis import Filters, KpiSource, Period


def _projects(filters: Filters) -> QuerySet[Project] | None:
    if filters.category and filters.category != EdihCategory.TEST_BEFORE_INVEST:
        return None
    projects = Project.objects.all()
    if not settings.MOSELLE_DEMO:
        projects = projects.filter(is_demo=False, organisation__is_demo=False)
    if filters.partner_id:
        projects = projects.filter(partners__organisation_id=filters.partner_id)
    return projects


def started(period: Period, filters: Filters) -> QuerySet[Project] | None:
    projects = _projects(filters)
    if projects is None:
        return None
    return projects.filter(started_on__gte=period.start, started_on__lte=period.end)


def pilots_started(period: Period, filters: Filters) -> int:
    found = started(period, filters)
    return 0 if found is None else found.values("pk").distinct().count()


def pilots_completed(period: Period, filters: Filters) -> int:
    projects = _projects(filters)
    if projects is None:
        return 0
    return (
        projects.filter(
            status=Project.Status.COMPLETED,
            signed_off_at__date__gte=period.start,
            signed_off_at__date__lte=period.end,
        )
        .values("pk")
        .distinct()
        .count()
    )


def pilots_go(period: Period, filters: Filters) -> int:
    projects = _projects(filters)
    if projects is None:
        return 0
    return (
        projects.filter(decision=Project.Decision.GO, decided_on__gte=period.start, decided_on__lte=period.end)
        .values("pk")
        .distinct()
        .count()
    )


def organisations_piloting(period: Period, filters: Filters) -> int:
    found = started(period, filters)
    if found is None:
        return 0
    return found.values("organisation").distinct().count()


def projects_using_facilities(period: Period, filters: Filters) -> int:
    projects = _projects(filters)
    if projects is None:
        return 0
    return (
        Booking.objects.filter(
            project__in=projects.values("pk"),
            status=Booking.Status.BOOKED,
            used__gt=0,
            period_start__gte=period.start,
            period_start__lte=period.end,
        )
        .values("project")
        .distinct()
        .count()
    )


SOURCES = (
    KpiSource("pilots_started", _("Proofs of concept and pilots started"), pilots_started, "projects", False),
    KpiSource("pilots_completed", _("Proofs of concept and pilots completed"), pilots_completed, "projects", False),
    KpiSource("pilots_go", _("Go decisions after a pilot"), pilots_go, "projects", False),
    KpiSource(
        "organisations_piloting",
        _("Organisations testing before investing"),
        organisations_piloting,
        "organisations",
        True,
    ),
    KpiSource(
        "projects_using_facilities",
        _("Projects that used a test facility"),
        projects_using_facilities,
        "projects",
        False,
    ),
)

__all__ = [
    "SOURCES",
    "organisations_piloting",
    "pilots_completed",
    "pilots_go",
    "pilots_started",
    "projects_using_facilities",
    "started",
]
