"""Test before invest in the hub's KPIs (registered with ``reporting.kpis`` when the app is ready):

- ``pilots_started``: projects that passed into the proof of concept or pilot on a day in the period;
- ``pilots_completed``: projects whose outcome the company signed off on a day in the period;
- ``pilots_go``: go decisions taken in the period (the company decided to invest further);
- ``organisations_piloting``: the distinct companies whose project started in the period (hidden from
  observers when it counts one to four);
- ``facility_units_used``: the units of facilities used by projects in periods that began in the period
  (core-hours, GPU-hours, lab days… added together as booked units: read it beside the bookings).

Demo projects count only on the demo instance. The category filter keeps them under Test before invest; the
partner filter keeps the projects that partner takes part in. The tables read are watched (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from moselle.organisations.models import EdihCategory
from moselle.pilots.models import Booking, Project
from moselle.reporting.kpis import Filters, KpiSource, Period


def _projects(filters: Filters) -> QuerySet[Project] | None:
    if filters.category and filters.category != EdihCategory.TEST_BEFORE_INVEST:
        return None
    projects = Project.objects.all()
    if not settings.MOSELLE_DEMO:
        projects = projects.filter(is_demo=False)
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


def units_used(period: Period, filters: Filters) -> int:
    projects = _projects(filters)
    if projects is None:
        return 0
    total = Booking.objects.filter(
        project__in=projects.values("pk"),
        status=Booking.Status.BOOKED,
        period_start__gte=period.start,
        period_start__lte=period.end,
    ).aggregate(total=Sum("used"))["total"]
    return int(total or 0)


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
    KpiSource("facility_units_used", _("Facility units used"), units_used, "units", False),
)

__all__ = [
    "SOURCES",
    "organisations_piloting",
    "pilots_completed",
    "pilots_go",
    "pilots_started",
    "started",
    "units_used",
]
