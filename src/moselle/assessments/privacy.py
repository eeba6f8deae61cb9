"""The assessments' exporter and eraser: the contact person written into Module 1 of an assessment."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from moselle.assessments.models import Assessment
from moselle.core import privacy

CONTACT_KEYS = ("contact_name", "contact_role", "contact_email", "contact_phone")


def _assessments(person: privacy.Person) -> list[Assessment]:
    if not person.email:
        return []
    wanted = person.email.casefold()
    # The contact is inside a JSON column: compared in Python, the same on SQLite and PostgreSQL.
    candidates = Assessment.objects.exclude(customer={}).select_related("organisation").order_by("id")
    return [a for a in candidates if str(a.customer.get("contact_email", "")).casefold() == wanted]


def export(person: privacy.Person) -> dict[str, Any]:
    rows = [
        {
            "organisation": assessment.organisation.name,
            "stage": assessment.stage,
            "questionnaire": f"{assessment.questionnaire_type}-{assessment.questionnaire_version}",
            "started": assessment.created_at.isoformat(),
            **{key: assessment.customer.get(key, "") for key in CONTACT_KEYS},
        }
        for assessment in _assessments(person)
    ]
    return {"assessments": rows} if rows else {}


def erase(person: privacy.Person) -> int:
    """Remove the contact person from Module 1; the scores stay, they describe the organisation."""
    found = _assessments(person)
    with transaction.atomic():
        for assessment in found:
            assessment.customer = {k: v for k, v in assessment.customer.items() if k not in CONTACT_KEYS}
            assessment.save(update_fields=["customer"])
    return len(found)


privacy.register(app_label="assessments", models=(Assessment,), exporter=export, eraser=erase)
