"""Reading the programmes: their calls open today or closing soon, and the programmes with what their pages
and the API show, in a fixed number of queries."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

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


def provider(user: Any, organisation_id: int | None) -> Organisation | None:
    """The provider a project would use, as the caller may name it: a provider some programme approved, or an
    organisation the caller may see in the registry. Anything else is refused by name (the answer would
    otherwise tell the caller the name behind any id)."""
    from django.core.exceptions import ValidationError
    from django.db.models import Exists, OuterRef, Q
    from django.utils.translation import gettext as _

    from moselle.organisations.access import visible_organisations

    if organisation_id is None:
        return None
    approved = Programme.approved_providers.through.objects.filter(organisation_id=OuterRef("pk"))
    found = (
        Organisation.objects.filter(pk=organisation_id, merged_into__isnull=True)
        .filter(Q(Exists(approved)) | Q(pk__in=visible_organisations(user).values("pk")))
        .first()
    )
    if found is None:
        raise ValidationError({"provider": _("Choose an approved provider of the programme.")})
    return found


__all__ = ["closing_soon", "is_open", "provider", "today", "with_details"]
