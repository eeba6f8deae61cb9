"""Finding funding through the matching engine: programmes are items of the engine, and for a company's
need (or a roadmap action) the programmes it is eligible for come first, by fit, those it is not eligible
for are left out, each with the engine's reasons and the rules' reasons."""

from __future__ import annotations

from datetime import date
from typing import Any

from moselle.funding import matching, rules
from moselle.funding.models import Programme
from moselle.funding.tests.conftest import MakeCompany, declare
from moselle.matching import engine


def test_programmes_are_items_of_the_engine(programmes: dict[str, Programme], make_user: Any) -> None:
    from moselle.accounts.models import Role

    answer = engine.search(
        engine.Need(text="cybersecurity project funding", kinds=("programme",)), user=make_user(Role.HUB_ADVISOR)
    )
    codes = [Programme.objects.get(pk=r.item.id).code for r in answer.results]
    assert set(codes[:2]) == {"lu-cid", "eu-digital-europe"}  # the two whose texts speak of cybersecurity
    item = matching.programme_item(programmes["lu-cid"])
    assert item.smes_only and item.eligible == frozenset({"LU"}) and item.audience == "signed_in"
    assert engine.search(engine.Need(text="cybersecurity", kinds=("programme",)), user=None).results == []


def test_eligible_programmes_first_by_fit_with_both_reasons(
    programmes: dict[str, Programme], make_company: MakeCompany
) -> None:
    company = make_company("small", founded_on=date(2015, 6, 1))
    for programme in programmes.values():
        declare(company, "programme_history", holds=False, programme=programme)
    found = matching.find(company, "we need money for a cybersecurity project", limit=20)
    outcomes = [f.evaluation.outcome for f in found]
    assert rules.NOT_ELIGIBLE not in outcomes and outcomes == sorted(
        outcomes, key=[rules.ELIGIBLE, rules.UNKNOWN].index
    )
    assert found[0].evaluation.programme.code == "lu-cid" and found[0].reasons
    assert all(r.reason for r in found[0].evaluation.results)

    large = make_company("large")
    codes = {f.evaluation.programme.code for f in matching.find(large, "cybersecurity", limit=20)}
    assert "lu-cid" not in codes and "lu-fit4digital" not in codes  # SMEs only: left out
    assert "eu-digital-europe" in codes and "eu-horizon-europe" not in codes  # its texts share no word of the need


def test_funding_for_a_roadmap_action(
    programmes: dict[str, Programme], make_company: MakeCompany, make_user: Any
) -> None:
    from django.utils import timezone

    from moselle.accounts.models import Role
    from moselle.journeys import actions as journeys
    from moselle.journeys.models import Horizon, Roadmap, RoadmapAction

    company = make_company("micro", founded_on=date(2010, 1, 1))
    case = journeys.case_open(actor=make_user(Role.HUB_ADVISOR), organisation=company, title="Security")
    roadmap = Roadmap.objects.create(organisation=company, case=case, drafted_at=timezone.now())
    action = RoadmapAction.objects.create(
        roadmap=roadmap,
        title="Harden the cybersecurity of the shop's systems",
        horizon=Horizon.NOW,
        due_on=timezone.localdate(),
    )
    found = matching.for_action(action)
    assert {f.evaluation.programme.code for f in found[:2]} == {"lu-cid", "eu-digital-europe"}
    assert all("cybersecurity" in f.reasons[0] for f in found[:2]) and len(found) <= 5


def test_a_programme_result_says_its_instrument_in_the_readers_language(programmes: dict[str, Programme]) -> None:
    from django.utils import translation

    from moselle.matching.views import subtitle_of

    item = matching.programme_item(programmes["lu-smepackages-sustainability"])
    assert item.subtitle == "fixed_grant"
    with translation.override("fr"):
        assert subtitle_of(item) == "subvention forfaitaire"
    with translation.override("en"):
        assert subtitle_of(item) == "fixed grant"
