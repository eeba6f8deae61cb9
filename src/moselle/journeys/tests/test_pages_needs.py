"""The needs pages: the SME worked example of spec/dma.md §7 drafted into six needs (largest gap first: D4,
D6, D2, D5, D3, D1), the advisor's and the company's forms, and who may see what."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from moselle.journeys import actions
from moselle.journeys.models import Case, Need, Roadmap
from moselle.organisations.models import Organisation

ORDER = ["d4", "d6", "d2", "d5", "d3", "d1"]


@pytest.fixture
def case(assessed: Organisation, personas: Any) -> Case:
    advisor = personas.hub_advisor
    return actions.case_open(actor=advisor, organisation=assessed, title="Digital plan", owner=advisor)


@pytest.fixture
def drafted(case: Case, personas: Any) -> dict[str, Need]:
    return {need.dimension: need for need in actions.needs_draft(actor=personas.hub_advisor, case=case)}


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


def needs_url(case: Case) -> str:
    return reverse("case_needs", args=[case.pk])


def test_it_lists_the_open_needs_in_priority_order(case: Case, drafted: dict[str, Need], advisor: Client) -> None:
    response = advisor.get(needs_url(case))
    assert response.status_code == 200
    assert [row.need.dimension for row in response.context["rows"]] == ORDER
    html = page(response)
    places = [html.index(f"<dd>{dimension.upper()}</dd>") for dimension in ORDER]
    assert places == sorted(places)
    # what each is computed from
    assert "53.57 → 76.00" in html and "22.43" in html
    assert "Not yet in place: Cyber threats monitored regularly" in html


def test_drafting_with_d1_aiming_at_its_own_band_leaves_d1_out(case: Case, advisor: Client) -> None:
    form = advisor.get(needs_url(case)).context["draft_form"]
    assert form.fields["target_d1"].initial == "moderately_advanced"  # the next band up
    targets = {name: field.initial for name, field in form.fields.items()}
    targets["target_d1"] = "average"
    response = advisor.post(reverse("needs_draft", args=[case.pk]), targets)
    assert response.status_code == 302
    listed = advisor.get(needs_url(case)).context["rows"]
    assert [row.need.dimension for row in listed] == ORDER[:-1]


def test_a_target_left_out_is_the_next_band_up(case: Case, advisor: Client) -> None:
    assert advisor.post(reverse("needs_draft", args=[case.pk]), {"target_d5": "advanced"}).status_code == 302
    drafted = {need.dimension: need for need in Need.objects.filter(case=case)}
    assert set(drafted) == set(ORDER)
    assert drafted["d5"].target_score == Decimal("76.00") and drafted["d1"].target_score == Decimal("51.00")


def test_an_unknown_target_band_is_refused_on_its_field(case: Case, advisor: Client) -> None:
    response = advisor.post(reverse("needs_draft", args=[case.pk]), {"target_d1": "stellar"})
    assert response.status_code == 400
    assert response.context["draft_form"].errors["target_d1"]
    assert not Need.objects.filter(case=case).exists()


def test_drafting_without_an_assessment_says_so(org_b: Organisation, personas: Any, advisor: Client) -> None:
    case = actions.case_open(actor=personas.hub_advisor, organisation=org_b, title="New", owner=personas.hub_advisor)
    assert advisor.get(needs_url(case)).context["draft_form"] is None
    response = advisor.post(reverse("needs_draft", args=[case.pk]), {})
    assert response.status_code == 400
    assert "no submitted assessment" in page(response)


def test_the_company_sees_its_needs_and_changes_their_importance(
    case: Case, drafted: dict[str, Need], company: Client
) -> None:
    response = company.get(needs_url(case))
    assert response.status_code == 200
    assert [row.need.dimension for row in response.context["rows"]] == ORDER
    assert "Set the priority by hand" not in page(response)
    assert "Draft the needs" not in page(response) and "Draft the roadmap" not in page(response)
    need = drafted["d3"]
    form = company.get(reverse("need_edit", args=[need.pk])).context["form"]
    assert list(form.fields) == ["importance"]
    response = company.post(reverse("need_edit", args=[need.pk]), {"importance": "5"})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.importance == 5
    assert need.priority == Decimal("4.57") * 5


def test_the_company_cannot_change_the_urgency(case: Case, drafted: dict[str, Need], company: Client) -> None:
    need = drafted["d3"]
    response = company.post(reverse("need_edit", args=[need.pk]), {"importance": "4", "urgency": "5"})
    assert response.status_code == 400
    assert "You may change how important a need is" in page(response)
    need.refresh_from_db()
    assert (need.importance, need.urgency) == (3, 3)


def test_the_company_cannot_draft_nor_set_a_priority(case: Case, drafted: dict[str, Need], company: Client) -> None:
    assert company.post(reverse("needs_draft", args=[case.pk]), {}).status_code == 404
    assert company.post(reverse("roadmap_draft", args=[case.pk])).status_code == 404
    need = drafted["d1"]
    response = company.post(reverse("need_prioritise", args=[need.pk]), {"priority": "999", "reason": "x"})
    assert response.status_code == 404
    need.refresh_from_db()
    assert need.priority_override is None


def test_the_company_adds_a_need_in_its_own_words(case: Case, company: Client) -> None:
    form = company.get(needs_url(case)).context["need_form"]
    assert list(form.fields) == ["title", "description", "gap", "importance"]
    assert "0-100" in str(form.fields["gap"].help_text)
    response = company.post(
        needs_url(case), {"title": "A website shop", "description": "Sell online", "gap": "40", "importance": "4"}
    )
    assert response.status_code == 302
    need = Need.objects.get(case=case, title="A website shop")
    assert need.source == Need.Source.COMPANY
    assert (need.gap, need.importance, need.urgency, need.effort) == (Decimal("40.00"), 4, 3, 3)


def test_a_need_without_a_gap_or_title_is_refused_on_the_fields(case: Case, advisor: Client) -> None:
    response = advisor.post(
        needs_url(case), {"title": "", "gap": "150", "importance": "3", "urgency": "3", "effort": "3"}
    )
    assert response.status_code == 400
    errors = response.context["need_form"].errors
    assert "0 to 100" in errors["gap"][0]
    assert errors["title"]
    assert not Need.objects.filter(case=case).exists()


def test_the_advisor_sets_a_priority_by_hand_and_it_is_marked(
    case: Case, drafted: dict[str, Need], advisor: Client
) -> None:
    need = drafted["d1"]
    url = reverse("need_prioritise", args=[need.pk])
    response = advisor.post(url, {"priority": "999", "reason": "The board asked for it first"})
    assert response.status_code == 302
    listed = advisor.get(needs_url(case))
    assert listed.context["rows"][0].need.pk == need.pk
    assert "set by the advisor: The board asked for it first" in page(listed)
    advisor.post(url, {"priority": "", "reason": ""})
    need.refresh_from_db()
    assert need.priority_override is None
    assert advisor.get(needs_url(case)).context["rows"][-1].need.pk == need.pk


def test_a_priority_without_a_reason_is_refused_on_the_field(
    case: Case, drafted: dict[str, Need], advisor: Client
) -> None:
    need = drafted["d1"]
    response = advisor.post(reverse("need_prioritise", args=[need.pk]), {"priority": "50", "reason": ""})
    assert response.status_code == 400
    assert response.context["priority_form"].errors["reason"]
    need.refresh_from_db()
    assert need.priority_override is None


def test_the_advisor_changes_the_estimates_and_closes_a_need(
    case: Case, drafted: dict[str, Need], advisor: Client
) -> None:
    need = drafted["d5"]
    form = advisor.get(reverse("need_edit", args=[need.pk])).context["form"]
    assert "title" not in form.fields and "urgency" in form.fields  # a drafted need's title is the dimension's
    data = {"importance": "5", "urgency": "4", "effort": "2", "technologies": ["Cybersecurity"], "status": "open"}
    assert advisor.post(reverse("need_edit", args=[need.pk]), data).status_code == 302
    need.refresh_from_db()
    assert (need.importance, need.urgency, need.effort) == (5, 4, 2)
    assert need.priority == Decimal("10.00") * 5 * 4 / 2
    assert [t.name for t in need.technologies.all()] == ["Cybersecurity"]
    data["status"] = "met"
    assert advisor.post(reverse("need_edit", args=[need.pk]), data).status_code == 302
    listed = advisor.get(needs_url(case))
    assert need.pk not in {row.need.pk for row in listed.context["rows"]}
    assert [n.pk for n in listed.context["closed"]] == [need.pk]


def test_the_chart_is_an_svg_of_the_open_needs(case: Case, drafted: dict[str, Need], company: Client) -> None:
    response = company.get(reverse("needs_chart", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")
    root = ET.fromstring(response.content)
    ranks = [g.attrib["data-rank"] for g in root.iter("{http://www.w3.org/2000/svg}g")]
    assert ranks == ["1", "2", "3", "4", "5", "6"]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in page(company.get(needs_url(case)))  # and inline


def test_the_advisor_drafts_the_roadmap_from_the_page(case: Case, drafted: dict[str, Need], advisor: Client) -> None:
    assert "Draft the roadmap" in page(advisor.get(needs_url(case)))
    response = advisor.post(reverse("roadmap_draft", args=[case.pk]))
    roadmap = Roadmap.objects.get(case=case)
    assert response.status_code == 302 and response["Location"] == reverse("roadmap_detail", args=[roadmap.pk])
    assert roadmap.actions.count() == 6
    assert reverse("roadmap_detail", args=[roadmap.pk]) in page(advisor.get(needs_url(case)))


def test_drafting_a_roadmap_without_needs_is_refused_on_the_page(case: Case, advisor: Client) -> None:
    response = advisor.post(reverse("roadmap_draft", args=[case.pk]))
    assert response.status_code == 400
    assert "no open need yet" in page(response)
    assert not Roadmap.objects.filter(case=case).exists()


def test_a_member_of_another_organisation_gets_404_on_every_page(
    case: Case, drafted: dict[str, Need], personas: Any, client_for: Any
) -> None:
    need = drafted["d4"]
    for person in (personas.b["company_member"], personas.a["observer"], personas.pending_a):
        client = client_for(person)
        assert client.get(needs_url(case)).status_code == 404
        assert client.post(needs_url(case), {"title": "x", "gap": "1", "importance": "3"}).status_code == 404
        assert client.post(reverse("needs_draft", args=[case.pk]), {}).status_code == 404
        assert client.get(reverse("needs_chart", args=[case.pk])).status_code == 404
        assert client.get(reverse("need_edit", args=[need.pk])).status_code == 404
        assert client.post(reverse("need_edit", args=[need.pk]), {"importance": "5"}).status_code == 404
        assert client.post(reverse("need_prioritise", args=[need.pk]), {"priority": "1"}).status_code == 404
    need.refresh_from_db()
    assert need.importance == 3
    assert not Need.objects.filter(title="x").exists()


def test_the_pages_ask_to_log_in(case: Case, drafted: dict[str, Need]) -> None:
    response = Client().get(needs_url(case))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_s_queries_do_not_grow_with_the_needs(
    case: Case, drafted: dict[str, Need], advisor: Client, personas: Any
) -> None:
    def counted() -> int:
        # Counted at once: the connection keeps the last 9000 queries only, and seeding the taxonomy is more.
        with CaptureQueriesContext(connection) as captured:
            assert advisor.get(needs_url(case)).status_code == 200
        return len(captured)

    actions.need_close(actor=personas.hub_advisor, need=drafted["d1"], status=Need.Status.DROPPED)
    five = counted()
    for number in range(3):
        data = {"title": f"Need {number}", "gap": "10", "importance": "3", "technologies": ["Cybersecurity"]}
        actions.need_create(actor=personas.hub_advisor, case=case, data=data)
    actions.need_close(actor=personas.hub_advisor, need=drafted["d3"], status=Need.Status.MET)
    response = advisor.get(needs_url(case))
    assert (len(response.context["rows"]), len(response.context["closed"])) == (7, 2)
    assert counted() == five
