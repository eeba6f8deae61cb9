"""The funding pages: a company's funding with the reasons and its declarations, the programmes and a
programme with its estimate, the hub staff's programme and call forms, and a person's saved searches; who may
open each; bad input named next to its field (400) with nothing written."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from moselle.accounts.models import Membership, Role, User
from moselle.funding import actions
from moselle.funding.models import Call, Declaration, Programme, SavedSearch
from moselle.funding.tests.conftest import DECLARED, declare, figures
from moselle.organisations.models import Organisation

ClientFor = Callable[[User | None], Client]


def section(html: str, anchor: str) -> str:
    """The part of the funding page under one group's heading."""
    start = html.index(f'<section aria-labelledby="{anchor}">')
    return html[start : html.index("</section>", start)]


def text(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def company(personas: Any, programmes: dict[str, Programme]) -> Organisation:
    """A's company: a small Luxembourg enterprise that declared the three facts."""
    organisation = Organisation.objects.get(pk=personas.a[Role.COMPANY_MEMBER].memberships.get().organisation_id)
    figures(organisation, "small")
    declare(organisation, *DECLARED)
    return organisation


@pytest.fixture
def member(personas: Any, client_for: ClientFor) -> Client:
    return client_for(personas.a[Role.COMPANY_MEMBER])


@pytest.fixture
def staff(personas: Any, client_for: ClientFor) -> Client:
    return client_for(personas.hub_admin)


# --- Access ---------------------------------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_log_in(company: Organisation, programmes: dict[str, Programme]) -> None:
    programme = programmes["lu-fit4digital"]
    urls = [
        reverse("funding_home"),
        reverse("funding_organisation", args=[company.pk]),
        reverse("funding_programme_list"),
        reverse("funding_programme_detail", args=[programme.pk]),
        reverse("funding_programme_edit", args=[programme.pk]),
        reverse("funding_search_list"),
        reverse("funding_search_create"),
    ]
    for url in urls:
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    posted = Client().post(reverse("funding_declare", args=[company.pk]), {"business_permit": "no"})
    assert posted.status_code == 302 and "/accounts/login/" in posted["Location"]


def test_another_companys_member_gets_404_and_writes_nothing(
    personas: Any, client_for: ClientFor, company: Organisation
) -> None:
    other = client_for(personas.b[Role.COMPANY_MEMBER])
    assert other.get(reverse("funding_organisation", args=[company.pk])).status_code == 404
    assert other.get(reverse("funding_home"), {"organisation": company.pk}).status_code == 404
    before = Declaration.objects.count()
    posted = other.post(reverse("funding_declare", args=[company.pk]), {"business_permit": "no"})
    assert posted.status_code == 404 and Declaration.objects.count() == before
    for name in ("funding_programme_create",):
        assert other.get(reverse(name)).status_code == 404


def test_only_the_hub_staff_edit_programmes_and_add_calls(
    member: Client, staff: Client, programmes: dict[str, Programme]
) -> None:
    programme = programmes["lu-fit4innovation"]
    for name in ("funding_programme_edit", "funding_call_create"):
        assert member.get(reverse(name, args=[programme.pk])).status_code == 404
        assert staff.get(reverse(name, args=[programme.pk])).status_code == 200
    assert member.post(reverse("funding_call_create", args=[programme.pk]), {"title_en": "Round"}).status_code == 404
    assert not Call.objects.filter(programme=programme).exists()
    assert member.get(reverse("funding_programme_create")).status_code == 404


def test_the_navigation_links_to_funding(member: Client, company: Organisation) -> None:
    page = text(member.get(reverse("funding_programme_list")))
    assert f'<a href="{reverse("funding_home")}">Funding</a>' in page


# --- A company's funding ------------------------------------------------------------------------------------------


def test_a_member_sees_each_programme_grouped_with_why(member: Client, company: Organisation) -> None:
    response = member.get(reverse("funding_home"))
    assert response.status_code == 200
    page = text(response)
    assert f"Funding for {company.name}" in page
    eligible, unknown = section(page, "eligible"), section(page, "unknown")
    assert "SME Packages - Sustainability" in eligible and "Fit 4 Innovation" in eligible
    assert "Size class small enterprise under the EU SME definition." in eligible
    assert "Declared on" in eligible  # the business permit, from the declaration
    # Fit 4 Digital: the grants of the last two years are not declared, and the company can say.
    assert "Fit 4 Digital" in unknown and "Fit 4 Digital" not in eligible
    fit4digital = unknown[unknown.index("Fit 4 Digital") :]
    assert "A declaration of the grants of this programme in the last 2 years." in fit4digital
    assert "Who can supply it: the company." in fit4digital
    assert "The project must use a provider the programme approved" in fit4digital  # a condition, not a block
    # Unverified figures are said to be unverified, never shown as fact.
    digital = page[page.index("SME Packages - Digital") :]
    assert "unverified: check them with the operator" in digital[: digital.index("</article>")]


def test_the_page_reads_the_programme_names_in_the_page_language(
    personas: Any, client_for: ClientFor, company: Organisation, programmes: dict[str, Programme]
) -> None:
    french = personas.a[Role.COMPANY_MEMBER]
    french.language = "fr"
    french.save(update_fields=["language"])
    page = text(client_for(french).get(reverse("funding_home")))
    assert '<html lang="fr">' in page
    assert "Aide à l&#x27;innovation des PME" in page and "Financial aid for SME innovation" not in page


def test_a_member_of_several_organisations_chooses_which(
    personas: Any, make_user: Any, client_for: ClientFor, company: Organisation, org_b: Organisation
) -> None:
    both = make_user(Role.COMPANY_MEMBER, company)
    Membership.objects.create(user=both, organisation=org_b, role=Role.COMPANY_MEMBER, status=Membership.Status.ACTIVE)
    client = client_for(both)
    first = text(client.get(reverse("funding_home")))
    assert f"Funding for {company.name}" in first and 'name="organisation"' in first
    chosen = text(client.get(reverse("funding_home"), {"organisation": org_b.pk}))
    assert f"Funding for {org_b.name}" in chosen
    assert client.get(reverse("funding_home"), {"organisation": "x"}).status_code == 404


def test_the_staff_find_any_organisation_and_open_its_funding(staff: Client, company: Organisation) -> None:
    found = text(staff.get(reverse("funding_home"), {"q": company.name[:5]}))
    assert reverse("funding_organisation", args=[company.pk]) in found
    page = staff.get(reverse("funding_organisation", args=[company.pk]))
    assert page.status_code == 200 and f"Funding for {company.name}" in text(page)


def test_someone_without_an_organisation_is_pointed_to_the_programmes(personas: Any, client_for: ClientFor) -> None:
    page = client_for(personas.a[Role.OBSERVER]).get(reverse("funding_home"))
    assert page.status_code == 200 and reverse("funding_programme_list") in text(page)


def test_declarations_are_recorded_and_the_page_evaluates_again(
    member: Client, company: Organisation, programmes: dict[str, Programme]
) -> None:
    fit4digital = programmes["lu-fit4digital"]
    granted = (timezone.localdate() - timedelta(days=200)).isoformat()
    response = member.post(
        reverse("funding_declare", args=[company.pk]),
        {"business_permit": "yes", f"history_{fit4digital.pk}": "granted", f"history_{fit4digital.pk}_on": granted},
    )
    assert response.status_code == 302
    history = Declaration.objects.get(organisation=company, kind="programme_history")
    assert (history.programme, history.holds, history.last_granted_on.isoformat()) == (fit4digital, True, granted)
    page = text(member.get(response["Location"]))
    refused = section(page, "not-eligible")
    assert "Fit 4 Digital" in refused
    assert f"The company declared a grant of this programme on {granted}, within the last 2 years." in refused
    assert f'value="{granted}"' in page  # the form shows what counts now

    member.post(reverse("funding_declare", args=[company.pk]), {f"history_{fit4digital.pk}": "none"})
    assert "Fit 4 Digital" in section(text(member.get(reverse("funding_home"))), "eligible")


def test_a_bad_declaration_is_named_next_to_its_field_and_nothing_is_written(
    member: Client, company: Organisation, programmes: dict[str, Programme]
) -> None:
    fit4digital = programmes["lu-fit4digital"]
    before = Declaration.objects.count()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = member.post(
        reverse("funding_declare", args=[company.pk]),
        {"business_permit": "no", f"history_{fit4digital.pk}": "granted", f"history_{fit4digital.pk}_on": tomorrow},
    )
    assert response.status_code == 400
    page = text(response)
    error = re.search(rf'id="id_history_{fit4digital.pk}_on_error"[^>]*>(.*?)</ul>', page, re.S)
    assert error and "This date is in the future." in error.group(1)
    assert Declaration.objects.count() == before  # not even the valid answer

    nothing = member.post(reverse("funding_declare", args=[company.pk]), {})
    assert nothing.status_code == 400 and "Answer at least one question." in text(nothing)
    odd = member.post(reverse("funding_declare", args=[company.pk]), {"business_permit": "perhaps"})
    assert odd.status_code == 400 and 'id="id_business_permit_error"' in text(odd)
    assert Declaration.objects.count() == before


# --- The programmes -----------------------------------------------------------------------------------------------


def test_the_programmes_and_their_calls_closing_soon_are_highlighted(
    member: Client, programmes: dict[str, Programme]
) -> None:
    today = timezone.localdate()
    programme = programmes["lu-fit4innovation"]
    actions.call_create(
        actor=None,
        programme=programme,
        data={"title": {"en": "Autumn round"}, "opens_on": today.isoformat(), "closes_on": str(today + timedelta(10))},
        system=True,
    )
    actions.call_create(
        actor=None,
        programme=programme,
        data={"title": {"en": "Winter round"}, "closes_on": str(today + timedelta(90))},
        system=True,
    )
    page = text(member.get(reverse("funding_programme_list")))
    assert page.count("<h2 ") >= len(programmes)
    autumn = page[page.index("Autumn round") :]
    assert autumn.index("<mark>closing soon</mark>") < autumn.index("Winter round")
    winter = page[page.index("Winter round") :]
    assert "<mark>" not in winter[: winter.index("</li>")]


def test_a_programme_shows_its_rules_source_and_how_sure_its_figures_are(
    member: Client, programmes: dict[str, Programme]
) -> None:
    programme = programmes["lu-fit4digital"]
    page = text(member.get(reverse("funding_programme_detail", args=[programme.pk])))
    assert (
        "Size class under the EU SME definition: micro enterprise, small enterprise, medium-sized enterprise." in page
    )
    assert "No grant of this programme in the last 2 years." in page
    assert "The company declares that it holds a business permit." in page
    assert 'href="https://www.luxinnovation.lu/fit-4-digital-transition/"' in page
    assert "verified" in page and "two official pages agree" in page
    assert "Applications all year" in page


def test_the_estimate_says_its_assumptions_and_refuses_a_bad_cost(
    member: Client, programmes: dict[str, Programme]
) -> None:
    programme = programmes["lu-fit4digital"]  # 5,000 EUR fixed plus 50 % of the cost
    url = reverse("funding_programme_detail", args=[programme.pk])
    page = text(member.get(url, {"cost": "20000"}))
    assert "Estimated support: 15,000 EUR" in page
    assert "50 % of 20000.00 EUR of eligible costs: 10000.00 EUR (implementation phase, at most)." in page
    unverified = programmes["lu-smepackages-digital"]
    digital = text(member.get(reverse("funding_programme_detail", args=[unverified.pk]), {"cost": "1000"}))
    assert "The programme&#x27;s figures are unverified" in digital or "figures are unverified" in digital
    bad = member.get(url, {"cost": "lots"})
    assert bad.status_code == 400
    assert re.search(r'id="id_cost_error"[^>]*>.*Give an amount in euros', text(bad), re.S)


# --- The staff's forms ----------------------------------------------------------------------------------------------


def _programme_form(**more: str) -> dict[str, str]:
    return {
        "name_en": "Cross-border vouchers",
        "name_de": "Grenzüberschreitende Gutscheine",
        "operator": "Greater Region secretariat",
        "scope": "cross_border",
        "instrument": "grant",
        "rate_pct": "40",
        "amount_max": "20000",
        "confidence": "medium",
        "rules": '[{"fact": "size_class", "in": ["micro", "small"]}, {"fact": "country", "in": ["LU", "FR"]}]',
        "active": "on",
        **more,
    }


def test_staff_create_a_programme_and_edit_its_rules(staff: Client, db: Any, hub: Any) -> None:
    created = staff.post(reverse("funding_programme_create"), _programme_form(code="gr-vouchers"))
    programme = Programme.objects.get(code="gr-vouchers")
    assert created.status_code == 302 and created["Location"] == reverse(
        "funding_programme_detail", args=[programme.pk]
    )
    assert programme.name == {"en": "Cross-border vouchers", "de": "Grenzüberschreitende Gutscheine"}
    assert programme.rules[1] == {"fact": "country", "in": ["LU", "FR"]}

    form = text(staff.get(reverse("funding_programme_edit", args=[programme.pk])))
    assert "&quot;fact&quot;: &quot;size_class&quot;" in form and 'value="40"' in form
    changed = staff.post(
        reverse("funding_programme_edit", args=[programme.pk]),
        _programme_form(rules='[{"fact": "country", "in": ["LU"]}]', confidence="unverified", rate_pct=""),
    )
    assert changed.status_code == 302
    programme.refresh_from_db()
    assert programme.rules == [{"fact": "country", "in": ["LU"]}] and programme.rate_pct is None
    assert programme.confidence == "unverified"


def test_a_bad_rule_is_named_next_to_the_rules_and_nothing_is_written(
    staff: Client, programmes: dict[str, Programme]
) -> None:
    programme = programmes["lu-fit4innovation"]
    before = list(programme.rules)
    bad = staff.post(
        reverse("funding_programme_edit", args=[programme.pk]),
        _programme_form(rules='[{"fact": "country", "in": ["LU"]}, {"fact": "shoe_size"}]', rate_pct="140"),
    )
    assert bad.status_code == 400
    page = text(bad)
    rules_error = re.search(r'id="id_rules_error"[^>]*>(.*?)</ul>', page, re.S)
    assert rules_error and "rules[1].fact" in rules_error.group(1) and "shoe_size" in rules_error.group(1)
    assert re.search(r'id="id_rate_pct_error"[^>]*>.*140', page, re.S)  # every bad field at once
    not_json = staff.post(reverse("funding_programme_edit", args=[programme.pk]), _programme_form(rules="[{fact"))
    assert not_json.status_code == 400
    assert re.search(r'id="id_rules_error"[^>]*>.*This is not JSON', text(not_json), re.S)
    deep = staff.post(reverse("funding_programme_edit", args=[programme.pk]), _programme_form(rules="[" * 100000))
    assert deep.status_code == 400 and "nested too deeply" in text(deep)
    programme.refresh_from_db()
    assert programme.rules == before and programme.name["en"] == "Fit 4 Innovation"


def test_staff_add_a_call_and_a_bad_one_is_named(staff: Client, programmes: dict[str, Programme]) -> None:
    programme = programmes["lu-fit4innovation"]
    url = reverse("funding_call_create", args=[programme.pk])
    bad = staff.post(url, {"title_en": "", "opens_on": "2026-05-01", "closes_on": "2026-04-01"})
    assert bad.status_code == 400
    page = text(bad)
    assert 'id="id_title_en_error"' in page and 'id="id_closes_on_error"' in page
    assert not Call.objects.filter(programme=programme).exists()
    good = staff.post(url, {"title_en": "Spring round", "opens_on": "2026-03-01", "closes_on": "2026-04-30"})
    assert good.status_code == 302
    assert Call.objects.get(programme=programme).title == {"en": "Spring round"}


# --- Saved searches -----------------------------------------------------------------------------------------------


def test_a_member_saves_a_search_from_the_funding_page_and_deletes_it(
    personas: Any, member: Client, client_for: ClientFor, company: Organisation, programmes: dict[str, Programme]
) -> None:
    page = text(member.get(reverse("funding_home")))
    assert f'action="{reverse("funding_search_create")}"' in page
    call = Call.objects.get(programme=programmes["lu-fit4digital"])  # open all year: nothing to remind of
    saved = member.post(
        reverse("funding_search_create"),
        {"name": "Digital grants", "organisation": str(company.pk), "instrument": "grant", "text": "digital"},
    )
    assert saved.status_code == 302 and saved["Location"] == reverse("funding_search_list")
    search = SavedSearch.objects.get()
    assert (search.owner, search.organisation, search.name) == (
        personas.a[Role.COMPANY_MEMBER],
        company,
        "Digital grants",
    )
    assert search.criteria == {
        "organisation": company.pk,
        "scope": "",
        "instrument": "grant",
        "technologies": [],
        "text": "digital",
        "eligible_only": False,
    }
    listed = text(member.get(reverse("funding_search_list")))
    assert "Digital grants" in listed and "“digital”" in listed

    followed = member.post(reverse("funding_search_follow", args=[search.pk]), {"call": call.pk, "follow": "yes"})
    assert followed.status_code == 302 and list(search.saved_calls.all()) == [call]
    member.post(reverse("funding_search_follow", args=[search.pk]), {"call": call.pk, "follow": "no"})
    assert not search.saved_calls.exists()

    stranger = client_for(personas.a[Role.PROVIDER_MEMBER])  # same organisation, another person
    assert "Digital grants" not in text(stranger.get(reverse("funding_search_list")))
    assert stranger.post(reverse("funding_search_delete", args=[search.pk])).status_code == 404
    assert client_for(personas.hub_admin).post(reverse("funding_search_delete", args=[search.pk])).status_code == 404
    assert member.post(reverse("funding_search_delete", args=[search.pk])).status_code == 302
    assert not SavedSearch.objects.exists()


def test_a_bad_search_is_named_next_to_its_field_and_nothing_is_written(
    personas: Any, member: Client, company: Organisation, org_b: Organisation
) -> None:
    bad = member.post(reverse("funding_search_create"), {"name": "", "eligible_only": "on", "scope": "galactic"})
    assert bad.status_code == 400
    page = text(bad)
    for field in ("name", "eligible_only", "scope"):
        assert f'id="id_{field}_error"' in page, field
    foreign = member.post(reverse("funding_search_create"), {"name": "Theirs", "organisation": str(org_b.pk)})
    assert foreign.status_code == 400 and 'id="id_organisation_error"' in text(foreign)
    assert not SavedSearch.objects.exists()


def test_a_member_finds_funding_for_a_need_in_its_own_words(member: Client, company: Organisation) -> None:
    page = text(member.get(reverse("funding_home"), {"need": "a cybersecurity project"}))
    found = section(page, "found")
    assert "Programmes for “a cybersecurity project”" in found
    listed = found[found.index("<ol>") : found.index("</ol>")]
    assert (
        listed.index("LU-CID") < listed.index("Fit 4 Innovation")
        if "Fit 4 Innovation" in listed
        else "LU-CID" in listed
    )
    assert "its description uses your word “cybersecurity”" in listed
    assert 'value="a cybersecurity project"' in page
    assert '<section aria-labelledby="found">' not in text(member.get(reverse("funding_home")))


def test_each_roadmap_action_links_to_its_funding(staff: Client, company: Organisation, personas: Any) -> None:
    from django.utils import timezone

    from moselle.journeys import actions as journeys
    from moselle.journeys.models import Horizon, Roadmap, RoadmapAction

    case = journeys.case_open(actor=personas.hub_admin, organisation=company, title="Security")
    roadmap = Roadmap.objects.create(organisation=company, case=case, drafted_at=timezone.now())
    RoadmapAction.objects.create(
        roadmap=roadmap, title="Harden our cybersecurity", horizon=Horizon.NOW, due_on=timezone.localdate()
    )
    page = text(staff.get(reverse("roadmap_detail", args=[roadmap.pk])))
    link = reverse("funding_organisation", args=[company.pk]) + "?need=Harden%20our%20cybersecurity#found"
    assert f'href="{link}"' in page
    followed = text(staff.get(reverse("funding_organisation", args=[company.pk]), {"need": "Harden our cybersecurity"}))
    assert "Programmes for “Harden our cybersecurity”" in followed and "LU-CID" in section(followed, "found")


def test_an_endless_number_is_refused_not_a_500(member: Client, company: Organisation) -> None:
    endless = "9" * 4400
    created = member.post(reverse("funding_search_create"), {"name": "Big", "organisation": endless, "calls": endless})
    assert created.status_code == 400
    assert member.get(reverse("funding_home"), {"organisation": endless}).status_code == 404


# --- Applications and investments -----------------------------------------------------------------------------


def test_a_member_records_and_submits_an_application_and_staff_record_the_grant(
    member: Client, staff: Client, company: Organisation, programmes: dict[str, Programme]
) -> None:
    from moselle.funding.models import Application, Investment

    fit = programmes["lu-fit4innovation"]
    url = reverse("funding_application_create", args=[company.pk])
    bad = member.post(url, {"programme": fit.pk, "amount_requested": "lots", "status": "granted"})
    assert bad.status_code == 400 and not Application.objects.exists()
    assert re.search(r'id="id_amount_requested_error"', text(bad)) and re.search(r'id="id_status_error"', text(bad))
    created = member.post(url, {"programme": fit.pk, "amount_requested": "15000", "status": "planned"})
    assert created.status_code == 302
    application = Application.objects.get()
    update = reverse("funding_application_update", args=[application.pk])
    member.post(update, {"status": "submitted"})
    refused = member.post(
        update,
        {"status": "granted", "decided_on": timezone.localdate().isoformat(), "amount_granted": "7500"},
        follow=True,
    )
    assert "record a decision" in text(refused), re.findall(r"<li[^>]*>([^<]*)</li>", text(refused))[:20]
    assert not Investment.objects.exists()
    page = text(staff.get(reverse("funding_organisation", args=[company.pk])))
    assert "Record the decision" in page
    staff.post(update, {"status": "granted", "decided_on": timezone.localdate().isoformat(), "amount_granted": "7500"})
    application.refresh_from_db()
    assert (application.status, application.amount_granted) == ("granted", Decimal("7500.00"))
    assert Investment.objects.get().amount == Decimal("7500.00")
    listed = section(text(member.get(reverse("funding_home"))), "investments")
    assert "7500.00 EUR" in listed


def test_staff_record_an_investment_and_a_bad_one_is_named(
    staff: Client, member: Client, company: Organisation
) -> None:
    from moselle.funding.models import Investment

    url = reverse("funding_investment_create", args=[company.pk])
    bad = staff.post(url, {"amount": "-5", "kind": "gold", "made_on": "someday", "source": "manual"})
    assert bad.status_code == 400 and not Investment.objects.exists()
    for field in ("amount", "kind", "made_on"):
        assert f'id="id_{field}_error"' in text(bad)
    staff.post(
        url, {"amount": "20000", "kind": "loan", "made_on": "2026-03-01", "source": "manual", "evidence": "Bank letter"}
    )
    assert Investment.objects.get().kind == "loan"
    assert (
        member.post(url, {"amount": "1", "kind": "loan", "made_on": "2026-03-01", "source": "manual"}).status_code
        == 404
    )
    assert "Record an investment" not in text(member.get(reverse("funding_home")))
