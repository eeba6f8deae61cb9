"""The pilots app's exporter and eraser. It stores no personal data of its own: projects, gates, bookings and
documents point at the accounts of the people who advised, decided, booked, uploaded or signed off, and those
go with the account (the references are set to nothing when it is erased). A person's export lists the
projects they took part in that way, so that they can see what the hub holds about their role in them."""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from moselle.core import privacy
from moselle.pilots.models import Booking, Document, Gate, Project


def export(person: privacy.Person) -> dict[str, Any]:
    if person.user_id is None:
        return {}
    uid = person.user_id
    roles: dict[int, set[str]] = {}
    for project in Project.objects.filter(
        Q(advisor_id=uid) | Q(decided_by_id=uid) | Q(signed_off_by_id=uid) | Q(created_by_id=uid)
    ).order_by("id"):
        found = roles.setdefault(project.pk, set())
        for name in ("advisor", "decided_by", "signed_off_by", "created_by"):
            if getattr(project, f"{name}_id") == uid:
                found.add(name)
    for project_id in Gate.objects.filter(decided_by_id=uid).values_list("project_id", flat=True):
        roles.setdefault(project_id, set()).add("gate_decided_by")
    for project_id in Booking.objects.filter(Q(booked_by_id=uid) | Q(usage_by_id=uid)).values_list(
        "project_id", flat=True
    ):
        roles.setdefault(project_id, set()).add("booked_or_recorded_usage")
    for project_id in Document.objects.filter(file__uploaded_by_id=uid).values_list("project_id", flat=True):
        roles.setdefault(project_id, set()).add("uploaded_a_document")
    if not roles:
        return {}
    titles = dict(Project.objects.filter(pk__in=roles).values_list("pk", "title"))
    return {
        "pilot_projects": [{"project": pk, "title": titles[pk], "roles": sorted(roles[pk])} for pk in sorted(roles)]
    }


def erase(person: privacy.Person) -> int:
    return 0  # nothing personal here; the account's references are cleared with the account


privacy.register(app_label="pilots", models=(Project, Gate, Booking, Document), exporter=export, eraser=erase)
