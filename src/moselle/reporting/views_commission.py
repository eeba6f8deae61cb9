"""The Commission's "services delivered" layout as a download (``?format=xlsx`` or ``csv``, optionally for the
services overlapping ``?start=``/``?end=``). Importing a sheet in that layout goes through the registry's import
pages (kind "services delivered"). A hub that does not report to the Commission switches the layouts off with
``MOSELLE_COMMISSION_LAYOUTS=0``."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from moselle.reporting import access, commission

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _day(request: HttpRequest, name: str) -> date | None:
    value = request.GET.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(name) from None


@login_required
@require_GET
def commission_services(request: HttpRequest) -> HttpResponse:
    if not settings.MOSELLE_COMMISSION_LAYOUTS or not access.can_export_for_commission(request.user):
        raise Http404
    chosen = request.GET.get("format", "xlsx").strip().lower() or "xlsx"
    problems = []
    if chosen not in ("xlsx", "csv"):
        problems.append(_("format: choose xlsx or csv."))
    try:
        start, end = _day(request, "start"), _day(request, "end")
    except ValueError as error:
        problems.append(_("%(field)s: give a date as YYYY-MM-DD.") % {"field": error.args[0]})
        start = end = None
    if start and end and end < start:
        problems.append(_("end: the period cannot end before it starts."))
    if problems:
        return render(request, "reporting/export_refused.html", {"problems": problems}, status=400)
    records = access.visible_records(request.user)
    if end:
        records = records.filter(started_on__lte=end)
    if start:
        records = records.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start))
    data = commission.services_xlsx(records) if chosen == "xlsx" else commission.services_csv(records)
    content_type = XLSX_TYPE if chosen == "xlsx" else "text/csv; charset=utf-8"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{commission.services_filename(chosen)}"'
    response["Cache-Control"] = "no-store"
    return response
