"""What the dashboard page, its CSV and the API read: the period and filters from a request, the figures of
``queries.dashboard`` (suppressed for observers), and the services per month by category."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.organisations.models import EdihCategory
from moselle.reporting import freshness, kpis, queries, suppression
from moselle.reporting.commission import csv_cell
from moselle.reporting.kpis import Filters, KpiValue, Period

MAX_DAYS = 366 * 10


@dataclass(frozen=True)
class Month:
    """Services that started in one month, by EDIH category; None where hidden from observers."""

    month: date
    counts: dict[str, int | None]
    total: int | None


def default_period(today: date | None = None) -> Period:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    first = date(today.year - 1, today.month, 1)
    start = date(first.year + (first.month // 12), first.month % 12 + 1, 1)
    return Period(start=start, end=today)


def read_choice(params: Mapping[str, Any]) -> tuple[Period, Filters]:
    """The period (``start``, ``end``) and filters (``partner``, ``category``) asked for; every bad value is
    named at once."""
    errors: dict[str, list[str]] = {}
    period = default_period()
    start, end = params.get("start") or period.start, params.get("end") or period.end
    try:
        period = Period.parse(start, end)
    except ValidationError as error:
        errors.update(error.message_dict)
    else:
        if (period.end - period.start).days > MAX_DAYS:
            errors["end"] = [_("Choose a period of at most ten years.")]
    partner = str(params.get("partner") or "").strip()
    if partner and (not partner.isdecimal() or int(partner) > 2**31 - 1):
        errors["partner"] = [_("Choose a partner from the list.")]
    filters = Filters()
    try:
        filters = Filters(
            partner_id=int(partner) if partner.isdecimal() and "partner" not in errors else None,
            category=str(params.get("category") or "").strip() or None,
        )
    except ValidationError as error:
        errors.update(error.message_dict)
    if errors:
        raise ValidationError(errors)
    return period, filters


Cells = dict[tuple[date, str], int]


def _monthly_counts(period: Period, filters: Filters) -> tuple[Cells, Cells]:
    """Services and distinct customers per (month of the start, category), in one query."""
    rows = (
        queries.counted_records(period, filters)
        .filter(started_on__gte=period.start)
        .annotate(month=TruncMonth("started_on"))
        .values("month", "category")
        .annotate(services=Count("id"), customers=Count("customer", distinct=True))
        .order_by("month", "category")
    )
    counts: Cells = {}
    behind: Cells = {}
    for row in rows:
        month = row["month"].date() if hasattr(row["month"], "date") else row["month"]
        counts[(month, row["category"])] = row["services"]
        behind[(month, row["category"])] = row["customers"]
    return counts, behind


def monthly(period: Period, filters: Filters, *, observer: bool) -> list[Month]:
    """Services per month of their start, by category (kept under the figures' version); observers get small
    cells hidden."""
    counts, behind = freshness.remembered("monthly", (period, filters), lambda: _monthly_counts(period, filters))
    months = _months(period)
    categories = list(EdihCategory.values)
    if not observer:
        return [
            Month(
                month,
                {c: counts.get((month, c), 0) for c in categories},
                sum(counts.get((month, c), 0) for c in categories),
            )
            for month in months
        ]
    row_totals = {m: sum(counts.get((m, c), 0) for c in categories) for m in months}
    column_totals = {c: sum(counts.get((m, c), 0) for m in months) for c in categories}
    shown = suppression.suppress_table(
        counts, row_totals, column_totals, sum(row_totals.values()), organisations=behind
    )
    return [Month(m, {c: shown.cells[(m, c)] for c in categories}, shown.row_totals[m]) for m in months]


def _months(period: Period) -> list[date]:
    months, current = [], date(period.start.year, period.start.month, 1)
    while current <= period.end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def board(period: Period, filters: Filters, *, observer: bool) -> queries.Dashboard:
    """The dashboard's figures, computed once per version of the figures (``freshness``), suppressed for
    observers on every read."""
    figures = freshness.remembered("dashboard", (period, filters), lambda: queries.dashboard(period, filters))
    return suppression.suppress_dashboard(figures) if observer else figures


def more_figures(period: Period, filters: Filters, *, observer: bool) -> list[KpiValue]:
    """The figures other apps register as KPI sources (the events', say), computed once per version of the
    figures like the rest (their apps watch their tables); observers get small counts of organisations
    hidden."""
    core = set(CORE_CODES)

    def compute() -> dict[str, Any]:
        return {item.code: item.compute(period, filters) for item in kpis.sources() if item.code not in core}

    found = freshness.remembered("more_kpis", (period, filters), compute)
    values = [
        KpiValue(
            code=item.code, label=item.label, value=found[item.code], unit=item.unit, suppressible=item.suppressible
        )
        for item in kpis.sources()
        if item.code in found
    ]
    return suppression.suppress_kpis(values) if observer else values


# Reporting's own figures, shown in their own sections; every other registered source goes under "more".
CORE_CODES = tuple(source.code for source in queries.core_sources())


def core_figures(figures: queries.Dashboard) -> dict[str, Any]:
    """The registry's core KPI codes, read from a dashboard (suppressed or not)."""
    return {
        "organisations_informed": figures.funnel.informed,
        "organisations_inspired": figures.funnel.inspired,
        "organisations_engaged": figures.funnel.engaged,
        "customers_served": figures.customers.total,
        "services_delivered": figures.services.total,
        "aid_granted": figures.aid.granted.amount,
        "aid_on_services": figures.aid.on_services.amount,
        "satisfaction_mean": figures.satisfaction.combined.mean,
        "maturity_organisations": figures.maturity.organisations,
        "maturity_progress": figures.maturity.overall,
    }


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def rows(figures: queries.Dashboard, months: list[Month], more: Sequence[KpiValue] = ()) -> Iterator[list[str]]:
    """The dashboard's tables as one CSV: section, key, label, value (empty where hidden)."""
    yield ["section", "key", "label", "value"]
    yield ["period", "start", _("Start date"), figures.period.start.isoformat()]
    yield ["period", "end", _("End date"), figures.period.end.isoformat()]
    funnel = figures.funnel
    for key, label, value in (
        ("informed", _("Informed"), funnel.informed),
        ("inspired", _("Inspired"), funnel.inspired),
        ("engaged", _("Engaged"), funnel.engaged),
    ):
        yield ["funnel", key, label, _shown(value)]
    customers = figures.customers
    yield ["customers", "total", _("Customers served"), _shown(customers.total)]
    for section, cells in (
        ("customers_by_type", customers.by_type),
        ("customers_by_size", customers.by_size),
        ("customers_by_sector", customers.by_section),
        ("customers_by_region", customers.by_region),
    ):
        for cell in cells:
            yield [section, cell.key, str(cell.label), _shown(cell.value)]
    services = figures.services
    yield ["services", "total", _("Services delivered"), _shown(services.total)]
    for section, cells in (
        ("services_by_category", services.by_category),
        ("services_by_hub_service", services.by_hub_service),
        ("services_by_partner", services.by_partner),
    ):
        for cell in cells:
            yield [section, cell.key, str(cell.label), _shown(cell.value)]
    aid = figures.aid
    yield ["aid", "granted", _("Aid granted (committed in the period)"), _shown(aid.granted.amount)]
    yield ["aid", "on_services", _("Aid on the services delivered"), _shown(aid.on_services.amount)]
    for amount in aid.on_services_by_basis:
        yield ["aid_on_services_by_basis", amount.key, str(amount.label), _shown(amount.amount)]
    rating = figures.satisfaction.combined
    yield ["satisfaction", "mean", _("Satisfaction (1-5)"), _shown(rating.mean)]
    yield ["satisfaction", "ratings", _("Ratings"), _shown(rating.ratings)]
    maturity = figures.maturity
    yield ["maturity", "organisations", _("Organisations assessed at T0 and T1"), _shown(maturity.organisations)]
    yield ["maturity", "overall", _("Overall change (points)"), _shown(maturity.overall)]
    for group in maturity.by_questionnaire:
        for dimension, change in group.dimensions.items():
            yield [f"maturity_{group.questionnaire_type}", dimension, dimension, _shown(change)]
    for figure in more:
        yield ["more", figure.code, str(figure.label), _shown(figure.value)]
    for target in figures.targets:
        yield ["targets", target.indicator, str(target.label), f"{_shown(target.value)}/{target.target}"]
    for month in months:
        for category, count in month.counts.items():
            yield ["services_per_month", f"{month.month.isoformat()[:7]}:{category}", category, _shown(count)]


def as_csv(figures: queries.Dashboard, months: list[Month], more: Sequence[KpiValue] = ()) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows(figures, months, more):
        writer.writerow([csv_cell(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def category_labels() -> dict[str, str]:
    return {value: str(label) for value, label in EdihCategory.choices}


__all__ = ["Month", "as_csv", "board", "default_period", "monthly", "more_figures", "read_choice", "rows"]
