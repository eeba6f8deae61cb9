"""The "Find help" pages: results grouped by kind with their reasons, in the reader's language; bad input
named on its field (400, never a 500); one result explained for a need, or a 404 when the person may not
see it; a query count that does not grow with the results; and the "suggested for this need" component."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from moselle.accounts.models import Role
from moselle.catalogue import actions as catalogue_actions
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import offer_data
from moselle.core.models_taxonomy import CatalogueSector, Technology
from moselle.organisations import actions as org_actions
from moselle.organisations.models import Organisation

pytestmark = pytest.mark.django_db

PHISHING = "We want to protect our computers against phishing."
PHISHING_FR = "Nous voulons protéger nos ordinateurs contre le phishing."


@dataclass
class Catalogue:
    cyber: Technology
    food: CatalogueSector
    provider: Organisation
    offer: Offer
    hub: Organisation
    draft: Offer


def publish(provider: Organisation, **changes: Any) -> Offer:
    """An offer the way a provider and the hub make one: drafted, sent for review, published."""
    offer = catalogue_actions.offer_create(actor=None, provider=provider, data=offer_data(**changes))
    offer = catalogue_actions.offer_submit(actor=None, offer=offer)
    return catalogue_actions.offer_publish(actor=None, offer=offer)


def cyber_offer(
    provider: Organisation, cyber: Technology, title: str = "Phishing drill for your staff", **changes: Any
) -> Offer:
    data = {
        "title": {"en": title, "fr": f"{title} (fr)"},
        "description": {"en": "Train your people to spot phishing e-mails.", "fr": "Exercice d'hameçonnage."},
        "technologies": [cyber.pk],
        "smes_only": False,
        "eligible_countries": [],
    }
    return publish(provider, **{**data, **changes})


@pytest.fixture
def catalogue(org_a: Organisation) -> Catalogue:
    cyber = Technology.objects.create(
        name="Cybersecurity", label={"en": "Cybersecurity", "fr": "Cybersécurité", "de": "Cybersicherheit"}
    )
    food = CatalogueSector.objects.create(name="Food and beverages", label={"en": "Food and beverages"})
    offer = cyber_offer(org_a, cyber)
    draft = catalogue_actions.offer_create(
        actor=None, provider=org_a, data=offer_data(title={"en": "Unpublished phishing drill"}, technologies=[cyber.pk])
    )
    hub = org_actions.organisation_create(
        actor=None,
        name="Cyber Hub Lorraine",
        country="FR",
        details={
            "kinds": ["hub"],
            "technologies_offered": {"Cybersecurity": 4},
            "description": "Cybersecurity for the companies of the region.",
        },
    )
    return Catalogue(cyber=cyber, food=food, provider=org_a, offer=offer, hub=hub, draft=draft)


@pytest.fixture
def company_client(make_user: Any, client_for: Any, org_b: Organisation) -> Client:
    return client_for(make_user(Role.COMPANY_MEMBER, org_b))


def find(client: Client, **params: Any) -> Any:
    return client.get(reverse("find_help"), params)


def result_path(kind: str, item_id: int, **params: Any) -> str:
    url = reverse("find_result", args=[kind, item_id])
    return f"{url}?{urlencode(params)}" if params else url


# --- The results ------------------------------------------------------------------------------------------


def test_it_groups_the_results_by_kind_with_their_reasons(catalogue: Catalogue, company_client: Client) -> None:
    response = find(company_client, text=PHISHING)
    assert response.status_code == 200
    groups = {group.kind: group for group in response.context["groups"]}
    assert set(groups) == {"offer", "provider", "hub"}
    assert [card.id for card in groups["offer"].cards] == [catalogue.offer.pk]
    assert [card.id for card in groups["hub"].cards] == [catalogue.hub.pk]
    html = response.content.decode()
    assert "Offers (1)" in html and "Providers (1)" in html and "Hubs (1)" in html
    assert "covers Cybersecurity (you wrote “phishing”)" in html
    assert "declares Cybersecurity at level 4 of 5 (you wrote “phishing”)" in html
    assert "Unpublished phishing drill" not in html
    assert "We read:" in html and "<strong>Cybersecurity</strong> (phishing)" in html
    link = result_path("offer", catalogue.offer.pk, text=PHISHING)
    assert f'href="{link}"'.replace("&", "&amp;") in html


def test_anonymous_visitors_see_offers_and_providers_but_not_hubs(catalogue: Catalogue, client: Client) -> None:
    response = find(client, text=PHISHING)
    assert response.status_code == 200
    assert [group.kind for group in response.context["groups"]] == ["offer", "provider"]
    assert "Cyber Hub Lorraine" not in response.content.decode()


def test_it_says_the_reasons_in_french(catalogue: Catalogue, make_user: Any, client_for: Any, org_b: Any) -> None:
    client = client_for(make_user(Role.COMPANY_MEMBER, org_b, language="fr"))
    response = find(client, text=PHISHING_FR)
    assert response.status_code == 200
    html = response.content.decode()
    with translation.override("fr"):
        covers = translation.gettext("covers %(label)s") % {"label": "Cybersécurité"}
        heading = translation.gettext("Find help")
    assert covers != "covers Cybersécurité" and heading != "Find help"
    assert covers in html and heading in html
    assert "Cybersécurité" in html and "Phishing drill for your staff (fr)" in html


def test_a_facet_narrows_the_results(catalogue: Catalogue, company_client: Client) -> None:
    only_hubs = find(company_client, text=PHISHING, kinds="hub")
    assert [group.kind for group in only_hubs.context["groups"]] == ["hub"]
    by_label = find(company_client, technologies=str(catalogue.cyber.pk), kinds="offer")
    assert [card.id for group in by_label.context["groups"] for card in group.cards] == [catalogue.offer.pk]
    elsewhere = find(company_client, text=PHISHING, country="PL")
    assert elsewhere.context["groups"] == []
    assert "Nothing matches every condition given" in elsewhere.content.decode()


def test_the_company_s_size_class_decides_the_sme_default(
    catalogue: Catalogue, make_user: Any, client_for: Any
) -> None:
    cyber_offer(catalogue.provider, catalogue.cyber, "Phishing drill for SMEs", smes_only=True)
    large = org_actions.organisation_create(actor=None, name="Grossbetrieb AG", details={"kinds": ["company"]})
    org_actions.financial_year_set(actor=None, organisation=large, year=2024, staff="900", turnover="900000000")
    large.refresh_from_db()
    assert large.size_class == "large"
    client = client_for(make_user(Role.COMPANY_MEMBER, large))
    response = find(client, text=PHISHING, kinds="offer")
    assert response.context["form"]["sme"].value() == "no"
    assert [card.id for group in response.context["groups"] for card in group.cards] == [catalogue.offer.pk]


# --- Bad input --------------------------------------------------------------------------------------------


def test_an_empty_need_asks_for_a_few_words(company_client: Client, catalogue: Catalogue) -> None:
    response = find(company_client, text="   ")
    assert response.status_code == 200
    assert "Describe the need in a few words" in response.content.decode()
    assert response.context["groups"] == []


def test_the_first_visit_shows_the_form_only(company_client: Client, catalogue: Catalogue) -> None:
    response = company_client.get(reverse("find_help"))
    assert response.status_code == 200
    assert response.context["answer"] is None
    assert 'name="text"' in response.content.decode()


@pytest.mark.parametrize(
    "text",
    ["我们需要保护电脑免受网络钓鱼攻击", "Нам нужно защитить компьютеры от фишинга"],
    ids=["chinese", "cyrillic"],
)
def test_a_need_in_another_script_gets_a_helpful_message(
    company_client: Client, catalogue: Catalogue, text: str
) -> None:
    response = find(company_client, text=text)
    assert response.status_code == 200
    assert "Write the need in English, French or German" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"text": "phishing " * 1200}, "text", "at most 2000 characters"),
        ({"text": "phishing", "technologies": "999999"}, "technologies", "999999"),
        ({"text": "phishing", "sectors": "888888"}, "sectors", "888888"),
        ({"text": "phishing", "kinds": "miracle"}, "kinds", "miracle"),
        ({"text": "phishing", "budget": "-5"}, "budget", "below zero"),
        ({"text": "phishing", "budget": "abc"}, "budget", "amount in euros"),
        ({"text": "phishing", "country": "XX"}, "country", "ISO country code"),
        ({"text": "phishing", "language": "klingon"}, "language", "klingon"),
        ({"text": "phishing", "sme": "perhaps"}, "sme", "yes or no"),
    ],
    ids=["long-text", "technology", "sector", "kind", "negative-budget", "budget-abc", "country", "language", "sme"],
)
def test_bad_input_is_named_on_its_field(
    company_client: Client, catalogue: Catalogue, params: dict[str, str], field: str, words: str
) -> None:
    response = find(company_client, **params)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert words in " ".join(errors[field])
    html = response.content.decode()
    assert f'id="id_{field}_error"' in html and words in html
    assert response.context["answer"] is None


# --- One result --------------------------------------------------------------------------------------------


def test_a_result_says_why_it_matches(catalogue: Catalogue, client: Client) -> None:
    response = client.get(result_path("offer", catalogue.offer.pk, text=PHISHING, budget="2000"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Phishing drill for your staff</h1>" in html
    assert "Why this matches" in html and "covers Cybersecurity (you wrote “phishing”)" in html
    assert "from 1,500 €, within your budget of 2,000 €" in html
    assert f'href="{reverse("offer_detail", args=[catalogue.offer.pk])}"' in html
    back = reverse("find_help") + "?" + urlencode({"text": PHISHING, "budget": "2000"})
    assert f'href="{back}"'.replace("&", "&amp;") in html


def test_a_hub_result_is_for_signed_in_people(catalogue: Catalogue, client: Client, company_client: Client) -> None:
    path = result_path("hub", catalogue.hub.pk, text=PHISHING)
    assert client.get(path).status_code == 404
    shown = company_client.get(path)
    assert shown.status_code == 200
    assert "declares Cybersecurity at level 4 of 5" in shown.content.decode()


def test_what_is_not_published_or_not_known_is_a_404(catalogue: Catalogue, company_client: Client) -> None:
    assert company_client.get(result_path("offer", catalogue.draft.pk, text=PHISHING)).status_code == 404
    assert company_client.get(result_path("offer", 999999, text=PHISHING)).status_code == 404
    assert company_client.get(result_path("miracle", catalogue.offer.pk, text=PHISHING)).status_code == 404


def test_a_result_with_a_bad_need_names_the_field(catalogue: Catalogue, company_client: Client) -> None:
    response = company_client.get(result_path("offer", catalogue.offer.pk, text="phishing", budget="abc"))
    assert response.status_code == 400
    assert "budget" in response.context["form"].errors


# --- Cost --------------------------------------------------------------------------------------------------


def test_the_find_page_asks_as_many_queries_for_more_results(catalogue: Catalogue, company_client: Client) -> None:
    def queries() -> tuple[int, int, int]:
        from moselle.matching import engine, reasons

        engine.reset()  # a process's first search reads the index and the label names
        reasons._LABELS.clear()
        with CaptureQueriesContext(connection) as cold:
            assert find(company_client, text=PHISHING).status_code == 200
        with CaptureQueriesContext(connection) as warm:
            response = find(company_client, text=PHISHING)
        shown = sum(len(group.cards) for group in response.context["groups"])
        return len(cold), len(warm), shown

    cold_few, warm_few, shown_few = queries()
    for number in range(8):
        cyber_offer(catalogue.provider, catalogue.cyber, f"Phishing drill number {number}")
    cold_many, warm_many, shown_many = queries()
    assert shown_many > shown_few
    assert (cold_many, warm_many) == (cold_few, warm_few)
    assert warm_few <= 20


# --- The component -----------------------------------------------------------------------------------------


def _render(text: str, user: Any, extra: str = "") -> str:
    request = RequestFactory().get("/roadmap/")
    request.user = user
    template = Template("{% load matching %}{% suggested_for need_text limit=2" + extra + " %}")
    return template.render(Context({"request": request, "need_text": text}))


def test_the_component_suggests_the_best_results_with_reasons(
    catalogue: Catalogue, make_user: Any, org_b: Organisation
) -> None:
    for number in range(3):
        cyber_offer(catalogue.provider, catalogue.cyber, f"Phishing drill number {number}")
    html = _render(PHISHING, make_user(Role.COMPANY_MEMBER, org_b))
    assert "Suggested for this need" in html
    assert html.count('class="card"') == 2
    assert "covers Cybersecurity (you wrote “phishing”)" in html
    see_all = reverse("find_help") + "?" + urlencode({"text": PHISHING})
    assert f'href="{see_all}"' in html
    only_offers = _render(PHISHING, make_user(Role.COMPANY_MEMBER, org_b), ' kinds="offer"')
    assert only_offers.count("Offer ·") == 2


def test_the_component_renders_nothing_for_an_empty_or_refused_need(catalogue: Catalogue) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert _render("", AnonymousUser()).strip() == ""
    assert _render("   ", AnonymousUser()).strip() == ""
    assert _render(PHISHING, AnonymousUser(), ' kinds="miracle"').strip() == ""
    assert "Cyber Hub Lorraine" not in _render(PHISHING, AnonymousUser())
