"""Download the hub's DMA results in the official tool's layout: the workbook, or one sheet as CSV.

``?format=xlsx`` (the default) gives both sheets; ``?format=csv&type=sme`` or ``type=pso`` gives one. A
parameter Moselle does not know is answered with a page that says which one and what it may be (400).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from moselle.assessments import exports, questionnaires
from moselle.assessments.access import require_assessment_staff
from moselle.assessments.actions import current_rule

FORMATS = ("xlsx", "csv")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(extension: str, questionnaire_type: str = "") -> str:
    hub = slugify(exports.hub_name())[:60] or "hub"
    parts = [
        "dma-results",
        hub,
        *([questionnaire_type] if questionnaire_type else []),
        timezone.localdate().isoformat(),
    ]
    return f"{'-'.join(parts)}.{extension}"


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "assessments/export.html", {"error": message}, status=400)


def _download(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def dma_export(request: HttpRequest) -> HttpResponse:
    """The results of every submitted assessment, in the official export's columns (always in English)."""
    require_assessment_staff(request.user)
    if not settings.MOSELLE_COMMISSION_LAYOUTS:
        raise Http404
    chosen_format = request.GET.get("format", "xlsx").strip().lower() or "xlsx"
    chosen_type = request.GET.get("type", "").strip().lower()
    if chosen_format not in FORMATS:
        return _refused(request, _("Unknown format: choose xlsx (both sheets) or csv (one sheet)."))
    if chosen_type and chosen_type not in questionnaires.TYPES:
        return _refused(request, _("Unknown type: choose sme (enterprises) or pso (public sector organisations)."))
    rule = current_rule().code
    if chosen_format == "xlsx":
        return _download(exports.workbook(rule), XLSX_TYPE, _filename("xlsx"))
    if not chosen_type:
        return _refused(request, _("A CSV file holds one sheet: choose type=sme or type=pso."))
    return _download(exports.csv_bytes(chosen_type, rule), "text/csv; charset=utf-8", _filename("csv", chosen_type))
