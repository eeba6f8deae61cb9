"""The funding API: a new programme with rules written through the API — no code change — and a company
evaluated against it; declarations that change the answer; the estimate; bad input named per field."""

from __future__ import annotations

from typing import Any

from django.test import Client

from moselle.accounts.models import Role
from moselle.funding.models import Programme
from moselle.funding.tests.conftest import figures
from moselle.organisations.models import Organisation, OrganisationKind


def api(token_for: Any, user: Any, role: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_for(user, role)}"})


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)("/api/v1" + url, body, content_type="application/json")


def fields(response: Any) -> set[str]:
    return {error["field"] for error in response.json()["errors"]}


PROGRAMME = {
    "code": "gr-cross-border-digital",
    "name": {"en": "Cross-border digital vouchers", "de": "Grenzüberschreitende Digitalgutscheine"},
    "operator": "Greater Region secretariat",
    "scope": "cross_border",
    "instrument": "grant",
    "rate_pct": 40,
    "amount_max": 20000,
    "confidence": "medium",
    "rules": [
        {"fact": "size_class", "in": ["micro", "small"]},
        {"fact": "country", "in": ["LU", "FR", "DE", "BE"]},
        {"fact": "business_permit"},
    ],
}


def test_a_programme_written_through_the_api_is_evaluated(personas: Any, token_for: Any) -> None:
    staff = api(token_for, personas.hub_admin, Role.HUB_ADMIN)
    created = send(staff, "post", "/funding/programmes", PROGRAMME)
    assert created.status_code == 201, created.json()
    programme = created.json()
    assert programme["rules"][0] == {"fact": "size_class", "in": ["micro", "small"]}
    company = Organisation.objects.get(pk=personas.a[Role.COMPANY_MEMBER].memberships.get().organisation_id)
    OrganisationKind.objects.get_or_create(organisation=company, kind=Organisation.Kind.COMPANY)
    figures(company, "small")
    member = api(token_for, personas.a[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER)
    url = f"/api/v1/funding/organisations/{company.pk}/eligibility?programme={programme['id']}"
    before = member.get(url).json()
    assert [(e["code"], e["outcome"]) for e in before] == [("gr-cross-border-digital", "unknown")]
    permit = before[0]["rules"][2]
    assert (permit["outcome"], permit["missing"][0]["who"]) == ("unknown", "company")
    declared = send(
        member, "post", f"/funding/organisations/{company.pk}/declarations", {"kind": "business_permit", "holds": True}
    )
    assert declared.status_code == 201, declared.json()
    after = member.get(url).json()[0]
    assert after["outcome"] == "eligible" and [r["outcome"] for r in after["rules"]] == ["met", "met", "met"]
    assert after["rules"][0]["used"]["size_class"] == "small"

    stricter = send(
        staff, "patch", f"/funding/programmes/{programme['id']}", {"rules": [{"fact": "size_class", "in": ["micro"]}]}
    )
    assert stricter.status_code == 200
    refused = member.get(url).json()[0]
    assert refused["outcome"] == "not_eligible" and "small" in refused["rules"][0]["reason"]

    estimate = member.get(f"/api/v1/funding/programmes/{programme['id']}/estimate?cost=80000").json()
    assert estimate["amount"] == "20000.00" and estimate["verified"] is True  # 40 % of 80,000 capped at 20,000


def test_bad_programmes_and_declarations_are_named(personas: Any, token_for: Any) -> None:
    staff = api(token_for, personas.hub_admin, Role.HUB_ADMIN)
    bad = send(
        staff,
        "post",
        "/funding/programmes",
        {
            **PROGRAMME,
            "rate_pct": 150,
            "rules": [{"fact": "shoe_size", "in": [42]}, {"fact": "nace", "exclude": ["ZZ"]}],
        },
    )
    assert bad.status_code == 422 and fields(bad) == {"rate_pct", "rules[0].fact", "rules[1].exclude"}
    assert not Programme.objects.exists()
    created = send(staff, "post", "/funding/programmes", PROGRAMME).json()
    call = send(
        staff,
        "post",
        f"/funding/programmes/{created['id']}/calls",
        {"title": {"en": "Round 1"}, "opens_on": "2027-05-01", "closes_on": "2027-04-01"},
    )
    assert call.status_code == 422 and fields(call) == {"closes_on"}
    member = api(token_for, personas.a[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER)
    company_id = personas.a[Role.COMPANY_MEMBER].memberships.get().organisation_id
    history = send(
        member,
        "post",
        f"/funding/organisations/{company_id}/declarations",
        {"kind": "programme_history", "holds": True},
    )
    assert history.status_code == 422 and fields(history) == {"programme", "last_granted_on"}
    other = personas.b[Role.COMPANY_MEMBER].memberships.get().organisation_id
    assert member.get(f"/api/v1/funding/organisations/{other}/eligibility").status_code == 404


def test_calls_say_when_they_close_soon(personas: Any, token_for: Any) -> None:
    from datetime import timedelta

    from django.utils import timezone

    staff = api(token_for, personas.hub_admin, Role.HUB_ADMIN)
    created = send(staff, "post", "/funding/programmes", PROGRAMME).json()
    today = timezone.localdate()
    for title, opens, closes in (
        ("Soon", today - timedelta(days=10), today + timedelta(days=12)),
        ("Later", today, today + timedelta(days=90)),
        ("Past", today - timedelta(days=90), today - timedelta(days=1)),
    ):
        send(
            staff,
            "post",
            f"/funding/programmes/{created['id']}/calls",
            {"title": {"en": title}, "opens_on": opens.isoformat(), "closes_on": closes.isoformat()},
        )
    calls = {c["title"]["en"]: c for c in staff.get(f"/api/v1/funding/programmes/{created['id']}").json()["calls"]}
    assert (calls["Soon"]["open"], calls["Soon"]["closing_soon"]) == (True, True)
    assert (calls["Later"]["open"], calls["Later"]["closing_soon"]) == (True, False)
    assert (calls["Past"]["open"], calls["Past"]["closing_soon"]) == (False, False)


def test_find_funding_for_a_need(personas: Any, token_for: Any) -> None:
    from moselle.funding.seed import seed_programmes

    seed_programmes()
    company_id = personas.a[Role.COMPANY_MEMBER].memberships.get().organisation_id
    member = api(token_for, personas.a[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER)
    answer = member.get(f"/api/v1/funding/organisations/{company_id}/find?text=cybersecurity+project")
    assert answer.status_code == 200
    found = answer.json()
    assert found and all(f["evaluation"]["outcome"] in ("eligible", "unknown") for f in found)
    # company A has no figures yet: the SME programmes are still to check, after the eligible ones
    assert (found[0]["evaluation"]["code"], found[0]["evaluation"]["outcome"]) == ("eu-digital-europe", "eligible")
    assert "cybersecurity" in found[0]["fit"][0]
    cid = next(f for f in found if f["evaluation"]["code"] == "lu-cid")
    assert cid["evaluation"]["outcome"] == "unknown" and cid["score"] > 0
    assert member.get(f"/api/v1/funding/organisations/{company_id}/find").status_code == 422


def test_a_provider_the_caller_may_not_see_is_refused_not_named(personas: Any, token_for: Any) -> None:
    from moselle.funding.seed import seed_programmes

    seed_programmes()
    secret = Organisation.objects.create(name="Prospect Nobody Should See SARL", country="LU")
    company_id = personas.a[Role.COMPANY_MEMBER].memberships.get().organisation_id
    member = api(token_for, personas.a[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER)
    url = f"/api/v1/funding/organisations/{company_id}/eligibility?provider={secret.pk}"
    refused = member.get(url)
    assert refused.status_code == 422 and fields(refused) == {"provider"}
    assert "Prospect Nobody" not in refused.content.decode()
    Programme.objects.get(code="lu-fit4digital").approved_providers.add(secret)  # now public as approved
    assert (
        "is an approved provider"
        in member.get(url + "&programme=" + str(Programme.objects.get(code="lu-fit4digital").pk)).content.decode()
    )
