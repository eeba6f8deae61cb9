"""The events' figures in the hub's KPIs (registered with ``reporting.kpis`` when the app is ready): the
events held in a period, the people who attended them, and the organisations of the registry they came
from. An event counts in the period of its first session, once that day has come; a cancelled or draft
event never counts, nor a demo event (unless the instance is the demo). The dashboard's filters apply: a
partner narrows to the events it partnered, a category to the events counted under it
(``follow_up.category_of``).

The tables read here are watched (migration 0002), so the cached dashboard follows every change.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Min, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from moselle.events.follow_up import RECORDED_KINDS
from moselle.events.models import Event, Registration
from moselle.organisations.models import EdihCategory
from moselle.reporting.kpis import Filters, KpiSource, Period


def held(period: Period, filters: Filters) -> QuerySet[Event]:
    """The events whose first session falls in the period."""
    events = Event.objects.filter(status=Event.Status.PUBLISHED)
    if not settings.MOSELLE_DEMO:
        events = events.filter(is_demo=False)
    if filters.partner_id:
        events = events.filter(partners=filters.partner_id)
    if filters.category:
        kinds: list[str] = [kind for kind, category in RECORDED_KINDS.items() if category == filters.category]
        if filters.category == EdihCategory.ECOSYSTEM_AND_NETWORKING:
            kinds += [kind for kind in Event.Kind.values if kind not in RECORDED_KINDS]
        events = events.filter(kind__in=kinds)
    # Held: its first session falls in the period, and not later than today (an event to come is not held).
    latest = min(period.end, timezone.localdate())
    return events.annotate(first_day=Min("sessions__day")).filter(first_day__gte=period.start, first_day__lte=latest)


def _attended(period: Period, filters: Filters) -> QuerySet[Registration]:
    return Registration.objects.filter(event__in=held(period, filters).values("pk"), attended_at__isnull=False)


def events_held(period: Period, filters: Filters) -> int:
    return held(period, filters).count()


def attendees(period: Period, filters: Filters) -> int:
    return _attended(period, filters).count()


def organisations(period: Period, filters: Filters) -> int:
    """Distinct organisations of the registry that attended (demo ones left out, as everywhere)."""
    found = _attended(period, filters).filter(organisation__isnull=False)
    if not settings.MOSELLE_DEMO:
        found = found.filter(organisation__is_demo=False)
    return found.values("organisation").distinct().count()


SOURCES = (
    KpiSource("events_held", _("Events held"), events_held, "events", False),
    KpiSource("event_attendees", _("Event attendees"), attendees, "people", False),
    KpiSource("event_organisations", _("Organisations at events"), organisations, "organisations", True),
)

__all__ = ["SOURCES", "attendees", "events_held", "held", "organisations"]
