"""Training in the hub's KPIs (registered with ``reporting.kpis`` when the app is ready):

- ``training_sessions``: sessions of courses (events of kind training session joined to a course) held in
  the period, their first day in it and not later than today;
- ``training_participants``: the participants who attended those sessions;
- ``course_completions``: completions recorded with a date in the period;
- ``organisations_trained``: the distinct organisations whose people completed a course in the period
  (hidden from observers when it counts one to four).

Demo rows count only on the demo instance. The category filter keeps them under Skills and training; the
partner filter keeps the courses that partner provides. The tables read are watched (migration 0001).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moselle.events.models import Event, Registration
from moselle.organisations.models import EdihCategory
from moselle.reporting.kpis import Filters, KpiSource, Period
from moselle.skills.models import Completion, CourseSession


def _sessions(filters: Filters) -> QuerySet[CourseSession] | None:
    if filters.category and filters.category != EdihCategory.SKILLS_AND_TRAINING:
        return None
    sessions = CourseSession.objects.filter(event__status=Event.Status.PUBLISHED)
    if not settings.MOSELLE_DEMO:
        sessions = sessions.filter(event__is_demo=False)
    if filters.partner_id:
        sessions = sessions.filter(course__offer__provider_id=filters.partner_id)
    return sessions


def held(period: Period, filters: Filters) -> QuerySet[CourseSession] | None:
    sessions = _sessions(filters)
    if sessions is None:
        return None
    latest = min(period.end, timezone.localdate())
    return sessions.annotate(first_day=Min("event__sessions__day")).filter(
        first_day__gte=period.start, first_day__lte=latest
    )


def sessions_held(period: Period, filters: Filters) -> int:
    found = held(period, filters)
    return 0 if found is None else found.count()


def participants(period: Period, filters: Filters) -> int:
    found = held(period, filters)
    if found is None:
        return 0
    return Registration.objects.filter(
        event__in=found.values("event"), status=Registration.Status.CONFIRMED, attended_at__isnull=False
    ).count()


def _completions(period: Period, filters: Filters) -> QuerySet[Completion] | None:
    sessions = _sessions(filters)
    if sessions is None:
        return None
    return Completion.objects.filter(
        session__in=sessions.values("pk"), completed_on__gte=period.start, completed_on__lte=period.end
    )


def completions(period: Period, filters: Filters) -> int:
    found = _completions(period, filters)
    return 0 if found is None else found.count()


def organisations_trained(period: Period, filters: Filters) -> int:
    found = _completions(period, filters)
    if found is None:
        return 0
    found = found.filter(organisation__isnull=False)
    if not settings.MOSELLE_DEMO:
        found = found.filter(organisation__is_demo=False)
    return found.values("organisation").distinct().count()


SOURCES = (
    KpiSource("training_sessions", _("Training sessions held"), sessions_held, "sessions", False),
    KpiSource("training_participants", _("Training participants"), participants, "people", False),
    KpiSource("course_completions", _("Course completions"), completions, "people", False),
    KpiSource("organisations_trained", _("Organisations trained"), organisations_trained, "organisations", True),
)

__all__ = ["SOURCES", "completions", "held", "organisations_trained", "participants", "sessions_held"]
