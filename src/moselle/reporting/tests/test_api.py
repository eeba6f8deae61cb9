"""The reporting API: service records, the ledger, declarations and grants, with errors naming the field."""

from __future__ import annotations

from typing import Any

from django.test import Client

from moselle.accounts.models import Role
from moselle.organisations.models import Organisation, Ownership
from moselle.reporting.models import Grant, ServiceRecord


def api(token_for: Any, user: Any, role: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_for(user, role)}"})


def test_a_service_is_logged_read_and_changed(personas: Any, token_for: Any, org_a: Organisation) -> None:
    client = api(token_for, personas.hub_advisor, Role.HUB_ADVISOR)
    body = {
        "customer_id": org_a.pk,
        "category": "test_before_invest",
        "description": "HPC proof of concept",
        "started_on": "2026-03-02",
        "price": "20000",
        "invoiced": "10000",
        "aid": "5000.50",
        "aid_basis": "de_minimis",
    }
    created = client.post("/api/v1/services", body, content_type="application/json")
    assert created.status_code == 201, created.json()
    record = created.json()
    assert (record["aid"], record["status"], record["customer_name"]) == ("5000.50", "ongoing", org_a.name)
    patched = client.patch(
        f"/api/v1/services/{record['id']}",
        {"status": "finalised", "ended_on": "2026-04-30"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["ended_on"] == "2026-04-30"
    listed = client.get("/api/v1/services?status=finalised").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == record["id"]
    company = api(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    assert company.get(f"/api/v1/services/{record['id']}").status_code == 200
    assert (
        company.patch(f"/api/v1/services/{record['id']}", {"attendees": 2}, content_type="application/json").status_code
        == 404
    )


def test_bad_records_get_422_naming_the_field(personas: Any, token_for: Any, org_a: Organisation) -> None:
    client = api(token_for, personas.hub_advisor, Role.HUB_ADVISOR)
    base = {
        "customer_id": org_a.pk,
        "category": "skills_and_training",
        "description": "Course",
        "started_on": "2026-03-02",
    }
    for changes, field in (
        ({"customer_id": 999999}, "customer"),
        ({"ended_on": "2026-03-01"}, "ended_on"),
        ({"price": "-10"}, "price"),
        ({"price": "10", "aid": "20", "aid_basis": "gber"}, "aid"),
        ({"category": "consulting"}, "category"),
    ):
        response = client.post("/api/v1/services", {**base, **changes}, content_type="application/json")
        assert response.status_code == 422, response.json()
        assert field in {error["field"] for error in response.json()["errors"]}
    assert not ServiceRecord.objects.exists()


def test_the_ledger_and_a_refused_grant(
    personas: Any, token_for: Any, org_a: Organisation, org_b: Organisation
) -> None:
    Ownership.objects.create(owner=org_b, owned=org_a, kind="votes", percent=51)
    company = api(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    declared = company.post(
        f"/api/v1/organisations/{org_a.pk}/aid/declarations",
        {"amount": "290000", "granted_on": "2025-06-01", "granting_body": "Ministry", "regulation": "2023/2831"},
        content_type="application/json",
    )
    assert declared.status_code == 201
    staff = api(token_for, personas.hub_advisor, Role.HUB_ADVISOR)
    # B controls A: granting B more than the 10,000 left is refused, with the reason.
    refused = staff.post(
        f"/api/v1/organisations/{org_b.pk}/aid/grants",
        {"amount": "10000.01", "description": "Pilot"},
        content_type="application/json",
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "amount"
    assert not Grant.objects.exists()
    granted = staff.post(
        f"/api/v1/organisations/{org_b.pk}/aid/grants",
        {"amount": "10000", "description": "Pilot"},
        content_type="application/json",
    )
    assert granted.status_code == 201 and granted.json()["warning"] and granted.json()["number"].startswith("DM-")
    ledger = company.get(f"/api/v1/organisations/{org_a.pk}/aid").json()
    assert (ledger["total"], ledger["headroom"], sorted(ledger["undertaking"])) == (
        "300000.00",
        "0.00",
        sorted([org_a.pk, org_b.pk]),
    )
    assert (
        company.post(
            f"/api/v1/organisations/{org_a.pk}/aid/grants",
            {"amount": "1", "description": "x"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_a_partner_cannot_confirm_its_own_proposal_by_a_change(
    personas: Any, token_for: Any, org_a: Organisation
) -> None:
    from datetime import date

    from moselle.reporting import actions

    proposed = actions.record_propose(
        actor=None,
        source="referral",
        customer=org_a,
        category="skills_and_training",
        description="Course",
        started_on=date(2026, 3, 2),
        partner=org_a,
    )
    assert proposed is not None
    partner = api(token_for, personas.a["partner_member"], Role.PARTNER_MEMBER)
    for body in ({"status": "finalised"}, {"status": None}):
        response = partner.patch(f"/api/v1/services/{proposed.pk}", body, content_type="application/json")
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == "status"
    proposed.refresh_from_db()
    assert proposed.status == ServiceRecord.Status.PROPOSED


def test_null_in_a_change_leaves_the_field_or_clears_an_end(personas: Any, token_for: Any, org_a: Organisation) -> None:
    client = api(token_for, personas.hub_advisor, Role.HUB_ADVISOR)
    body = {
        "customer_id": org_a.pk,
        "category": "skills_and_training",
        "description": "Course",
        "started_on": "2026-03-02",
        "ended_on": "2026-03-03",
        "status": "finalised",
    }
    record = client.post("/api/v1/services", body, content_type="application/json").json()
    changed = client.patch(
        f"/api/v1/services/{record['id']}", {"status": None, "ended_on": None}, content_type="application/json"
    ).json()
    assert (changed["status"], changed["ended_on"]) == ("finalised", None)
