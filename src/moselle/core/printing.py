"""Printable documents (letters, reports, certificates): HTML from templates with a print stylesheet.

A document template extends ``core/document.html``; the browser prints it to paper or PDF with
the ``print.css`` rules (A4 page, no navigation, page-break control).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def render_document(request: HttpRequest, template: str, context: dict[str, Any], *, title: str) -> HttpResponse:
    from moselle.organisations.access import own_hub

    return render(
        request,
        template,
        {"document_title": title, "issued_at": timezone.now(), "hub": own_hub(), **context},
    )
