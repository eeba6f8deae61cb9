"""Fit 4 Digital's rules (from the funding facts file) over companies of every size class, a small company
that a large group controls, one that had the scheme 18 months ago, one without its declarations, a public
body, and the approved consultant: the right answer with the right reasons each time."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from moselle.funding import rules
from moselle.funding.facts import DECLARATION_VALID_DAYS, Facts
from moselle.funding.models import Application, Declaration, Programme
from moselle.funding.tests.conftest import DECLARED, MakeCompany, declare, figures, own
from moselle.organisations.models import Organisation, OrganisationKind


def check(programme: Programme, company: Organisation, **more: Any) -> rules.Evaluation:
    return rules.evaluate(programme, Facts(company, **more))


def by_fact(evaluation: rules.Evaluation) -> dict[str, rules.RuleResult]:
    return {result.fact: result for result in evaluation.results}


@pytest.fixture
def fit4digital(programmes: dict[str, Programme]) -> Programme:
    return programmes["lu-fit4digital"]


def declared_no_history(company: Organisation, programme: Programme) -> None:
    declare(company, "programme_history", holds=False, programme=programme)


@pytest.mark.parametrize(
    ("size", "outcome", "label"),
    [
        ("micro", rules.ELIGIBLE, "micro"),
        ("small", rules.ELIGIBLE, "small"),
        ("medium", rules.ELIGIBLE, "medium"),
        ("small_midcap", rules.NOT_ELIGIBLE, "small mid-cap"),
        ("large", rules.NOT_ELIGIBLE, "large"),
    ],
)
def test_every_size_class(
    fit4digital: Programme, make_company: MakeCompany, size: str, outcome: str, label: str
) -> None:
    company = make_company(size)
    declared_no_history(company, fit4digital)
    evaluation = check(fit4digital, company)
    assert evaluation.outcome == outcome
    size_rule = by_fact(evaluation)["size_class"]
    assert size_rule.used["size_class"] == size and label in size_rule.reason.lower()
    if outcome == rules.NOT_ELIGIBLE:
        assert [r.fact for r in evaluation.blocking] == ["size_class"]
    else:
        assert evaluation.blocking == [] and evaluation.missing == []
        # the consultant is a condition of the project, not a fact of the company
        assert [r.fact for r in evaluation.conditions] == ["approved_provider"]


def test_a_linked_enterprise_makes_a_small_company_a_large_one(
    fit4digital: Programme, make_company: MakeCompany
) -> None:
    company = make_company("small")
    group = Organisation.objects.create(name="Grossgruppe Holding AG", country="DE")
    OrganisationKind.objects.create(organisation=group, kind=Organisation.Kind.COMPANY)
    figures(group, "large")
    own(group, company, 60)  # a majority: linked, its figures added in full
    declared_no_history(company, fit4digital)
    evaluation = check(fit4digital, company)
    assert evaluation.outcome == rules.NOT_ELIGIBLE
    size_rule = by_fact(evaluation)["size_class"]
    assert size_rule.outcome == rules.NOT_MET and size_rule.used["size_class"] == "large"
    assert size_rule.used["linked"] == ["Grossgruppe Holding AG"]
    assert "Grossgruppe Holding AG" in size_rule.reason


def test_a_partner_below_the_linked_threshold_keeps_it_an_sme(
    fit4digital: Programme, make_company: MakeCompany
) -> None:
    company = make_company("micro")
    investor = make_company("small", declared=False)
    own(investor, company, 30)  # a partner: added pro rata, 30 % of a small company keeps it small
    declared_no_history(company, fit4digital)
    evaluation = check(fit4digital, company)
    assert evaluation.outcome == rules.ELIGIBLE
    assert by_fact(evaluation)["size_class"].used["partners"] == [investor.name]


def test_a_grant_of_the_scheme_18_months_ago_blocks_it(fit4digital: Programme, make_company: MakeCompany) -> None:
    recorded = make_company("small")
    Application.objects.create(
        organisation=recorded,
        programme=fit4digital,
        amount_requested=Decimal(5000),
        status=Application.Status.GRANTED,
        amount_granted=Decimal(5000),
        decided_on=timezone.localdate() - timedelta(days=548),
    )
    declared_no_history(recorded, fit4digital)  # a declaration of none does not outweigh a recorded grant
    evaluation = check(fit4digital, recorded)
    cool_down = by_fact(evaluation)["cool_down"]
    assert evaluation.outcome == rules.NOT_ELIGIBLE and cool_down.outcome == rules.NOT_MET
    assert cool_down.used["source"] == "recorded" and "within the last 2 years" in cool_down.reason

    told = make_company("small")
    declare(
        told, "programme_history", programme=fit4digital, last_granted_on=timezone.localdate() - timedelta(days=548)
    )
    evaluation = check(fit4digital, told)
    assert evaluation.outcome == rules.NOT_ELIGIBLE
    assert by_fact(evaluation)["cool_down"].used["source"] == "declared"


def test_a_grant_three_years_ago_is_past_the_cool_down(fit4digital: Programme, make_company: MakeCompany) -> None:
    company = make_company("small")
    Application.objects.create(
        organisation=company,
        programme=fit4digital,
        amount_requested=Decimal(5000),
        status=Application.Status.GRANTED,
        decided_on=timezone.localdate() - timedelta(days=3 * 365),
    )
    declare(
        company,
        "programme_history",
        programme=fit4digital,
        last_granted_on=timezone.localdate() - timedelta(days=3 * 365),
    )
    assert check(fit4digital, company).outcome == rules.ELIGIBLE


def test_without_its_declarations_the_answer_is_unknown_and_says_what_is_missing(
    fit4digital: Programme, make_company: MakeCompany
) -> None:
    company = make_company("small", declared=False)
    evaluation = check(fit4digital, company)
    assert evaluation.outcome == rules.UNKNOWN
    unknown = [r.fact for r in evaluation.results if r.outcome == rules.UNKNOWN]
    assert unknown == [*DECLARED, "cool_down"]
    assert {(m.fact, m.who) for m in evaluation.missing} == {
        ("business_permit", "company"),
        ("not_in_difficulty", "company"),
        ("aid_eligible_activity", "company"),
        ("programme_history", "company"),
    }
    assert by_fact(evaluation)["size_class"].outcome == rules.MET  # what is known is still said


def test_no_records_is_not_proof_of_no_grant(fit4digital: Programme, make_company: MakeCompany) -> None:
    company = make_company("small")
    cool_down = by_fact(check(fit4digital, company))["cool_down"]
    assert cool_down.outcome == rules.UNKNOWN and cool_down.missing[0].fact == "programme_history"


def test_an_old_declaration_is_asked_again(fit4digital: Programme, make_company: MakeCompany) -> None:
    company = make_company("small")
    declared_no_history(company, fit4digital)
    Declaration.objects.filter(organisation=company).update(
        declared_on=timezone.localdate() - timedelta(days=DECLARATION_VALID_DAYS + 1)
    )
    evaluation = check(fit4digital, company)
    assert evaluation.outcome == rules.UNKNOWN
    assert {m.fact for m in evaluation.missing} == {*DECLARED, "programme_history"}


def test_a_company_in_difficulty_is_not_eligible(fit4digital: Programme, make_company: MakeCompany) -> None:
    company = make_company("small")
    declared_no_history(company, fit4digital)
    declare(company, "not_in_difficulty", holds=False)  # the latest declaration counts
    evaluation = check(fit4digital, company)
    assert evaluation.outcome == rules.NOT_ELIGIBLE
    assert [r.fact for r in evaluation.blocking] == ["not_in_difficulty"]


def test_missing_figures_give_unknown_never_eligible(fit4digital: Programme, make_company: MakeCompany) -> None:
    company = make_company(None)
    declared_no_history(company, fit4digital)
    evaluation = check(fit4digital, company)
    assert evaluation.outcome == rules.UNKNOWN
    size_rule = by_fact(evaluation)["size_class"]
    assert size_rule.outcome == rules.UNKNOWN and size_rule.missing and size_rule.missing[0].who == "company"


def test_a_public_body_is_not_an_sme(fit4digital: Programme, make_company: MakeCompany) -> None:
    body = make_company("micro")
    OrganisationKind.objects.create(organisation=body, kind=Organisation.Kind.PUBLIC_BODY)
    declared_no_history(body, fit4digital)
    evaluation = check(fit4digital, body)
    assert evaluation.outcome == rules.NOT_ELIGIBLE
    assert by_fact(evaluation)["size_class"].used == {"size_class": "public_body"}


def test_a_company_abroad_is_not_eligible(fit4digital: Programme, make_company: MakeCompany) -> None:
    company = make_company("small", country="FR")
    declared_no_history(company, fit4digital)
    evaluation = check(fit4digital, company)
    assert [r.fact for r in evaluation.blocking] == ["country"]


def test_the_consultant_must_be_approved(fit4digital: Programme, make_company: MakeCompany) -> None:
    company = make_company("small")
    declared_no_history(company, fit4digital)
    approved = Organisation.objects.create(name="Conseil Numérique SARL", country="LU")
    other = Organisation.objects.create(name="Someone Else Consulting", country="LU")
    fit4digital.approved_providers.set([approved])
    condition = by_fact(check(fit4digital, company))["approved_provider"]
    assert condition.outcome == rules.CONDITION and condition.used["approved"] == ["Conseil Numérique SARL"]
    assert check(fit4digital, company, provider=approved).outcome == rules.ELIGIBLE
    refused = check(fit4digital, company, provider=other)
    assert refused.outcome == rules.NOT_ELIGIBLE and "not an approved provider" in refused.blocking[0].reason


def test_all_programmes_in_a_fixed_number_of_queries(
    programmes: dict[str, Programme], make_company: MakeCompany, django_assert_max_num_queries: Any
) -> None:
    company = make_company("small")
    facts = Facts(company)
    listed = list(Programme.objects.prefetch_related("approved_providers"))
    with django_assert_max_num_queries(40):
        found = rules.evaluate_all(listed, facts)
    assert len(found) == 12
    order = [e.outcome for e in found]
    assert order == sorted(order, key=[rules.ELIGIBLE, rules.UNKNOWN, rules.NOT_ELIGIBLE].index)


def test_a_provider_chosen_before_the_list_is_entered_is_unknown(
    fit4digital: Programme, make_company: MakeCompany
) -> None:
    company = make_company("small")
    declared_no_history(company, fit4digital)
    consultant = Organisation.objects.create(name="Conseil Numérique SARL", country="LU")
    rule = by_fact(check(fit4digital, company, provider=consultant))["approved_provider"]
    assert rule.outcome == rules.UNKNOWN and [(m.fact, m.who) for m in rule.missing] == [
        ("approved_providers", "staff")
    ]


def test_de_minimis_room_counts_only_once_the_company_declared_all_its_aid(
    programmes: dict[str, Programme], make_company: MakeCompany
) -> None:
    from moselle.reporting import regulations
    from moselle.reporting.models import Regulation

    regulations.sync(Regulation)
    services = programmes["eu-edih-services"]
    company = make_company("small")
    undeclared = by_fact(check(services, company, amount=Decimal(5000)))["de_minimis_headroom"]
    assert undeclared.outcome == rules.UNKNOWN  # the records alone do not prove there was no other aid
    assert [m.fact for m in undeclared.missing] == ["de_minimis_complete"]
    declare(company, "de_minimis_complete")
    assert by_fact(check(services, company, amount=Decimal(5000)))["de_minimis_headroom"].outcome == rules.MET
    assert by_fact(check(services, company, amount=Decimal(400_000)))["de_minimis_headroom"].outcome == rules.NOT_MET
    no_amount = by_fact(check(services, company))["de_minimis_headroom"]
    assert no_amount.outcome == rules.UNKNOWN and [m.fact for m in no_amount.missing] == ["amount"]
