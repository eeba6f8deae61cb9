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
from moselle.catalogue.tests.factories import make_offer, offer_data
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


def test_anonymous_visitors_are_not_offered_the_hubs(
    catalogue: Catalogue, client: Client, company_client: Client
) -> None:
    offered = [value for value, _label in find(client, text=PHISHING).context["form"].fields["kinds"].choices]
    assert offered == ["offer", "provider"]
    assert 'value="hub"' not in find(client, text=PHISHING).content.decode()
    signed_in = [value for value, _label in find(company_client, text=PHISHING).context["form"].fields["kinds"].choices]
    assert "hub" in signed_in


def test_an_anonymous_search_for_hubs_only_says_hubs_are_for_signed_in_people(
    catalogue: Catalogue, client: Client, company_client: Client
) -> None:
    response = find(client, text=PHISHING, kinds="hub")
    assert response.status_code == 200
    assert response.context["groups"] == []
    html = response.content.decode()
    assert "The hubs of Europe are shown to signed-in people" in html
    assert "Nothing matches every condition given" not in html
    assert f'href="{reverse("account_login")}?next={reverse("find_help")}%3Ftext%3D' in html
    # Signed in, the same search finds the hub; anonymous with other kinds too, the others are shown.
    assert [group.kind for group in find(company_client, text=PHISHING, kinds="hub").context["groups"]] == ["hub"]
    mixed = find(client, text=PHISHING, kinds=["hub", "offer"])
    assert [group.kind for group in mixed.context["groups"]] == ["offer"]
    assert "The hubs of Europe are shown to signed-in people" not in mixed.content.decode()


def test_a_full_group_says_it_shows_the_best_not_all(catalogue: Catalogue, company_client: Client) -> None:
    from moselle.matching.views import RESULTS_PER_KIND

    for number in range(RESULTS_PER_KIND - 1):
        cyber_offer(catalogue.provider, catalogue.cyber, f"Phishing drill number {number}")
    exactly = find(company_client, text=PHISHING, kinds="offer")  # as many as the page shows, and no more
    assert f">Offers ({RESULTS_PER_KIND})</h3>" in exactly.content.decode()
    cyber_offer(catalogue.provider, catalogue.cyber, "One phishing drill too many")
    response = find(company_client, text=PHISHING)
    html = response.content.decode()
    groups = {group.kind: group for group in response.context["groups"]}
    assert len(groups["offer"].cards) == RESULTS_PER_KIND and groups["offer"].capped
    assert f">Offers: the {RESULTS_PER_KIND} best matches</h3>" in html
    assert f"Offers ({RESULTS_PER_KIND})" not in html
    assert ">Providers (1)</h3>" in html and ">Hubs (1)</h3>" in html
    more = reverse("find_help") + "?" + urlencode({"text": PHISHING, "kinds": "offer", "limit": 50})
    assert f'href="{more}">Show up to 50 offers</a>'.replace("&", "&amp;") in html
    assert "Show up to 50 providers" not in html
    everything = find(company_client, text=PHISHING, kinds="offer", limit="50")
    assert [group.kind for group in everything.context["groups"]] == ["offer"]
    assert f">Offers ({RESULTS_PER_KIND + 1})</h3>" in everything.content.decode()
    assert "Show up to" not in everything.content.decode()
    for limit in ("abc", "-4", "1000000"):  # no part of the need: the page's own default or cap, no error
        assert find(company_client, text=PHISHING, kinds="offer", limit=limit).status_code == 200
    assert len(find(company_client, text=PHISHING, kinds="offer", limit="x").context["groups"][0].cards) == 10


def test_the_need_and_the_places_are_quoted_in_the_language_s_marks(
    catalogue: Catalogue, make_user: Any, client_for: Any, org_b: Organisation
) -> None:
    path = result_path("offer", catalogue.offer.pk, text="phishing")
    assert "Your need: “phishing”" in client_for(None).get(path).content.decode()
    marked = client_for(None).get(result_path("offer", catalogue.offer.pk, text="<b>phishing</b>"))
    assert "Your need: “&lt;b&gt;phishing&lt;/b&gt;”" in marked.content.decode()
    for language, marks in (("fr", "«\u00a0phishing\u00a0»"), ("de", "„phishing“")):
        html = client_for(make_user(Role.COMPANY_MEMBER, org_b, language=language)).get(path).content.decode()
        with translation.override(language):
            said = translation.gettext("Your need:")
        assert f"{said} {marks}" in html and "“phishing”" not in html
    french = client_for(make_user(Role.COMPANY_MEMBER, org_b, language="fr"))
    understood = find(french, text="Du phishing dans la Grande Région").context["understood"]
    assert any(label.startswith("«\u00a0") and label.endswith("\u00a0»") for label, _words in understood)


def test_what_was_read_does_not_repeat_the_label_s_name(catalogue: Catalogue, company_client: Client) -> None:
    response = find(company_client, text="Cybersecurity for our plant, against phishing")
    understood = dict(response.context["understood"])
    assert "cybersecurity" not in [word.casefold() for word in understood["Cybersecurity"]]
    assert "(cybersecurity" not in response.content.decode().casefold()


def test_the_choices_are_sorted_by_their_names_in_the_reader_s_language(
    catalogue: Catalogue, make_user: Any, client_for: Any, org_b: Organisation
) -> None:
    Technology.objects.create(name="Zeta", label={"en": "Zeta", "fr": "Électronique"}, position=0)
    Technology.objects.create(name="Alpha", label={"en": "Alpha", "fr": "Fabrication"}, position=1)
    CatalogueSector.objects.create(name="Aerospace", label={"en": "Aerospace", "de": "Luft- und Raumfahrt"})
    CatalogueSector.objects.create(name="Energy", label={"en": "Energy", "de": "Energie"})

    def names(language: str, field: str) -> list[str]:
        client = client_for(make_user(Role.COMPANY_MEMBER, org_b, language=language))
        form = client.get(reverse("find_help")).context["form"]
        return [str(label) for value, label in form.fields[field].choices if value]

    technologies = names("fr", "technologies")
    assert technologies.index("Électronique") < technologies.index("Fabrication")
    assert names("en", "technologies")[:2] == ["Alpha", "Cybersecurity"]
    sectors = names("de", "sectors")
    assert sectors == sorted(sectors, key=lambda name: name.casefold())
    countries = names("de", "country")
    assert countries.index("Norwegen") < countries.index("Österreich") < countries.index("Polen")
    assert names("fr", "country")[:2] == ["Albanie", "Allemagne"]


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


def test_a_company_member_sees_what_serves_its_country_first(db: Any, make_user: Any) -> None:
    from moselle.core.taxonomy import seed_taxonomy

    seed_taxonomy()
    provider = org_actions.organisation_create(
        actor=None, name="Far and Near", country="DE", details={"kinds": ["technology_provider"]}
    )
    far = make_offer(
        provider, Offer.Status.PUBLISHED, technologies=["Cybersecurity"], countries=["PL"], smes_only=False
    )
    near = make_offer(
        provider, Offer.Status.PUBLISHED, technologies=["Cybersecurity"], countries=["LU"], smes_only=False
    )
    company = org_actions.organisation_create(
        actor=None, name="Lux Company", country="LU", details={"kinds": ["company"]}
    )
    member = make_user(Role.COMPANY_MEMBER, company)
    client = Client()
    client.force_login(member)
    html = client.get("/find/", {"text": "phishing", "kinds": "offer"}).content.decode()
    assert html.index(f"/find/offer/{near.pk}/") < html.index(f"/find/offer/{far.pk}/")
    assert "serves Luxembourg, your country" in html
    anonymous = Client().get("/find/", {"text": "phishing", "kinds": "offer"}).content.decode()
    assert anonymous.index(f"/find/offer/{far.pk}/") < anonymous.index(f"/find/offer/{near.pk}/")
