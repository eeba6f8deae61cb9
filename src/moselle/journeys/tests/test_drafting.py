"""Needs and a roadmap drafted from an assessment: the SME worked example of spec/dma.md §7 (D1 50.00, D2
38.57, D3 46.43, D4 53.57, D5 16.00, D6 35.00) against next-band targets (floors 26, 51, 76)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from moselle.accounts.models import Role
from moselle.catalogue.models import Offer
from moselle.catalogue.tests.factories import make_offer
from moselle.core.models_taxonomy import Technology
from moselle.journeys import actions, drafting, queries
from moselle.journeys.models import Case, Horizon, Need, RoadmapAction, Stage
from moselle.organisations import actions as registry_actions
from moselle.organisations.models import Organisation

ORDER = ["d4", "d6", "d2", "d5", "d3", "d1"]
GAPS = ["22.43", "16.00", "12.43", "10.00", "4.57", "1.00"]


@pytest.fixture
def advisor(make_user: Any) -> Any:
    return make_user(Role.HUB_ADVISOR)


@pytest.fixture
def case(assessed: Organisation, advisor: Any) -> Case:
    return actions.case_open(actor=advisor, organisation=assessed, title="Digital plan", owner=advisor)


def test_it_scores_the_example_as_the_spec_says(assessed: Organisation) -> None:
    result = actions.latest_result(assessed)
    assert result is not None
    assert {k: str(v) for k, v in result.dimension_scores().items()} == {
        "d1": "50.00",
        "d2": "38.57",
        "d3": "46.43",
        "d4": "53.57",
        "d5": "16.00",
        "d6": "35.00",
    }


def test_it_drafts_the_dimension_needs_largest_gap_first(case: Case, advisor: Any) -> None:
    needs = actions.needs_draft(actor=advisor, case=case)
    assert [need.dimension for need in needs] == ORDER
    assert [str(need.gap) for need in needs] == GAPS
    assert [str(need.target_score) for need in needs] == ["76.00", "51.00", "51.00", "26.00", "51.00", "51.00"]


def test_it_orders_them_so_by_priority_when_importance_urgency_and_effort_are_equal(case: Case, advisor: Any) -> None:
    actions.needs_draft(actor=advisor, case=case)
    ranked = queries.case_needs(case)
    assert [need.dimension for need in ranked] == ORDER
    # importance 3 x gap x urgency 3 / effort 3
    assert [need.priority for need in ranked] == [Decimal(gap) * 3 for gap in GAPS]


def test_it_lists_what_is_missing_in_plain_words(case: Case, advisor: Any) -> None:
    needs = {need.dimension: need for need in actions.needs_draft(actor=advisor, case=case)}
    # Q7 has 4 of its 7 positive items ticked, Q8 3 of 6: six items of D4 are not in place.
    assert len(needs["d4"].missing) == 6
    assert all(line["text"].startswith("Not yet in place: ") for line in needs["d4"].missing)
    assert "Not yet in place: Cyber threats monitored regularly" in needs["d4"].description
    # Q9 grades [1, 0, 0, 0, 3]: two partly in place, three not at all.
    statuses = [line["status"] for line in needs["d5"].missing]
    assert statuses.count("partial") == 2 and statuses.count("missing") == 3


def test_it_gives_no_need_to_a_dimension_whose_target_is_its_current_band(case: Case, advisor: Any) -> None:
    needs = actions.needs_draft(actor=advisor, case=case, targets={"d1": "average"})
    assert [need.dimension for need in needs] == ORDER[:-1]
    roadmap = actions.roadmap_draft(actor=advisor, case=case)
    assert "d1" not in {action.need.dimension for action in roadmap.actions.select_related("need")}
    assert roadmap.actions.count() == 5


def test_it_drops_a_need_whose_target_comes_down_when_drafted_again(case: Case, advisor: Any) -> None:
    first = {need.dimension: need for need in actions.needs_draft(actor=advisor, case=case)}
    actions.need_update(actor=advisor, need=first["d4"], data={"importance": 5})
    actions.needs_draft(actor=advisor, case=case, targets={"d1": "average"})
    first["d1"].refresh_from_db()
    first["d4"].refresh_from_db()
    assert first["d1"].status == Need.Status.DROPPED
    assert first["d4"].importance == 5  # the advisor's estimate survives a new draft
    assert first["d4"].priority == Decimal("22.43") * 5
    assert Need.objects.filter(case=case, dimension="d4").count() == 1


def test_it_refuses_an_unknown_target_band(case: Case, advisor: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        actions.needs_draft(actor=advisor, case=case, targets={"d1": "stellar"})
    assert "targets" in caught.value.message_dict
    assert not Need.objects.filter(case=case).exists()


def test_it_asks_for_an_assessment_before_drafting(org_b: Organisation, advisor: Any) -> None:
    from django.core.exceptions import ValidationError

    case = actions.case_open(actor=advisor, organisation=org_b, title="New", owner=advisor)
    with pytest.raises(ValidationError) as caught:
        actions.needs_draft(actor=advisor, case=case)
    assert "assessment" in caught.value.message_dict["case"][0]


def test_it_drafts_the_roadmap_on_three_horizons_in_priority_order(case: Case, advisor: Any) -> None:
    actions.needs_draft(actor=advisor, case=case)
    roadmap = actions.roadmap_draft(actor=advisor, case=case)
    rows = list(roadmap.actions.select_related("need").order_by("position"))
    assert [row.need.dimension for row in rows] == ORDER
    assert [row.horizon for row in rows] == [Horizon.NOW] * 2 + [Horizon.NEXT] * 3 + [Horizon.LATER]
    assert rows[0].title == "Data management and connectedness: reach Advanced"
    assert all(set(row.technologies.all()) == set(row.need.technologies.all()) for row in rows)
    assert all(row.technologies.exists() for row in rows)
    case.refresh_from_db()
    assert case.stage == Stage.ENGAGE


def test_it_plans_the_most_urgent_need_first_whatever_its_rank(case: Case, advisor: Any) -> None:
    needs = {need.dimension: need for need in actions.needs_draft(actor=advisor, case=case)}
    actions.need_update(actor=advisor, need=needs["d3"], data={"urgency": 5, "importance": 1})
    roadmap = actions.roadmap_draft(actor=advisor, case=case)
    assert roadmap.actions.get(need=needs["d3"]).horizon == Horizon.NOW


def test_it_keeps_actions_under_way_when_drafted_again(case: Case, advisor: Any) -> None:
    actions.needs_draft(actor=advisor, case=case)
    roadmap = actions.roadmap_draft(actor=advisor, case=case)
    started = roadmap.actions.order_by("position").first()
    assert started is not None
    actions.action_save(actor=advisor, roadmap=roadmap, action=started, data={"status": "in_progress"})
    actions.roadmap_draft(actor=advisor, case=case)
    assert RoadmapAction.objects.filter(pk=started.pk, status="in_progress").exists()
    assert roadmap.actions.count() == 6


def test_every_action_s_suggestions_share_a_technology_with_it(case: Case, advisor: Any) -> None:
    provider = registry_actions.organisation_create(
        actor=None, name="Lux Digital Partners", country="LU", details={"kinds": ["technology_provider"]}
    )
    # An offer for each dimension's technologies, and one that shares none (Photonics).
    for names in (
        ["Cybersecurity"],
        ["Big data", "BI tools"],
        ["Artificial Intelligence & Decision support"],
        ["Internet of Things"],
        ["Cloud Services"],
        ["Gamification"],
        ["Photonics"],
    ):
        make_offer(
            provider,
            status=Offer.Status.PUBLISHED,
            title={"en": f"{names[0]} support for small firms"},
            description={"en": f"Hands-on help with {', '.join(names)} for small firms."},
            technologies=names,
        )
    actions.needs_draft(actor=advisor, case=case)
    roadmap = actions.roadmap_draft(actor=advisor, case=case)
    photonics = Offer.objects.get(technologies__name="Photonics")
    seen = 0
    for action in roadmap.actions.prefetch_related("technologies"):
        own = {f"technology:{t.name}" for t in action.technologies.all()}
        found = queries.action_suggestions(action, user=advisor)
        for result in found:
            assert own & set(result.item.labels), (action.title, result.item.title)
            assert (result.item.kind, result.item.id) != ("offer", photonics.pk)
        seen += len(found)
    assert seen > 0


def test_priority_is_importance_times_gap_times_urgency_over_effort() -> None:
    assert drafting.priority(importance=4, gap=Decimal("12.5"), urgency=2, effort=5) == Decimal("20.0000")
    assert drafting.priority(importance=1, gap=Decimal("1"), urgency=1, effort=3) == Decimal("0.3333")


def test_the_next_band_up_is_the_default_target() -> None:
    assert drafting.default_target(Decimal("50.00")) == "moderately_advanced"
    assert drafting.default_target(Decimal("25.00")) == "average"
    assert drafting.default_target(Decimal("90")) == "advanced"
    assert drafting.gap_to(Decimal("90"), "advanced") == Decimal("0.00")


def test_every_technology_of_the_dimension_map_is_in_the_catalogue(taxonomy: None) -> None:
    named = {
        name
        for questionnaire in drafting.dimension_support().values()
        for dimension in questionnaire.values()
        for name in dimension["technologies"]
    }
    assert named <= set(Technology.objects.values_list("name", flat=True))
    categories = {d["category"] for q in drafting.dimension_support().values() for d in q.values()}
    from moselle.organisations.models import EdihCategory

    assert categories <= set(EdihCategory.values)
