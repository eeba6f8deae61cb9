"""The catalogue's API: the same filters and rules as the pages, bad input as 422 naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer, offer_data
from moselle.core.models_taxonomy import Technology
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _call(client: Client, method: str, url: str, body: Any = None) -> Any:
    if body is None:
        return getattr(client, method)("/api/v1" + url)
    return getattr(client, method)("/api/v1" + url, data=body, content_type="application/json")


def test_it_lists_published_offers_with_the_page_s_filters(
    client_for: Any, personas: Any, org_a: Organisation, org_b: Organisation
) -> None:
    ai = Technology.objects.create(name="AI", label={"en": "AI"})
    first = make_offer(org_a, "published", technologies=[ai.pk], price_kind="subsidised", price_min="0")
    second = make_offer(org_b, "published", kind="training", countries=["BE"], languages=["de"])
    make_offer(org_a, "draft")
    client = client_for(personas.b["company_member"])

    def ids(query: str = "") -> list[int]:
        response = _call(client, "get", "/offers" + query)
        assert response.status_code == 200, response.content
        return [item["id"] for item in response.json()["items"]]

    assert ids() == [first.pk, second.pk]
    assert ids("?kind=training") == [second.pk]
    assert ids(f"?technology={ai.pk}") == [first.pk]
    assert ids("?country=be") == [second.pk]
    assert ids("?language=de") == [second.pk]
    assert ids("?price=subsidised") == [first.pk]
    assert ids("?q=alpha") == [first.pk]
    assert ids("?status=draft") == []  # B's member sees no draft of A
    item = _call(client, "get", f"/offers/{first.pk}").json()
    assert item["technologies"] == [{"id": ai.pk, "name": "AI"}] and item["price_min"] == "0.00"
    assert item["title"]["fr"] == "Preuve de concept en vision industrielle"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?country=XX", "country"),
        ("?language=zz", "language"),
        ("?kind=miracle", "kind"),
        ("?technology=999999", "technology"),
        ("?technology=abc", "technology"),
        ("?status=deleted", "status"),
        ("?limit=0", "limit"),
    ],
)
def test_unknown_facet_codes_are_named(client_for: Any, personas: Any, query: str, field: str) -> None:
    response = _call(client_for(personas.hub_admin), "get", "/offers" + query)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field


def test_a_member_creates_updates_and_submits_and_the_hub_publishes(
    client_for: Any, personas: Any, org_a: Organisation
) -> None:
    member = client_for(personas.a["provider_member"])
    created = _call(member, "post", f"/organisations/{org_a.pk}/offers", offer_data(price_min=1500, price_max=4000.5))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "draft" and body["price_max"] == "4000.50" and body["provider_name"] == str(org_a)
    offer_id = body["id"]
    patched = _call(member, "patch", f"/offers/{offer_id}", {"trl_min": 2, "references": []})
    assert patched.status_code == 200 and patched.json()["trl_min"] == 2 and patched.json()["references"] == []
    assert _call(member, "post", f"/offers/{offer_id}/submit").json()["status"] == "submitted"
    assert _call(member, "post", f"/offers/{offer_id}/moderate", {"decision": "publish"}).status_code == 404
    hub = client_for(personas.hub_advisor)
    sent_back = _call(hub, "post", f"/offers/{offer_id}/moderate", {"decision": "draft", "note": "Add prices."})
    assert sent_back.json()["status"] == "draft" and sent_back.json()["moderation_note"] == "Add prices."
    _call(member, "post", f"/offers/{offer_id}/submit")
    published = _call(hub, "post", f"/offers/{offer_id}/moderate", {"decision": "publish"})
    assert published.status_code == 200 and published.json()["published_at"]
    refused = _call(member, "patch", f"/offers/{offer_id}", {"lead_time_days": 1})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "status"
    again = _call(hub, "post", f"/offers/{offer_id}/moderate", {"decision": "publish"})
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "status"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price_min": -1}, "price_min"),
        ({"price_min": "-0.5"}, "price_min"),
        ({"price_min": 900, "price_max": 100}, "price_max"),
        ({"trl_min": 0}, "trl_min"),
        ({"trl_max": 10}, "trl_max"),
        ({"trl_min": 3.5}, "trl_min"),
        ({"technologies": ["Teleportation"]}, "technologies"),
        ({"technologies": [424242]}, "technologies"),
        ({"title": {"en": "", "fr": "", "de": ""}}, "title"),
        ({"title": {"xx": "Hello"}}, "title"),
        ({"kind": "miracle"}, "kind"),
        ({"countries": ["ZZ"]}, "countries"),
        ({"languages": []}, "languages"),
        ({"references": [{"text": "x", "url": "ftp://example.org"}]}, "references"),
        ({"lead_time_days": 10**12}, "lead_time_days"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(
    client_for: Any, personas: Any, org_a: Organisation, changes: dict[str, Any], field: str
) -> None:
    response = _call(
        client_for(personas.a["provider_member"]), "post", f"/organisations/{org_a.pk}/offers", offer_data(**changes)
    )
    assert response.status_code == 422, response.content
    assert field in [error["field"] for error in response.json()["errors"]], response.json()
    assert not Offer.objects.exists()


def test_a_missing_field_and_a_broken_body_are_named(client_for: Any, personas: Any, org_a: Organisation) -> None:
    client = client_for(personas.hub_admin)
    data = offer_data()
    del data["title"]
    response = _call(client, "post", f"/organisations/{org_a.pk}/offers", data)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "title"
    broken = client.post(f"/api/v1/organisations/{org_a.pk}/offers", data="{", content_type="application/json")
    assert broken.status_code == 422
    offer = make_offer(org_a)
    emptied = _call(client, "patch", f"/offers/{offer.pk}", {"title": None})
    assert emptied.status_code == 422 and emptied.json()["errors"][0]["field"] == "title"


def test_the_version_goes_up_with_every_change_and_the_note_stays_between_hub_and_provider(
    client_for: Any, personas: Any, org_a: Organisation
) -> None:
    client = client_for(personas.b["company_member"])
    before = _call(client, "get", "/catalogue/version").json()["version"]
    offer = make_offer(org_a, "published")
    Offer.objects.filter(pk=offer.pk).update(moderation_note="Only for A")
    after = _call(client, "get", "/catalogue/version").json()
    assert after["version"] == before + 2 and after["changed_at"]
    assert _call(client, "get", f"/offers/{offer.pk}").json()["moderation_note"] == ""
    own = client_for(personas.a["provider_member"])
    assert _call(own, "get", f"/offers/{offer.pk}").json()["moderation_note"] == "Only for A"
