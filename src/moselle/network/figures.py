"""The network's figures in the hub's KPIs (registered with ``reporting.kpis`` when the app is ready).

- ``cross_border_corridors``: corridors running at some time in the period (started by its end, not ended
  before its start) with at least one partner hub in another country; it measures the hub's target of the
  same code.
- ``collaborations``: "collaborations with other EDIHs", the collaborations recorded in the period (joint
  events, exchanges, referrals, others).
- ``collaborating_hubs``: the distinct other hubs the hub did something with in the period.

Demo rows count only on the demo instance. The dashboard's partner and category filters are about services
delivered to companies; these figures are the hub's own and ignore them. The tables read here are watched
(migration 0002), so the cached dashboard follows every change.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from moselle.network.models import Collaboration, Corridor
from moselle.organisations.models import HubProfile
from moselle.reporting.kpis import Filters, KpiSource, Period


def running(period: Period) -> QuerySet[Corridor]:
    """Corridors running at some time in the period that cross a border: at least one partner hub is in
    another country than this hub."""
    corridors = Corridor.objects.filter(started_on__lte=period.end).filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=period.start)
    )
    # In the same query: a partner whose country is not this hub's (every partner, before a hub is set up).
    home = HubProfile.objects.values("organisation__country")[:1]
    abroad = Corridor.partners.through.objects.exclude(
        organisation__country=Coalesce(Subquery(home), Value(""))
    ).values("corridor")
    corridors = corridors.filter(pk__in=abroad)
    return corridors if settings.MOSELLE_DEMO else corridors.filter(is_demo=False)


def recorded(period: Period) -> QuerySet[Collaboration]:
    rows = Collaboration.objects.filter(happened_on__gte=period.start, happened_on__lte=period.end)
    return rows if settings.MOSELLE_DEMO else rows.filter(is_demo=False)


def corridors(period: Period, filters: Filters) -> int:
    return running(period).count()


def collaborations(period: Period, filters: Filters) -> int:
    return recorded(period).count()


def collaborating_hubs(period: Period, filters: Filters) -> int:
    return recorded(period).values("hubs").exclude(hubs=None).distinct().count()


SOURCES = (
    KpiSource("cross_border_corridors", _("Cross-border corridors"), corridors, "corridors", False),
    KpiSource("collaborations", _("Collaborations with other EDIHs"), collaborations, "collaborations", False),
    KpiSource("collaborating_hubs", _("Hubs collaborated with"), collaborating_hubs, "hubs", False),
)

__all__ = ["SOURCES", "collaborating_hubs", "collaborations", "corridors", "recorded", "running"]
