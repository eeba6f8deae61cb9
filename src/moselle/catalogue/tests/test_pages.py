"""The catalogue's pages: the public list and its filters, an offer's page, the provider's form and the
hub's moderation, with bad input named on its field and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.models_taxonomy import Technology
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _form(**changes: Any) -> dict[str, Any]:
    data = {
        "kind": "training",
        "category": "skills_and_training",
        "title_en": "Cybersecurity basics for your staff",
        "title_fr": "Les bases de la cybersécurité pour votre personnel",
        "title_de": "Grundlagen der Cybersicherheit für Ihr Personal",
        "description_en": "A morning on passwords, phishing and backups.",
        "description_fr": "",
        "description_de": "",
        "delivery": "remote",
        "languages": "fr, de",
        "countries": "LU, FR",
        "price_kind": "subsidised",
        "price_min": "0",
        "price_max": "1 250,50",
        "trl_min": "",
        "trl_max": "",
        "lead_time_days": "10",
        "eligible_countries": "",
        "references": "Given to 40 companies in 2024 https://example.org/cyber\nA short text only",
    }
    data.update(changes)
    return data


def test_anyone_browses_the_published_offers_with_filters(
    client_for: Any, org_a: Organisation, org_b: Organisation
) -> None:
    cyber = Technology.objects.create(name="Cybersecurity", label={"en": "Cybersecurity", "fr": "Cybersécurité"})
    first = make_offer(org_a, "published", technologies=[cyber.pk], kind="training", price_kind="free")
    second = make_offer(org_b, "published", countries=["DE"], languages=["de"], category="skills_and_training")
    hidden = make_offer(org_a, "submitted", title={"en": "Secret draft"})
    client = client_for(None)
    page = client.get(reverse("catalogue_list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Machine vision proof of concept" in html and "Secret draft" not in html
    assert hidden.pk and f'href="/catalogue/{first.pk}/"' in html and f'href="/catalogue/{second.pk}/"' in html

    def shown(**params: Any) -> set[int]:
        response = client.get(reverse("catalogue_list"), params)
        assert response.status_code == 200, response.content
        return {o.pk for o in response.context["offers"]}

    assert shown(kind="training") == {first.pk}
    assert shown(technology=str(cyber.pk)) == {first.pk}
    assert shown(category="skills_and_training") == {second.pk}
    assert shown(country="DE") == {second.pk}
    assert shown(language="fr") == {first.pk}
    assert shown(price="free") == {first.pk}
    assert shown(price="free_or_subsidised") == {first.pk}
    assert shown(q="beta logistics") == {second.pk}
    assert shown(q="preuve vision") == {first.pk, second.pk}


def test_a_bad_filter_is_named_and_ignored(client_for: Any, org_a: Organisation) -> None:
    make_offer(org_a, "published")
    response = client_for(None).get(reverse("catalogue_list"), {"kind": "miracle", "country": "XX"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"kind", "country"}
    assert len(response.context["offers"]) == 1
    partial = client_for(None).get(reverse("catalogue_list"), {"kind": "miracle"}, headers={"HX-Request": "true"})
    assert partial.status_code == 200 and "Some filters were ignored" in partial.content.decode()


def test_a_provider_s_own_page_lists_its_published_offers_and_names_it(
    client_for: Any, org_a: Organisation, org_b: Organisation
) -> None:
    mine = make_offer(org_a, "published")
    make_offer(org_a, "submitted", title={"en": "Secret draft"})
    make_offer(org_b, "published")
    client = client_for(None)
    response = client.get(reverse("catalogue_list"), {"provider": str(org_a.pk), "kind": ""})
    assert response.status_code == 200
    assert [offer.pk for offer in response.context["offers"]] == [mine.pk]
    html = response.content.decode()
    assert f"The offers of {org_a}." in html and "Secret draft" not in html
    assert 'href="/catalogue/?kind="' in html and "Show the offers of every provider" in html
    assert f'type="hidden" name="provider" value="{org_a.pk}"' in html  # kept when other filters change
    partial = client.get(reverse("catalogue_list"), {"provider": org_a.pk}, headers={"HX-Request": "true"})
    assert f"The offers of {org_a}." in partial.content.decode()


@pytest.mark.parametrize("value", ["999999", "-3", "abc", "1e9", "99999999999999999999"])
def test_an_unknown_provider_shows_no_offer_and_says_so(client_for: Any, org_a: Organisation, value: str) -> None:
    make_offer(org_a, "published")
    response = client_for(None).get(reverse("catalogue_list"), {"provider": value})
    assert response.status_code in (200, 400)
    assert list(response.context["offers"]) == []
    assert "This provider has no published offer in the catalogue." in response.content.decode()


def test_a_provider_without_a_published_offer_is_not_named(
    client_for: Any, org_a: Organisation, org_b: Organisation
) -> None:
    make_offer(org_a, "published")
    make_offer(org_b, "submitted")
    response = client_for(None).get(reverse("catalogue_list"), {"provider": org_b.pk})
    assert response.status_code == 200
    assert list(response.context["offers"]) == []
    html = response.content.decode()
    assert "This provider has no published offer in the catalogue." in html and str(org_b) not in html


def test_the_list_takes_a_fixed_number_of_queries(client_for: Any, org_a: Organisation) -> None:
    cyber = Technology.objects.create(name="Cybersecurity", label={"en": "Cybersecurity"})
    make_offer(org_a, "published", technologies=[cyber.pk])
    client = client_for(None)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("catalogue_list"))
    for _ in range(12):
        make_offer(org_a, "published", technologies=[cyber.pk])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("catalogue_list"))
    assert len(many) == len(few)


def test_the_offer_page_shows_its_facts_and_hides_the_hub_s_note_from_others(
    client_for: Any, personas: Any, org_a: Organisation
) -> None:
    offer = make_offer(org_a, "published")
    Offer.objects.filter(pk=offer.pk).update(moderation_note="Internal remark")
    public = client_for(None).get(reverse("offer_detail", args=[offer.pk])).content.decode()
    assert "Machine vision proof of concept" in public and "Internal remark" not in public
    assert "EUR 1,500 to 4,000.50" in public and "TRL 4 to 7" in public and "15 days" in public
    own = client_for(personas.a["provider_member"]).get(reverse("offer_detail", args=[offer.pk])).content.decode()
    assert "Internal remark" in own


def test_the_offer_page_speaks_french(client_for: Any, org_a: Organisation) -> None:
    offer = make_offer(org_a, "published")
    client = client_for(None)
    client.cookies["django_language"] = "fr"
    html = client.get(reverse("offer_detail", args=[offer.pk])).content.decode()
    assert "Preuve de concept en vision industrielle" in html and "Catalogue" in html and "Prix" in html


def test_a_provider_drafts_an_offer_in_three_languages(client_for: Any, personas: Any, org_a: Organisation) -> None:
    client = client_for(personas.a["provider_member"])
    assert client.get(reverse("offer_create", args=[org_a.pk])).status_code == 200
    response = client.post(reverse("offer_create", args=[org_a.pk]), _form())
    offer = Offer.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("offer_detail", args=[offer.pk])
    assert offer.title["de"] == "Grundlagen der Cybersicherheit für Ihr Personal"
    assert str(offer.price_max) == "1250.50" and offer.languages == ["fr", "de"]
    assert offer.references == [
        {"text": "Given to 40 companies in 2024", "url": "https://example.org/cyber"},
        {"text": "A short text only", "url": ""},
    ]
    assert offer.status == Offer.Status.DRAFT and offer.created_by == personas.a["provider_member"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price_min": "-10"}, "price_min"),
        ({"price_min": "900", "price_max": "100"}, "price_max"),
        ({"trl_min": "0"}, "trl_min"),
        ({"trl_max": "10"}, "trl_max"),
        ({"title_en": "", "title_fr": "", "title_de": ""}, "title_en"),
        ({"countries": "Narnia"}, "countries"),
        ({"technologies": ["999999"]}, "technologies"),
    ],
)
def test_bad_input_is_named_on_its_field_and_nothing_is_written(
    client_for: Any, personas: Any, org_a: Organisation, changes: dict[str, Any], field: str
) -> None:
    response = client_for(personas.a["provider_member"]).post(
        reverse("offer_create", args=[org_a.pk]), _form(**changes)
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert not Offer.objects.exists()


def test_the_provider_edits_and_submits_and_the_hub_publishes(
    client_for: Any, personas: Any, org_a: Organisation
) -> None:
    offer = make_offer(org_a)
    provider = client_for(personas.a["provider_member"])
    edit = provider.get(reverse("offer_edit", args=[offer.pk]))
    assert edit.status_code == 200 and edit.context["form"].initial["title_fr"].startswith("Preuve")
    response = provider.post(reverse("offer_edit", args=[offer.pk]), _form(title_en="Renamed"))
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.title["en"] == "Renamed"
    assert provider.post(reverse("offer_submit", args=[offer.pk])).status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.Status.SUBMITTED

    hub = client_for(personas.hub_advisor)
    listing = hub.get(reverse("hub_offer_list"))
    assert listing.status_code == 200 and [o.pk for o in listing.context["offers"]] == [offer.pk]
    response = hub.post(reverse("hub_offer_moderate", args=[offer.pk]), {"decision": "publish", "note": ""})
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PUBLISHED and offer.published_by == personas.hub_advisor

    locked = provider.get(reverse("offer_edit", args=[offer.pk]))
    assert locked.status_code == 200 and locked.context["locked"]
    assert provider.post(reverse("offer_edit", args=[offer.pk]), _form(title_en="Sneaky")).status_code == 400
    offer.refresh_from_db()
    assert offer.title["en"] == "Renamed"


def test_a_refused_move_is_told_not_crashed(client_for: Any, personas: Any, org_a: Organisation) -> None:
    offer = make_offer(org_a, "published")
    response = client_for(personas.a["provider_member"]).post(reverse("offer_submit", args=[offer.pk]), follow=True)
    assert response.status_code == 200 and "Only a draft can be sent" in response.content.decode()
    response = client_for(personas.hub_admin).post(
        reverse("hub_offer_moderate", args=[offer.pk]), {"decision": "explode"}, follow=True
    )
    assert response.status_code == 200 and "Choose a decision." in response.content.decode()


def test_my_offers_lists_the_offers_of_my_organisations(
    client_for: Any, personas: Any, org_a: Organisation, org_b: Organisation
) -> None:
    mine = make_offer(org_a, "submitted")
    theirs = make_offer(org_b)
    response = client_for(personas.a["provider_member"]).get(reverse("my_offers"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"/catalogue/{mine.pk}/" in html and f"/catalogue/{theirs.pk}/" not in html
    assert reverse("offer_create", args=[org_a.pk]) in html
