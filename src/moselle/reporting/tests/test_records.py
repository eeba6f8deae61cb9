"""Service records: logged by staff or by the partner that delivered, proposed by other apps and confirmed or
rejected by staff; every bad field named, nothing half-written."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from moselle.accounts.models import Role
from moselle.journeys import actions as journey_actions
from moselle.organisations.models import HubService, Organisation, OrganisationKind
from moselle.reporting import access, actions
from moselle.reporting.models import ServiceRecord

S = ServiceRecord.Status


@pytest.fixture
def partner(db: Any) -> Organisation:
    return Organisation.objects.create(name="Institut de recherche", country="LU")


@pytest.fixture
def partner_member(make_user: Any, partner: Organisation) -> Any:
    return make_user(Role.PARTNER_MEMBER, partner)


def good(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    return {
        "customer": organisation.pk,
        "category": "test_before_invest",
        "description": "Proof of concept of a vision inspection",
        "started_on": "2026-02-01",
        "ended_on": "2026-03-15",
        "attendees": "3",
        "price": "10000",
        "invoiced": "5000",
        "aid": "2500",
        "aid_basis": "de_minimis",
        "status": "finalised",
        **changes,
    }


def test_staff_log_a_co_funded_service(personas: Any, org_a: Organisation, partner: Organisation) -> None:
    record = actions.record_create(actor=personas.hub_advisor, data=good(org_a, partner=partner.pk))
    record.refresh_from_db()
    assert (record.price, record.invoiced, record.aid) == (Decimal("10000.00"), Decimal("5000.00"), Decimal("2500.00"))
    assert (record.partner_id, record.status, record.source) == (partner.pk, S.FINALISED, "manual")


def test_the_hub_service_gives_the_category(personas: Any, org_a: Organisation) -> None:
    service = HubService.objects.get(code="test_before_invest")
    record = actions.record_create(actor=personas.hub_advisor, data=good(org_a, category="", hub_service=service.code))
    assert (record.hub_service_id, record.category) == (service.pk, service.category)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"customer": "999999"}, "customer"),
        ({"customer": ""}, "customer"),
        ({"ended_on": "2026-01-31"}, "ended_on"),
        ({"price": "-1"}, "price"),
        ({"invoiced": "-0.01"}, "invoiced"),
        ({"aid": "-3"}, "aid"),
        ({"aid": "10000.01"}, "aid"),
        ({"category": "consulting"}, "category"),
        ({"started_on": "yesterday"}, "started_on"),
        ({"price": "12.345"}, "price"),
        ({"aid_basis": "none"}, "aid_basis"),
        ({"invoiced": "10001"}, "invoiced"),
        ({"satisfaction": "6"}, "satisfaction"),
        ({"attendees": "-2"}, "attendees"),
        ({"hub_service": "nothing-like-it"}, "hub_service"),
        ({"description": ""}, "description"),
        ({"status": "proposed"}, "status"),
    ],
)
def test_bad_records_name_the_field_and_write_nothing(
    personas: Any, org_a: Organisation, changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_create(actor=personas.hub_advisor, data=good(org_a, **changes))
    assert field in refused.value.message_dict, refused.value.message_dict
    assert not ServiceRecord.objects.exists()


def test_every_bad_field_is_named_at_once(personas: Any, org_a: Organisation) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_create(
            actor=personas.hub_advisor, data=good(org_a, ended_on="2025-01-01", price="-1", category="x")
        )
    assert {"ended_on", "price", "category"} <= set(refused.value.message_dict)


def test_a_partner_logs_its_own_services_only(
    partner_member: Any, partner: Organisation, org_a: Organisation, org_b: Organisation, personas: Any
) -> None:
    with pytest.raises(ValidationError) as refused:
        actions.record_create(actor=partner_member, data=good(org_a))
    assert "referred to your organisation" in refused.value.message_dict["customer"][0]
    OrganisationKind.objects.create(organisation=partner, kind="consortium_partner")
    journey_actions.referral_propose(actor=personas.hub_advisor, organisation=org_a, recipient=partner)
    record = actions.record_create(actor=partner_member, data=good(org_a))
    assert record.partner_id == partner.pk  # its own organisation, without saying so
    with pytest.raises(ValidationError) as refused:
        actions.record_create(actor=partner_member, data=good(org_a, partner=org_b.pk))
    assert "partner" in refused.value.message_dict
    with pytest.raises(ValidationError):
        actions.record_create(actor=personas.a["company_member"], data=good(org_a))
    assert list(access.visible_records(partner_member)) == [record]
    assert list(access.visible_records(personas.b["partner_member"])) == []
    # The customer's members see what they received; an observer sees no record.
    assert list(access.visible_records(personas.a["company_member"])) == [record]
    assert list(access.visible_records(personas.a["observer"])) == []


def test_proposals_are_confirmed_or_rejected_by_staff(
    personas: Any, org_a: Organisation, partner: Organisation
) -> None:
    day = timezone.localdate() - timedelta(days=3)
    proposed = actions.record_propose(
        actor=None,
        source="referral",
        customer=org_a,
        category="skills_and_training",
        description="Course given",
        started_on=day,
        partner=partner,
    )
    assert proposed is not None and proposed.status == S.PROPOSED
    assert proposed not in access.visible_records(personas.a["company_member"])  # not a service until confirmed
    with pytest.raises(ValidationError):
        actions.record_confirm(actor=personas.a["company_member"], record=proposed)
    with pytest.raises(ValidationError) as refused:
        actions.record_confirm(actor=personas.hub_advisor, record=proposed, data={"aid": "50"})
    assert "aid" in refused.value.message_dict  # above the price of 0
    proposed.refresh_from_db()
    assert proposed.status == S.PROPOSED
    confirmed = actions.record_confirm(
        actor=personas.hub_advisor, record=proposed, data={"price": "800", "invoiced": "400", "attendees": "6"}
    )
    confirmed.refresh_from_db()
    assert (confirmed.status, confirmed.price, confirmed.attendees) == (S.FINALISED, Decimal("800.00"), 6)
    with pytest.raises(ValidationError):
        actions.record_reject(actor=personas.hub_advisor, record=confirmed, reason="late")

    second = actions.record_propose(
        actor=None, source="event", customer=org_a, category="x", description="", started_on=day
    )
    assert second is not None and second.category == "ecosystem_and_networking"
    with pytest.raises(ValidationError) as refused:
        actions.record_reject(actor=personas.hub_advisor, record=second, reason=" ")
    assert "reason" in refused.value.message_dict
    actions.record_reject(actor=personas.hub_advisor, record=second, reason="Counted at the event already.")
    second.refresh_from_db()
    assert (second.status, second.reject_reason) == (S.REJECTED, "Counted at the event already.")
    with pytest.raises(ValidationError):
        actions.record_update(actor=personas.hub_advisor, record=second, data={"description": "again"})


def test_an_update_checks_the_whole_record(personas: Any, org_a: Organisation) -> None:
    record = actions.record_create(actor=personas.hub_advisor, data=good(org_a))
    with pytest.raises(ValidationError) as refused:
        actions.record_update(actor=personas.hub_advisor, record=record, data={"price": "100"})
    assert "aid" in refused.value.message_dict  # 2,500 of aid would be above the new price
    record.refresh_from_db()
    assert record.price == Decimal("10000.00")
    actions.record_update(actor=personas.hub_advisor, record=record, data={"ended_on": str(date(2026, 4, 1))})
    record.refresh_from_db()
    assert record.ended_on == date(2026, 4, 1)
