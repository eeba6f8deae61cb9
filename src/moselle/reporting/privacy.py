"""Reporting's exporter and eraser. Service records, grants and declarations describe organisations, not
people; what points at a person is who logged, granted or declared them, kept for the audit of the figures
and unlinked when the person is erased (the figures stay: the Commission reporting is a legal obligation)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from moselle.core import privacy
from moselle.reporting.models import Declaration, Grant, ServiceRecord


def export(person: privacy.Person) -> dict[str, Any]:
    if person.user_id is None:
        return {}
    data = {
        "service_records_logged": list(
            ServiceRecord.objects.filter(created_by_id=person.user_id).order_by("id").values_list("id", flat=True)
        ),
        "aid_granted_recorded": list(
            Grant.objects.filter(recorded_by_id=person.user_id).order_by("id").values_list("number", flat=True)
        ),
        "aid_declared": list(
            Declaration.objects.filter(declared_by_id=person.user_id).order_by("id").values_list("id", flat=True)
        ),
    }
    return {key: value for key, value in data.items() if value}


def erase(person: privacy.Person) -> int:
    if person.user_id is None:
        return 0
    with transaction.atomic():
        return (
            ServiceRecord.objects.filter(created_by_id=person.user_id).update(created_by=None)
            + Grant.objects.filter(recorded_by_id=person.user_id).update(recorded_by=None)
            + Declaration.objects.filter(declared_by_id=person.user_id).update(declared_by=None)
        )


privacy.register(app_label="reporting", models=(ServiceRecord, Grant, Declaration), exporter=export, eraser=erase)
