"""Reporting's personal data: who logged, granted or declared; exported with the person, unlinked on erasure
while the figures stay."""

from __future__ import annotations

from typing import Any

from moselle.core import privacy
from moselle.organisations.models import Organisation
from moselle.reporting import actions
from moselle.reporting.models import Declaration, Grant, ServiceRecord


def test_who_logged_granted_and_declared_is_exported_and_erased(personas: Any, org_a: Organisation) -> None:
    advisor, member = personas.hub_advisor, personas.a["company_member"]
    record = actions.record_create(
        actor=advisor,
        data={
            "customer": org_a.pk,
            "category": "skills_and_training",
            "description": "Course",
            "started_on": "2026-02-02",
        },
    )
    grant, _warning = actions.grant_record(actor=advisor, organisation=org_a, amount="100", description="Course")
    declaration = actions.declaration_add(
        actor=member,
        organisation=org_a,
        data={"amount": "50", "granted_on": "2025-01-02", "granting_body": "Commune", "regulation": "2023/2831"},
    )
    exported = privacy.export_person(privacy.find_person(advisor.email))["reporting"]
    assert exported == {"service_records_logged": [record.pk], "aid_granted_recorded": [grant.number]}
    assert privacy.export_person(privacy.find_person(member.email))["reporting"] == {"aid_declared": [declaration.pk]}

    privacy.erase_person(privacy.find_person(advisor.email))
    privacy.erase_person(privacy.find_person(member.email))
    assert ServiceRecord.objects.get().created_by_id is None and Grant.objects.get().recorded_by_id is None
    assert Declaration.objects.get().declared_by_id is None
    assert Grant.objects.get().amount == 100  # the figures stay
