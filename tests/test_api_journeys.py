"""The journeys' API: a request opens a case, needs drafted and prioritised, a roadmap agreed by the company
only, and a referral's recipient reading nothing of the company's file beyond the consent."""

from __future__ import annotations

from typing import Any

import pytest

from moselle.accounts.models import Role
from moselle.assessments import actions as assessment_actions
from moselle.assessments.tests.test_flow import required_customer
from moselle.assessments.tests.test_scoring import sme_example
from moselle.core.taxonomy import seed_taxonomy
from moselle.journeys import actions
from moselle.journeys.models import Case, Referral
from moselle.organisations import actions as registry_actions
from moselle.organisations.models import Organisation

JSON = "application/json"


@pytest.fixture
def provider(db: Any) -> Organisation:
    return registry_actions.organisation_create(
        actor=None, name="Secure Lux", country="LU", details={"kinds": ["technology_provider"]}
    )


@pytest.fixture
def provider_member(make_user: Any, provider: Organisation) -> Any:
    return make_user(Role.PROVIDER_MEMBER, provider)


def referral_to(
    provider: Organisation, company: Organisation, advisor: Any, member: Any, shared: list[str]
) -> Referral:
    referral = actions.referral_propose(actor=advisor, organisation=company, recipient=provider)
    if shared:
        actions.referral_consent(actor=member, referral=referral, shared=shared)
    return referral


def test_a_request_through_the_api_opens_a_case_in_triage(client_for: Any, personas: Any) -> None:
    body = {
        "name": "Anne Schmit",
        "email": "anne@example.org",
        "organisation_name": "Boulangerie Schmit",
        "country": "Luxembourg",
        "message": "Too much bread thrown away.",
        "privacy_notice": True,
        "language": "fr",
    }
    response = client_for(personas.hub_advisor).post("/api/v1/requests", body, content_type=JSON)
    assert response.status_code == 201, response.content
    assert (response.json()["status"], response.json()["stage"]) == ("triage", "inform")
    assert Case.objects.get(pk=response.json()["id"]).request.country == "LU"


def test_a_request_without_the_privacy_notice_names_the_field(client_for: Any, personas: Any) -> None:
    body = {"name": "A", "email": "a@example.org", "organisation_name": "B", "country": "LU", "message": "C"}
    response = client_for(personas.hub_advisor).post(
        "/api/v1/requests", {**body, "privacy_notice": False}, content_type=JSON
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["privacy_notice"]
    assert not Case.objects.exists()


def test_needs_are_drafted_and_listed_by_priority(client_for: Any, personas: Any, org_a: Organisation) -> None:
    seed_taxonomy()
    assessment = assessment_actions.assessment_start(actor=None, organisation=org_a, stage="T0")
    assessment_actions.assessment_save(
        actor=None, assessment=assessment, answers=sme_example(), customer=required_customer(assessment)
    )
    assessment_actions.assessment_submit(actor=None, assessment=assessment)
    advisor = personas.hub_advisor
    case = actions.case_open(actor=advisor, organisation=org_a, title="Plan", owner=advisor)
    client = client_for(advisor)
    drafted = client.post(f"/api/v1/cases/{case.pk}/needs/draft", {"targets": {"d1": "average"}}, content_type=JSON)
    assert drafted.status_code == 200, drafted.content
    assert [need["dimension"] for need in drafted.json()] == ["d4", "d6", "d2", "d5", "d3"]
    assert drafted.json()[0]["gap"] == "22.43" and drafted.json()[0]["priority"] == "67.2900"
    bad = client.post(f"/api/v1/cases/{case.pk}/needs/draft", {"targets": {"d1": "stellar"}}, content_type=JSON)
    assert bad.status_code == 422


def test_only_the_company_agrees_its_roadmap(client_for: Any, personas: Any, org_a: Organisation) -> None:
    advisor = personas.hub_advisor
    case = actions.case_open(actor=advisor, organisation=org_a, title="Plan", owner=advisor)
    actions.need_create(actor=advisor, case=case, data={"title": "A web shop", "gap": "30"})
    roadmap = actions.roadmap_draft(actor=advisor, case=case)
    refused = client_for(advisor).post(f"/api/v1/roadmaps/{roadmap.pk}/agree")
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "roadmap"
    agreed = client_for(personas.a["company_member"]).post(f"/api/v1/roadmaps/{roadmap.pk}/agree")
    assert agreed.status_code == 200
    assert [v["number"] for v in agreed.json()["versions"]] == [1]
    assert client_for(personas.b["company_member"]).post(f"/api/v1/roadmaps/{roadmap.pk}/agree").status_code == 404


def test_a_provider_without_a_referral_cannot_open_the_company_s_file(
    client_for: Any, personas: Any, org_a: Organisation, provider: Organisation, provider_member: Any, make_user: Any
) -> None:
    other = registry_actions.organisation_create(
        actor=None, name="Other Provider", country="LU", details={"kinds": ["consultant"]}
    )
    referral = referral_to(other, org_a, personas.hub_advisor, personas.plain_a, ["profile", "need"])
    client = client_for(provider_member)
    assert client.get(f"/api/v1/organisations/{org_a.pk}").status_code == 404
    assert client.get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert client.get("/api/v1/referrals").json()["count"] == 0
    assert client.get(f"/organisations/{org_a.pk}/").status_code == 404
    assert client.get(f"/referrals/{referral.pk}/").status_code == 404


def test_a_recipient_reads_only_what_the_company_shares(
    client_for: Any, personas: Any, org_a: Organisation, provider: Organisation, provider_member: Any
) -> None:
    case = actions.case_open(actor=personas.hub_advisor, organisation=org_a, title="Plan", owner=personas.hub_advisor)
    need = actions.need_create(actor=personas.hub_advisor, case=case, data={"title": "Protect the tills", "gap": 30})
    referral = actions.referral_propose(actor=personas.hub_advisor, organisation=org_a, recipient=provider, need=need)
    client = client_for(provider_member)
    assert client.get(f"/api/v1/referrals/{referral.pk}").status_code == 404  # before the consent
    actions.referral_consent(actor=personas.plain_a, referral=referral, shared=["need"])
    seen = client.get(f"/api/v1/referrals/{referral.pk}").json()
    assert seen["shared_file"]["need"]["title"] == "Protect the tills"
    assert seen["shared_file"]["profile"] is None and seen["shared_file"]["contact"] is None
    assert seen["organisation_name"] == ""  # the name is part of the profile, which was not shared
    assert seen["case_id"] is None and seen["need_id"] is None and seen["service_record_draft"] == {}
    moved = client.post(f"/api/v1/referrals/{referral.pk}/move", {"status": "declined"}, content_type=JSON)
    assert moved.status_code == 422 and moved.json()["errors"][0]["field"] == "note"
    accepted = client.post(f"/api/v1/referrals/{referral.pk}/move", {"status": "accepted"}, content_type=JSON)
    assert accepted.json()["status"] == "accepted"
    # Withdrawn consent: the recipient sees nothing again.
    actions.referral_consent(actor=personas.plain_a, referral=referral, shared=[], given=False)
    assert client.get(f"/api/v1/referrals/{referral.pk}").status_code == 404


def test_a_referral_to_a_company_is_refused(
    client_for: Any, personas: Any, org_a: Organisation, org_b: Organisation
) -> None:
    response = client_for(personas.hub_advisor).post(
        "/api/v1/referrals", {"organisation_id": org_a.pk, "recipient_id": org_b.pk}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "recipient"
    assert "neither a provider, a partner of the hub nor another hub" in response.json()["detail"]
    assert not Referral.objects.exists()


def test_a_company_member_cannot_learn_another_organisation_s_name_through_a_referral(
    client_for: Any, personas: Any, org_a: Organisation, org_b: Organisation
) -> None:
    response = client_for(personas.a["company_member"]).post(
        "/api/v1/referrals", {"organisation_id": org_a.pk, "recipient_id": org_b.pk}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "recipient_id"
    assert org_b.name not in response.content.decode()
