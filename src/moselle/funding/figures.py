"""The investments triggered in the hub's KPIs (registered with ``reporting.kpis`` when the app is ready): their
sum in euros, and the organisations they went to. They are read from the one table of investments
(``Investment``: the grants of applications granted, and what the hub's staff and the pilots record), which the
Commission's services export reads too, so nothing is counted twice.

An investment counts in the period of its date (``made_on``); a demo organisation's never counts, unless the
instance is the demo (``reporting.queries.real``). The dashboard's filters narrow the figures to the investments
linked to a counted service record of that partner or that category; an investment linked to no service record
(an application's grant, say) is not counted under a narrowed view, only in the hub's whole.

The table read here is watched (migration 0002), so the cached dashboard follows every change.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from moselle.funding.models import Investment
from moselle.reporting.kpis import Filters, KpiSource, Period
from moselle.reporting.models import ServiceRecord
from moselle.reporting.queries import real

CENT = Decimal("0.01")


def triggered(period: Period, filters: Filters) -> QuerySet[Investment]:
    """The investments made in the period, narrowed by the filters to those of a matching service record."""
    found = Investment.objects.filter(real("organisation"), made_on__gte=period.start, made_on__lte=period.end)
    if filters.narrowed:
        found = found.filter(service_record__status__in=ServiceRecord.COUNTED)
        if filters.partner_id:
            found = found.filter(service_record__partner_id=filters.partner_id)
        if filters.category:
            found = found.filter(service_record__category=filters.category)
    return found


def investment_triggered(period: Period, filters: Filters) -> Decimal:
    """The sum of the investments made in the period, in euros (0.00 when none)."""
    total = triggered(period, filters).aggregate(total=Sum("amount"))["total"]
    return Decimal(total or 0).quantize(CENT)


def organisations_with_investment(period: Period, filters: Filters) -> int:
    """Distinct organisations an investment made in the period went to."""
    return int(triggered(period, filters).aggregate(n=Count("organisation", distinct=True))["n"])


SOURCES = (
    KpiSource("investment_triggered", _("Investment triggered"), investment_triggered, "eur", False),
    KpiSource(
        "organisations_with_investment",
        _("Organisations with investment triggered"),
        organisations_with_investment,
        "organisations",
        True,
    ),
)

__all__ = ["SOURCES", "investment_triggered", "organisations_with_investment", "triggered"]
