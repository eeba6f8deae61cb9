"""The questionnaire's fields, drawn from the questionnaire data and the answers kept so far."""

from __future__ import annotations

from typing import Any

from django import template

from moselle.assessments.models import Assessment
from moselle.assessments.questionnaires import CustomerField, Question
from moselle.core.i18n import pick

register = template.Library()


def _errors_for(errors: dict[str, list[str]], prefix: str) -> list[str]:
    return [
        m
        for field, messages in (errors or {}).items()
        if field == prefix or field.startswith(prefix + ".")
        for m in messages
    ]


@register.inclusion_tag("assessments/partials/customer_field.html")
def customer_field(
    spec: CustomerField, assessment: Assessment, posted: Any, errors: dict[str, list[str]]
) -> dict[str, Any]:
    name = f"customer.{spec.key}"
    if posted is not None:
        value: Any = posted.getlist(name) if spec.kind == "multichoice" else posted.get(name, "")
    else:
        value = assessment.customer.get(spec.key, [] if spec.kind == "multichoice" else "")
    chosen = set(value) if isinstance(value, list) else {value}
    return {
        "spec": spec,
        "name": name,
        "id": f"id_customer_{spec.key}",
        "label": pick(spec.label),
        "value": value if isinstance(value, str) else "",
        "choices": [(c.key, pick(c.label), c.key in chosen) for c in spec.choices],
        "input_type": {"email": "email", "url": "text", "phone": "tel", "year": "text"}.get(spec.kind, "text"),
        "errors": _errors_for(errors, name),
    }


@register.inclusion_tag("assessments/partials/question.html")
def question_block(
    question: Question,
    assessment: Assessment,
    posted: Any,
    errors: dict[str, list[str]],
    scale_levels: list[tuple[int, str]],
    npy_labels: list[tuple[str, str]],
) -> dict[str, Any]:
    answer = assessment.answers.get(question.key)
    rows = []
    for item in question.items:
        field = f"{question.key}.{item.key}"
        if question.kind == "checklist":
            current: Any = posted.getlist(question.key) if posted is not None else (answer or [])
            value: Any = item.key in current
        elif question.kind == "dual":
            value = posted.getlist(field) if posted is not None else (answer or {}).get(item.key, [])
        else:
            value = posted.get(field, "") if posted is not None else (answer or {}).get(item.key, "")
            value = str(value)
        rows.append(
            {"item": item, "label": item.text(), "field": field, "value": value, "id": f"id_{question.key}_{item.key}"}
        )
    return {
        "question": question,
        "text": pick(question.text),
        "rows": rows,
        "errors": _errors_for(errors, f"answers.{question.key}"),
        "scale_levels": [(str(grade), label) for grade, label in scale_levels],
        "npy_labels": npy_labels,
    }
