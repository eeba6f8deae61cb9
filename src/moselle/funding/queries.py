"""Reading the programmes: their calls open today or closing soon, and the programmes with what their pages
and the API show, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from moselle.funding.models import Call, Programme
from moselle.organisations.models import Organisation

CLOSING_SOON = timedelta(days=30)


def today() -> date:
    return timezone.localdate()


def is_open(call: Call, day: date) -> bool:
    return (call.opens_on is None or call.opens_on <= day) and (call.closes_on is None or day <= call.closes_on)


def closing_soon(call: Call, day: date) -> bool:
    """Open today and closing within ``CLOSING_SOON``: what the pages highlight."""
    return is_open(call, day) and call.closes_on is not None and call.closes_on - day <= CLOSING_SOON


def with_details(programmes: QuerySet[Programme]) -> QuerySet[Programme]:
    return programmes.prefetch_related(
        Prefetch("calls", queryset=Call.objects.order_by("closes_on", "id")),
        Prefetch("approved_providers", queryset=Organisation.objects.order_by("name")),
    ).order_by("code")


def provider(organisation_id: int | None) -> Organisation | None:
    if organisation_id is None:
        return None
    return Organisation.objects.filter(pk=organisation_id, merged_into__isnull=True).first()


__all__ = ["closing_soon", "is_open", "provider", "today", "with_details"]
