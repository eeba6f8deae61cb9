"""The reporting pages as people use them: logging a service, confirming a proposal, the aid ledger with its
declarations and grants, and the written notice."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from moselle.accounts.models import Role
from moselle.organisations.models import Organisation
from moselle.reporting import actions
from moselle.reporting.models import Declaration, Grant, ServiceRecord

S = ServiceRecord.Status


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form(organisation: Organisation, **changes: Any) -> dict[str, Any]:
    return {
        "customer": organisation.pk,
        "category": "skills_and_training",
        "description": "Two-day course on data analytics",
        "started_on": "2026-05-04",
        "ended_on": "2026-05-05",
        "attendees": "4",
        "price": "2 400",
        "invoiced": "1200",
        "aid": "600",
        "aid_basis": "de_minimis",
        "status": "invoiced",
        **changes,
    }


def test_staff_log_a_service_and_see_it_listed(personas: Any, org_a: Organisation) -> None:
    client = logged_in(personas.hub_advisor)
    assert client.get("/services/new/").status_code == 200
    response = client.post("/services/new/", form(org_a))
    record = ServiceRecord.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/services/{record.pk}/"
    assert (record.price, record.status) == (Decimal("2400.00"), S.INVOICED)
    listing = client.get("/services/").content.decode()
    assert "Two-day course on data analytics" in listing and "Alpha Manufacturing" in listing


@pytest.mark.parametrize(
    ("changes", "field", "reason"),
    [
        ({"ended_on": "2026-05-01"}, "ended_on", "cannot end before it started"),
        ({"aid": "2500"}, "aid", "more than the service"),
        ({"price": "-4"}, "price", "cannot be negative"),
        ({"customer": ""}, "customer", "registered with the hub"),
    ],
)
def test_bad_input_is_named_on_the_form(
    personas: Any, org_a: Organisation, changes: dict[str, Any], field: str, reason: str
) -> None:
    response = logged_in(personas.hub_advisor).post("/services/new/", form(org_a, **changes))
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not ServiceRecord.objects.exists()


def test_a_partner_logs_for_the_companies_referred_to_it(make_user: Any, personas: Any, org_a: Organisation) -> None:
    partner = Organisation.objects.create(name="Université du Luxembourg", country="LU")
    member = make_user(Role.PARTNER_MEMBER, partner)
    page = logged_in(member).get("/services/new/").content.decode()
    assert "Alpha Manufacturing" not in page  # no referral to the university yet: not among its customers
    assert logged_in(personas.a["company_member"]).get("/services/new/").status_code == 403


def test_staff_confirm_or_reject_a_proposal(personas: Any, org_a: Organisation) -> None:
    day = timezone.localdate() - timedelta(days=2)
    first = actions.record_propose(
        actor=None, source="referral", customer=org_a, category="test_before_invest", description="PoC", started_on=day
    )
    second = actions.record_propose(
        actor=None,
        source="event",
        customer=org_a,
        category="skills_and_training",
        description="Workshop",
        started_on=day,
    )
    assert first is not None and second is not None
    client = logged_in(personas.hub_advisor)
    assert "2 proposed records to confirm" in client.get("/services/").content.decode()
    data = form(org_a, category="test_before_invest", description="PoC", started_on=str(day), ended_on=str(day))
    data.update(status="finalised", aid="0", aid_basis="none")
    assert client.post(f"/services/{first.pk}/", data).status_code == 302
    first.refresh_from_db()
    assert (first.status, first.price) == (S.FINALISED, Decimal("2400.00"))
    refused = client.post(f"/services/{second.pk}/reject/", {"reason": ""})
    assert refused.status_code == 400 and "Say why" in refused.content.decode()
    assert client.post(f"/services/{second.pk}/reject/", {"reason": "Duplicate"}).status_code == 302
    second.refresh_from_db()
    assert second.status == S.REJECTED
    # The company's members see the confirmed service, never the rejected proposal.
    company_page = logged_in(personas.a["company_member"]).get("/services/").content.decode()
    assert "PoC" in company_page and "Workshop" not in company_page


def test_the_ledger_refuses_aid_above_the_ceiling_and_explains_the_options(personas: Any, org_a: Organisation) -> None:
    company = logged_in(personas.a["company_member"])
    declared = company.post(
        f"/organisations/{org_a.pk}/aid/declare/",
        {
            "amount": "250000",
            "granted_on": "2025-01-15",
            "granting_body": "Ministère de l'Économie",
            "regulation": "2023/2831",
        },
    )
    assert declared.status_code == 302 and Declaration.objects.count() == 1
    missing = company.post(
        f"/organisations/{org_a.pk}/aid/declare/",
        {"amount": "100", "granted_on": "", "granting_body": "Commune", "regulation": "2023/2831"},
    )
    assert missing.status_code == 400 and "Give a date" in missing.content.decode()
    assert company.post(f"/organisations/{org_a.pk}/aid/grant/", {"amount": "10"}).status_code == 404

    staff = logged_in(personas.hub_advisor)
    page = staff.get(f"/organisations/{org_a.pk}/aid/").content.decode()
    assert "250000.00 EUR" in page and "50000.00 EUR" in page  # counted and headroom
    refused = staff.post(
        f"/organisations/{org_a.pk}/aid/grant/",
        {"amount": "60000", "granted_on": "", "description": "Pilot", "basis": "de_minimis"},
    )
    text = refused.content.decode()
    assert refused.status_code == 400 and "another basis" in text and "correct its declaration" in text
    assert not Grant.objects.exists()
    granted = staff.post(
        f"/organisations/{org_a.pk}/aid/grant/",
        {"amount": "40000", "granted_on": "", "description": "Pilot on the press line", "basis": "de_minimis"},
    )
    grant = Grant.objects.get()
    assert granted.status_code == 302 and granted["Location"] == f"/aid/grants/{grant.pk}/"
    notice = company.get(f"/aid/grants/{grant.pk}/").content.decode()
    assert grant.number in notice and "40000.00" in notice and "de minimis" in notice and "2023/2831" in notice
    assert "Cancel the grant" not in notice  # the company reads its notice, staff cancel
    assert logged_in(personas.b["company_member"]).get(f"/aid/grants/{grant.pk}/").status_code == 404
    assert staff.post(f"/aid/grants/{grant.pk}/cancel/", {"reason": "Not needed"}).status_code == 302
    grant.refresh_from_db()
    assert grant.status == Grant.Status.CANCELLED


def test_a_record_points_to_its_grant_by_the_notice_number(personas: Any, org_a: Organisation) -> None:
    grant, _warning = actions.grant_record(
        actor=personas.hub_admin, organisation=org_a, amount="600", description="Course"
    )
    client = logged_in(personas.hub_advisor)
    assert client.post("/services/new/", form(org_a, grant="DM-1999-0001")).status_code == 400
    assert client.post("/services/new/", form(org_a, grant=grant.number)).status_code == 302
    record = ServiceRecord.objects.get()
    assert record.grant_id == grant.pk
    assert grant.number in client.get(f"/services/{record.pk}/").content.decode()


def test_aid_is_granted_from_an_accepted_referral_dated_at_its_acceptance(personas: Any, org_a: Organisation) -> None:
    from moselle.journeys import actions as journey_actions
    from moselle.organisations.models import OrganisationKind

    provider = Organisation.objects.create(name="Cyber Range SA", country="LU")
    OrganisationKind.objects.create(organisation=provider, kind="technology_provider")
    referral = journey_actions.referral_propose(actor=personas.hub_advisor, organisation=org_a, recipient=provider)
    journey_actions.referral_consent(actor=personas.a["company_member"], referral=referral, shared=["profile"])
    journey_actions.referral_move(actor=personas.hub_advisor, referral=referral, status="accepted")
    staff = logged_in(personas.hub_advisor)
    link = f"/organisations/{org_a.pk}/aid/?referral={referral.pk}"
    assert link in staff.get(f"/referrals/{referral.pk}/").content.decode()
    assert link not in logged_in(personas.a["company_member"]).get(f"/referrals/{referral.pk}/").content.decode()
    page = staff.get(link)
    accepted_on = timezone.localdate().isoformat()
    assert page.context["grant_form"].initial["granted_on"] == accepted_on
    response = staff.post(
        f"/organisations/{org_a.pk}/aid/grant/",
        {
            "amount": "900",
            "granted_on": accepted_on,
            "description": "Cyber range day",
            "basis": "de_minimis",
            "referral": referral.pk,
        },
    )
    assert response.status_code == 302
    grant = Grant.objects.get()
    assert (grant.source, grant.referral_id, grant.granted_on.isoformat()) == ("referral", referral.pk, accepted_on)
