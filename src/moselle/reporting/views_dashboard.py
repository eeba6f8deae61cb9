"""The hub's dashboard for its manager, advisors and observers (funders, ministries): the funnel, customers
and services, aid, satisfaction, maturity progress and targets, with SVG charts and a CSV of its tables.
Observers get aggregates only, small cells suppressed; a bad period or filter is named (400)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from moselle.assessments import questionnaires
from moselle.core.i18n import pick
from moselle.organisations.models import Organisation
from moselle.reporting import access, charts, freshness
from moselle.reporting import dashboard as boards
from moselle.reporting.models import ServiceRecord


def _partners() -> list[dict[str, Any]]:
    """The organisations that delivered a service, for the partner filter (kept under the figures' version)."""

    def read() -> list[dict[str, Any]]:
        delivered = ServiceRecord.objects.filter(partner=OuterRef("pk"))  # one index probe per organisation
        found = Organisation.objects.filter(Exists(delivered)).order_by("name").values("pk", "name")
        return [dict(row) for row in found]

    return freshness.remembered("partners", (), read)


def _dimension_titles(questionnaire_type: str) -> dict[str, str]:
    found = questionnaires.current(questionnaire_type)
    return {d.key: pick(d.title) for d in found.dimensions}


def _charts(figures: Any, months: list[boards.Month]) -> dict[str, Any]:
    funnel = figures.funnel
    drawn: dict[str, Any] = {
        "funnel": charts.bars(
            _("Funnel: organisations reached"),
            [
                charts.Bar(_("Informed"), funnel.informed),
                charts.Bar(_("Inspired"), funnel.inspired),
                charts.Bar(_("Engaged"), funnel.engaged),
            ],
        ),
        "monthly": charts.monthly(_("Services started per month, by EDIH category"), months, boards.category_labels()),
        "targets": charts.bars(
            _("Progress towards the targets"),
            [
                charts.Bar(
                    str(t.label),
                    None if t.share is None else (t.share * 100).quantize(Decimal("1")),
                    note=f" ({t.value if t.value is not None else '?'} / {t.target})",
                )
                for t in figures.targets
            ],
            unit=" %",
        ),
    }
    maturity = []
    for group in figures.maturity.by_questionnaire:
        titles = _dimension_titles(group.questionnaire_type)
        items = [charts.Bar(titles.get(key, key), value) for key, value in group.dimensions.items()]
        maturity.append((group, charts.changes(str(group.label), items)))
    return {**drawn, "maturity": maturity}


@login_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    access.require_dashboard(request.user)
    observer = access.sees_aggregates_only(request.user)
    context: dict[str, Any] = {
        "observer": observer,
        "partners": _partners(),
        "categories": boards.category_labels(),
        "chosen": {key: request.GET.get(key, "") for key in ("start", "end", "partner", "category")},
        "errors": {},
    }
    try:
        period, filters = boards.read_choice(request.GET)
    except ValidationError as error:
        context["errors"] = error.message_dict
        return render(request, "reporting/dashboard.html", context, status=400)
    figures = boards.board(period, filters, observer=observer)
    months = boards.monthly(period, filters, observer=observer)
    more = boards.more_figures(period, filters, observer=observer)
    context.update(figures=figures, months=months, more=more, charts=_charts(figures, months), period=period)
    if not context["chosen"]["start"]:
        context["chosen"].update(start=period.start.isoformat(), end=period.end.isoformat())
    return render(request, "reporting/dashboard.html", context)


@login_required
@require_GET
def dashboard_csv(request: HttpRequest) -> HttpResponse:
    access.require_dashboard(request.user)
    observer = access.sees_aggregates_only(request.user)
    try:
        period, filters = boards.read_choice(request.GET)
    except ValidationError as error:
        problems = [f"{field}: {message}" for field, messages in error.message_dict.items() for message in messages]
        return render(request, "reporting/export_refused.html", {"problems": problems}, status=400)
    figures = boards.board(period, filters, observer=observer)
    more = boards.more_figures(period, filters, observer=observer)
    data = boards.as_csv(figures, boards.monthly(period, filters, observer=observer), more)
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    name = f"dashboard-{period.start.isoformat()}-{period.end.isoformat()}-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
