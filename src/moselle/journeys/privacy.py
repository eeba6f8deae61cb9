"""The journeys' exporter and eraser: the person who asked the hub for help through the intake form."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from moselle.core import privacy
from moselle.journeys.models import IntakeRequest


def _requests(person: privacy.Person) -> list[IntakeRequest]:
    if not person.email:
        return []
    return list(IntakeRequest.objects.filter(email__iexact=person.email).select_related("case").order_by("id"))


def export(person: privacy.Person) -> dict[str, Any]:
    rows = [
        {
            "case": request.case_id,
            "asked_at": request.case.created_at.isoformat(),
            "name": request.name,
            "email": request.email,
            "phone": request.phone,
            "role": request.role,
            "organisation": request.organisation_name,
            "country": request.country,
            "message": request.message,
            "heard_from": request.heard_from,
            "legal_basis": request.legal_basis,
        }
        for request in _requests(person)
    ]
    return {"requests_for_help": rows} if rows else {}


def erase(person: privacy.Person) -> int:
    """Remove who asked; the case stays, it describes the hub's work with the organisation."""
    found = _requests(person)
    with transaction.atomic():
        for request in found:
            request.name = request.email = request.phone = request.role = ""
            request.user = None
            request.save(update_fields=["name", "email", "phone", "role", "user"])
    return len(found)


privacy.register(app_label="journeys", models=(IntakeRequest,), exporter=export, eraser=erase)
