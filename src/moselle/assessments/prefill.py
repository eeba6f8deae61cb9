"""Module 1 (customer data) filled in from the registry, so nobody types twice what the hub knows."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from moselle.assessments.questionnaires import PSO, Questionnaire
from moselle.organisations.models import Organisation

# The staff-size brackets of Module 1 (spec/dma.md §2), upper bounds exclusive, in annual work units.
_SME_BRACKETS = ((Decimal(10), "micro"), (Decimal(50), "small"), (Decimal(250), "medium"))
_PSO_BRACKETS = ((Decimal(50), "small"), (Decimal(250), "medium"))


def staff_bracket(staff: Decimal | None, questionnaire_type: str) -> str:
    if staff is None:
        return ""
    for bound, key in _PSO_BRACKETS if questionnaire_type == PSO else _SME_BRACKETS:
        if staff < bound:
            return key
    return "large"


def registry_values(organisation: Organisation, questionnaire_type: str) -> dict[str, str]:
    latest = organisation.financial_years.order_by("-year").first()
    contact = organisation.contacts.order_by("created_at", "id").first()
    return {
        "name": organisation.name,
        "vat": organisation.vat or organisation.register_id,
        "website": organisation.website,
        "street": organisation.street,
        "postcode": organisation.postcode,
        "locality": organisation.locality,
        "country": organisation.country,
        "pic": organisation.pic,
        "contact_name": contact.name if contact else "",
        "contact_role": contact.role if contact else "",
        "contact_email": contact.email if contact else "",
        "contact_phone": contact.phone if contact else "",
        "staff_size": staff_bracket(latest.staff if latest else None, questionnaire_type),
    }


def customer_data(questionnaire: Questionnaire, organisation: Organisation) -> dict[str, Any]:
    values = registry_values(organisation, questionnaire.type)
    found: dict[str, Any] = {}
    for spec in questionnaire.module1:
        value = values.get(spec.prefill, "") if spec.prefill else ""
        if spec.kind == "choice" and value not in {choice.key for choice in spec.choices}:
            value = ""
        if value:
            found[spec.key] = value
    return found
