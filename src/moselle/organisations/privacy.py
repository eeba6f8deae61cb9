"""The registry's exporter and eraser: the contact persons the hub keeps at organisations."""

from __future__ import annotations

from typing import Any

from moselle.core import privacy
from moselle.organisations.models import Contact


def _contacts(person: privacy.Person) -> Any:
    return Contact.objects.filter(email__iexact=person.email).select_related("organisation") if person.email else []


def export(person: privacy.Person) -> dict[str, Any]:
    rows = [
        {
            "organisation": contact.organisation.name,
            "name": contact.name,
            "role": contact.role,
            "email": contact.email,
            "phone": contact.phone,
            "preferred_language": contact.preferred_language,
            "legal_basis": contact.legal_basis,
            "recorded": contact.created_at.isoformat(),
        }
        for contact in _contacts(person)
    ]
    return {"contacts": rows} if rows else {}


def erase(person: privacy.Person) -> int:
    """Blank the person in every contact row; the row stays so that what points to it still counts."""
    if not person.email:
        return 0
    return Contact.objects.filter(email__iexact=person.email).update(name="(erased)", role="", email="", phone="")


privacy.register(app_label="organisations", models=(Contact,), exporter=export, eraser=erase)
