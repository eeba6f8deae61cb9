"""The roadmap pages: the SME worked example's six actions on three horizons with the matching engine's
suggestions, the advisor's changes, the company's agreement and its versions, and the printed roadmap."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.journeys import actions
from moselle.journeys.models import Case, Roadmap, RoadmapAction, RoadmapVersion
from moselle.organisations import actions as registry_actions
from moselle.organisations.models import Organisation

OFFERED = (
    ["Cybersecurity"],
    ["Big data", "BI tools"],
    ["Artificial Intelligence & Decision support"],
    ["Internet of Things"],
    ["Cloud Services"],
    ["Photonics"],  # shares no technology with any action
)


@pytest.fixture
def case(assessed: Organisation, personas: Any) -> Case:
    advisor = personas.hub_advisor
    return actions.case_open(actor=advisor, organisation=assessed, title="Digital plan", owner=advisor)


@pytest.fixture
def roadmap(case: Case, personas: Any) -> Roadmap:
    actions.needs_draft(actor=personas.hub_advisor, case=case)
    return actions.roadmap_draft(actor=personas.hub_advisor, case=case)


@pytest.fixture
def offers(db: Any, taxonomy: None) -> list[Offer]:
    provider = registry_actions.organisation_create(
        actor=None, name="Lux Digital Partners", country="LU", details={"kinds": ["technology_provider"]}
    )
    return [
        make_offer(
            provider,
            status=Offer.Status.PUBLISHED,
            title={"en": f"{names[0]} support for small firms"},
            description={"en": f"Hands-on help with {', '.join(names)} for small firms."},
            technologies=names,
        )
        for names in OFFERED
    ]


@pytest.fixture
def advisor(personas: Any, client_for: Any) -> Client:
    client: Client = client_for(personas.hub_advisor)
    return client


@pytest.fixture
def company(personas: Any, client_for: Any) -> Client:
    client: Client = client_for(personas.a["company_member"])
    return client


def page(response: Any) -> str:
    return str(response.content.decode())


def detail_url(roadmap: Roadmap) -> str:
    return reverse("roadmap_detail", args=[roadmap.pk])


def titles(roadmap: Roadmap) -> list[str]:
    return list(roadmap.actions.order_by("position").values_list("title", flat=True))


def test_it_shows_the_actions_on_three_horizons_with_suggestions_sharing_a_technology(
    roadmap: Roadmap, offers: list[Offer], advisor: Client
) -> None:
    response = advisor.get(detail_url(roadmap))
    assert response.status_code == 200
    html = page(response)
    assert [group.name for group in response.context["horizons"]] == ["0-3 months", "3-12 months", "12-24 months"]
    assert [len(group.rows) for group in response.context["horizons"]] == [2, 3, 1]
    assert all(f">{name}</h2>" in html for name in ("0-3 months", "3-12 months", "12-24 months"))
    offered = {offer.pk: {t.name for t in offer.technologies.all()} for offer in offers}
    by_id = {action.pk: action for action in roadmap.actions.prefetch_related("technologies")}
    seen = 0
    for group in response.context["horizons"]:
        for row in group.rows:
            assert len(row.suggestions) <= 3
            own = {t.name for t in by_id[row.id].technologies.all()}
            for suggestion in row.suggestions:
                card = suggestion.card
                assert card.kind in ("offer", "provider")
                if card.kind == "offer":
                    assert offered[card.id] & own, (row.title, card.title)
                    assert f"offer={card.id}" in suggestion.refer_url
                else:
                    assert f"recipient={card.id}" in suggestion.refer_url
                assert f"action={row.id}" in suggestion.refer_url
                assert card.reasons
                seen += 1
    assert seen > 0
    assert "Photonics support" not in html
    assert "Big data support for small firms" in html and ">Refer<span" in html


def test_the_company_may_ask_for_a_referral_from_a_suggestion_but_not_edit(
    roadmap: Roadmap, offers: list[Offer], company: Client, client_for: Any, personas: Any
) -> None:
    html = page(company.get(detail_url(roadmap)))
    assert "Big data support for small firms" in html
    assert ">Refer<span" in html and "Add an action" not in html
    # A member of the company is asked for its consent on the referral form it opens.
    link = html.split('href="/referrals/new/?', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    form = company.get(f"/referrals/new/?{link}")
    assert form.status_code == 200 and "Share these parts" in form.content.decode()


def test_the_company_agrees_and_the_page_shows_who_agreed(roadmap: Roadmap, company: Client, personas: Any) -> None:
    before = page(company.get(detail_url(roadmap)))
    assert "Not agreed yet" in before and "Agree this roadmap" in before
    response = company.post(reverse("roadmap_agree", args=[roadmap.pk]))
    assert response.status_code == 302
    version = RoadmapVersion.objects.get(roadmap=roadmap)
    assert version.number == 1 and version.agreed_by == personas.a["company_member"]
    after = company.get(detail_url(roadmap))
    html = page(after)
    assert f"version 1, by {personas.a['company_member'].display_name}" in html
    assert "Agree this roadmap" not in html
    assert "You agreed the roadmap: it is kept as version 1." in html


def test_agreeing_as_an_advisor_is_refused(roadmap: Roadmap, advisor: Client) -> None:
    assert "Agree this roadmap" not in page(advisor.get(detail_url(roadmap)))
    response = advisor.post(reverse("roadmap_agree", args=[roadmap.pk]))
    assert response.status_code == 400
    assert "Only a member of Alpha Manufacturing can agree its roadmap." in page(response)
    assert not RoadmapVersion.objects.filter(roadmap=roadmap).exists()


def test_a_version_shows_the_actions_as_agreed(roadmap: Roadmap, company: Client, advisor: Client) -> None:
    company.post(reverse("roadmap_agree", args=[roadmap.pk]))
    first = roadmap.actions.order_by("position").first()
    assert first is not None
    old_title = first.title
    data = {
        "title": "Protect the shop floor",
        "horizon": first.horizon,
        "owner_kind": "hub",
        "due_on": first.due_on.isoformat(),
        "status": "in_progress",
        "technologies": ["Cybersecurity"],
    }
    assert advisor.post(reverse("roadmap_action_edit", args=[first.pk]), data).status_code == 302
    now = page(company.get(detail_url(roadmap)))
    assert "Protect the shop floor" in now and "Changed since version 1 was agreed" in now
    assert "Agree this roadmap" in now
    agreed = company.get(detail_url(roadmap) + "?version=1")
    assert old_title in page(agreed) and "Protect the shop floor" not in page(agreed)
    assert company.get(detail_url(roadmap) + "?version=7").status_code == 404
    assert company.get(detail_url(roadmap) + "?version=x").status_code == 404


def test_the_print_view_has_the_actions_and_no_navigation(roadmap: Roadmap, company: Client) -> None:
    response = company.get(reverse("roadmap_print", args=[roadmap.pk]))
    assert response.status_code == 200
    html = page(response)
    assert all(title in html for title in titles(roadmap))
    assert "<nav" not in html and "Main navigation" not in html and "Log out" not in html
    assert "Alpha Manufacturing" in html and "Digital plan" in html
    assert "Not agreed yet by the company." in html
    company.post(reverse("roadmap_agree", args=[roadmap.pk]))
    html = page(company.get(reverse("roadmap_print", args=[roadmap.pk])))
    assert "Version 1 agreed by" in html and "Not agreed yet" not in html


def test_a_new_action_due_yesterday_is_refused_on_its_due_date(roadmap: Roadmap, advisor: Client) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    data = {"title": "Train the staff", "horizon": "0-3", "owner_kind": "company", "status": "planned"}
    response = advisor.post(
        reverse("roadmap_action_create", args=[roadmap.pk]), {**data, "due_on": yesterday.isoformat()}
    )
    assert response.status_code == 400
    assert "in the past" in response.context["action_form"].errors["due_on"][0]
    assert not roadmap.actions.filter(title="Train the staff").exists()
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = advisor.post(
        reverse("roadmap_action_create", args=[roadmap.pk]), {**data, "due_on": tomorrow.isoformat()}
    )
    assert response.status_code == 302
    assert roadmap.actions.get(title="Train the staff").due_on == tomorrow


def test_the_advisor_edits_and_deletes_an_action(roadmap: Roadmap, advisor: Client, personas: Any) -> None:
    action = roadmap.actions.order_by("position").last()
    assert action is not None
    form = advisor.get(reverse("roadmap_action_edit", args=[action.pk])).context["form"]
    assert form.initial["title"] == action.title
    owner = personas.a["company_member"]
    data = {
        "title": "Move the files to the cloud",
        "horizon": "3-12",
        "owner_kind": "company",
        "owner": str(owner.pk),
        "due_on": action.due_on.isoformat(),
        "status": "planned",
    }
    assert advisor.post(reverse("roadmap_action_edit", args=[action.pk]), data).status_code == 302
    action.refresh_from_db()
    assert (action.title, action.horizon, action.owner) == ("Move the files to the cloud", "3-12", owner)
    assert f"the company · {owner.display_name}" in page(advisor.get(detail_url(roadmap)))
    outsider = personas.b["company_member"]
    refused = advisor.post(reverse("roadmap_action_edit", args=[action.pk]), {**data, "owner": str(outsider.pk)})
    assert refused.status_code == 400 and refused.context["form"].errors["owner"]
    assert advisor.post(reverse("roadmap_action_delete", args=[action.pk])).status_code == 302
    assert not RoadmapAction.objects.filter(pk=action.pk).exists()


def test_only_hub_staff_change_the_actions(roadmap: Roadmap, company: Client) -> None:
    action = roadmap.actions.order_by("position").first()
    assert action is not None
    data = {"title": "Mine", "horizon": "0-3", "owner_kind": "company", "status": "planned", "due_on": "2999-01-01"}
    assert company.post(reverse("roadmap_action_create", args=[roadmap.pk]), data).status_code == 404
    assert company.get(reverse("roadmap_action_edit", args=[action.pk])).status_code == 404
    assert company.post(reverse("roadmap_action_edit", args=[action.pk]), data).status_code == 404
    assert company.post(reverse("roadmap_action_delete", args=[action.pk])).status_code == 404
    assert roadmap.actions.count() == 6 and not roadmap.actions.filter(title="Mine").exists()


def test_a_member_of_another_organisation_gets_404_on_every_page(
    roadmap: Roadmap, personas: Any, client_for: Any
) -> None:
    action = roadmap.actions.order_by("position").first()
    assert action is not None
    for person in (personas.b["company_member"], personas.a["observer"], personas.pending_a):
        client = client_for(person)
        assert client.get(detail_url(roadmap)).status_code == 404
        assert client.get(reverse("roadmap_print", args=[roadmap.pk])).status_code == 404
        assert client.post(reverse("roadmap_agree", args=[roadmap.pk])).status_code == 404
        assert client.post(reverse("roadmap_draft", args=[roadmap.case_id])).status_code == 404
        assert client.post(reverse("roadmap_action_create", args=[roadmap.pk]), {}).status_code == 404
        assert client.get(reverse("roadmap_action_edit", args=[action.pk])).status_code == 404
        assert client.post(reverse("roadmap_action_delete", args=[action.pk])).status_code == 404
    assert not RoadmapVersion.objects.exists() and roadmap.actions.count() == 6


def test_the_page_s_queries_do_not_grow_with_the_actions(
    roadmap: Roadmap, offers: list[Offer], advisor: Client, personas: Any
) -> None:
    # Counted at once: the connection keeps the last 9000 queries only, and seeding the taxonomy is thousands.
    def counted() -> int:
        advisor.get(detail_url(roadmap))
        with CaptureQueriesContext(connection) as captured:
            page = advisor.get(detail_url(roadmap))
        assert page.status_code == 200
        assert b"offer=" in page.content  # suggestions are shown, with their "Refer" links
        return len(captured)

    six = counted()
    for action in list(roadmap.actions.order_by("position"))[2:]:
        actions.action_delete(actor=personas.hub_advisor, action=action)
    assert counted() == six
