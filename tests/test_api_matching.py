"""The matching API: the search with its reasons as data, bad needs refused with the field named, and the
outcomes only hub staff record."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from moselle.accounts.models import Role
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.taxonomy import seed_taxonomy
from moselle.matching.models import Outcome
from moselle.organisations import actions as registry_actions

JSON = "application/json"


@pytest.fixture
def offer(db: Any) -> Offer:
    seed_taxonomy()
    provider = registry_actions.organisation_create(
        actor=None, name="Secure Lux", country="LU", details={"kinds": ["technology_provider"]}
    )
    return make_offer(
        provider,
        Offer.Status.PUBLISHED,
        title={"en": "Phishing drill", "fr": "Exercice d'hameçonnage"},
        technologies=["Cybersecurity"],
        smes_only=False,
    )


def _bearer(token_for: Any, user: Any, role: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_for(user, role)}"})


def test_the_search_gives_results_by_kind_with_reasons_as_data(offer: Offer, personas: Any, token_for: Any) -> None:
    member = _bearer(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    response = member.get("/api/v1/match", {"text": "We need help against phishing", "country": "LU"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["message"] == ""
    assert {"dimension": "technology", "label": "Cybersecurity", "name": "Cybersecurity", "words": ["phishing"]} in (
        body["understood"]
    )
    assert [g["kind"] for g in body["groups"]][:1] == ["offer"]
    first = body["groups"][0]["results"][0]
    assert (first["kind"], first["id"], first["url"]) == ("offer", offer.pk, f"/catalogue/{offer.pk}/")
    reasons = {r["code"]: r for r in first["reasons"]}
    assert reasons["label"]["params"] == {
        "dimension": "technology",
        "label": "Cybersecurity",
        "level": None,
        "because": ["phishing"],
        "chosen": False,
    }
    assert reasons["label"]["text"] == "covers Cybersecurity (you wrote “phishing”)"
    assert reasons["serves"]["params"] == {"country": "LU"}
    french = member.get("/api/v1/match", {"text": "hameçonnage"}, headers={"Accept-Language": "fr"})
    assert french.status_code == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"text": "x" * 10_240}, "text"),
        ({"text": "cyber", "technologies": "Teleportation"}, "technologies"),
        ({"text": "cyber", "budget": "-5"}, "budget"),
        ({"text": "cyber", "country": "ZZ"}, "country"),
        ({"text": "cyber", "kinds": "spaceship"}, "kinds"),
        ({"text": "cyber", "limit": "0"}, "limit"),
    ],
)
def test_a_bad_need_is_refused_naming_the_field(
    offer: Offer, personas: Any, token_for: Any, query: dict[str, str], field: str
) -> None:
    member = _bearer(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    response = member.get("/api/v1/match", query)
    assert response.status_code == 422
    assert field in [error["field"] for error in response.json()["errors"]]
    assert response.json()["detail"].startswith(f"{field}: ")


def test_an_empty_or_foreign_need_gets_a_message_not_an_error(offer: Offer, personas: Any, token_for: Any) -> None:
    member = _bearer(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    empty = member.get("/api/v1/match", {"text": ""})
    assert empty.status_code == 200 and empty.json()["results"] == [] and empty.json()["message"]
    foreign = member.get("/api/v1/match", {"text": "网络安全"})
    assert foreign.status_code == 200 and foreign.json()["results"] == [] and foreign.json()["message"]


def test_the_search_needs_a_caller(offer: Offer) -> None:
    assert Client().get("/api/v1/match", {"text": "phishing"}).status_code == 401


def test_staff_record_outcomes_and_others_cannot(offer: Offer, personas: Any, token_for: Any, org_a: Any) -> None:
    advisor = _bearer(token_for, personas.hub_advisor, Role.HUB_ADVISOR)
    payload = {"kind": "offer", "item_id": offer.pk, "decision": "declined", "organisation_id": org_a.pk}
    created = advisor.post("/api/v1/match/outcomes", payload, content_type=JSON)
    assert created.status_code == 201, created.content
    stored = Outcome.objects.get()
    assert (stored.kind, stored.item_id, stored.decision, stored.organisation_id) == (
        "offer",
        offer.pk,
        "declined",
        org_a.pk,
    )
    assert stored.recorded_by == personas.hub_advisor
    member = _bearer(token_for, personas.a["company_member"], Role.COMPANY_MEMBER)
    assert member.post("/api/v1/match/outcomes", payload, content_type=JSON).status_code == 404
    bad_kind = advisor.post("/api/v1/match/outcomes", {**payload, "kind": "spaceship"}, content_type=JSON)
    assert bad_kind.status_code == 422 and bad_kind.json()["errors"][0]["field"] == "kind"
    bad_decision = advisor.post("/api/v1/match/outcomes", {**payload, "decision": "maybe"}, content_type=JSON)
    assert bad_decision.status_code == 422 and bad_decision.json()["errors"][0]["field"] == "decision"
    missing = advisor.post("/api/v1/match/outcomes", {**payload, "item_id": 999_999}, content_type=JSON)
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "item_id"
    assert Outcome.objects.count() == 1
