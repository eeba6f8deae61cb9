"""The programmes of the funding facts file, their rules checked against the vocabulary, staff writing
programmes and calls, bad rules and figures named by field, and the estimated support with its
assumptions."""

from __future__ import annotations

import csv
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from moselle.accounts.models import Role, User
from moselle.core.models import AuditEntry, NaceCode
from moselle.funding import actions, rules, seed
from moselle.funding.models import Call, Programme


@pytest.fixture
def staff(make_user: Any) -> User:
    return make_user(Role.HUB_ADVISOR)


def refused(call: Any, **kwargs: Any) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as error:
        call(**kwargs)
    return error.value.message_dict


def test_all_twelve_programmes_of_the_facts_file_carry_rules_in_the_vocabulary(
    programmes: dict[str, Programme],
) -> None:
    with open(seed.DATA.parent / "programmes.csv", encoding="utf-8") as source:
        listed = {row["programme_id"]: row for row in csv.DictReader(source)}
    assert set(programmes) == set(listed) and len(programmes) == 12
    for code, programme in programmes.items():
        assert programme.rules, code
        assert rules.check_rules(programme.rules) == programme.rules  # stored as checked
        assert programme.operator == listed[code]["operator"]
        assert programme.source_url == listed[code]["source_url"]
    assert programmes["lu-smepackages-digital"].confidence == Programme.Confidence.UNVERIFIED
    assert not programmes["lu-smepackages-digital"].verified
    assert (programmes["lu-fit4digital"].amount_fixed, programmes["lu-fit4digital"].rate_pct) == (
        Decimal("5000.00"),
        Decimal("50.00"),
    )
    assert programmes["lu-cid"].calls.count() == 2 and programmes["lu-fit4digital"].calls.get().closes_on is None


def test_seeding_again_adds_nothing_and_keeps_staffs_changes(programmes: dict[str, Programme], staff: User) -> None:
    actions.programme_update(actor=staff, programme=programmes["lu-cid"], data={"amount_max": "65000"})
    assert seed.seed_programmes() == 0
    assert Programme.objects.get(code="lu-cid").amount_max == Decimal("65000.00")
    assert Programme.objects.count() == 12


@pytest.mark.parametrize(
    ("rule", "field", "says"),
    [
        ({"fact": "turnover", "min": 5}, "rules[0].fact", "Unknown fact"),
        ({"fact": "size_class", "in": ["tiny"]}, "rules[0].in", "Unknown size class: tiny"),
        ({"fact": "country", "in": ["XX"]}, "rules[0].in", "Unknown country code: XX"),
        ({"fact": "region", "in": ["Lorraine"]}, "rules[0].in", "Not a NUTS code"),
        ({"fact": "nace", "exclude": ["99.99"]}, "rules[0].exclude", "Unknown NACE code: 99.99"),
        ({"fact": "nace"}, "rules[0].include", "include, to exclude"),
        ({"fact": "age", "min_years": 5, "max_years": 2}, "rules[0].max_years", "below the least"),
        ({"fact": "age", "min_years": "one"}, "rules[0].min_years", "whole number"),
        ({"fact": "cool_down", "years": 0}, "rules[0].years", "from 1 to 20"),
        ({"fact": "cool_down"}, "rules[0].years", "from 1 to 20"),
        ({"fact": "de_minimis_headroom", "min_eur": "lots"}, "rules[0].min_eur", "amount in euros"),
        ({"fact": "business_permit", "since": 2020}, "rules[0].since", "takes no"),
        ("size_class", "rules[0]", "mapping"),
    ],
)
def test_a_bad_rule_is_named(db: Any, rule: Any, field: str, says: str) -> None:
    NaceCode.objects.create(revision="2", code="C", level=1, title={"en": "Manufacturing"})
    errors = refused(rules.check_rules, value=[rule])
    assert list(errors) == [field] and says in errors[field][0]


def test_every_bad_rule_is_named_at_once(db: Any) -> None:
    errors = refused(rules.check_rules, value=[{"fact": "country", "in": ["LU"]}, {"fact": "x"}, {"fact": "age"}])
    assert set(errors) == {"rules[1].fact", "rules[2].min_years"}
    assert "rules" in refused(rules.check_rules, value={"fact": "country"})
    assert "rules" in refused(rules.check_rules, value=[{"fact": "country", "in": ["LU"]}] * 31)


def _programme(**more: Any) -> dict[str, Any]:
    return {
        "code": "lu-digital-vouchers",
        "name": {"en": "Digital vouchers", "fr": "Chèques numériques"},
        "operator": "Ministry of the Economy",
        "scope": "national",
        "instrument": "grant",
        "rate_pct": "60",
        "amount_max": "10000",
        "confidence": "medium",
        "rules": [{"fact": "size_class", "in": ["micro", "small"]}, {"fact": "country", "in": ["lu"]}],
        **more,
    }


def test_staff_add_a_programme_and_a_call(db: Any, staff: User) -> None:
    programme = actions.programme_create(actor=staff, data=_programme())
    assert programme.rules[1] == {"fact": "country", "in": ["LU"]}  # codes written as the vocabulary wants
    call = actions.call_create(
        actor=staff,
        programme=programme,
        data={"title": {"en": "2027 round"}, "opens_on": "2027-01-10", "closes_on": "2027-03-31", "budget": "50000"},
    )
    assert (call.opens_on.isoformat(), call.budget) == ("2027-01-10", Decimal("50000.00"))
    assert AuditEntry.objects.filter(action__in=("programme.create", "call.create")).count() == 2


def test_bad_figures_are_named_and_nothing_is_written(db: Any, staff: User) -> None:
    errors = refused(
        actions.programme_create,
        actor=staff,
        data=_programme(code="Not A Code", rate_pct="120", scope="galactic", rules=[{"fact": "mood"}], amount_max="-5"),
    )
    assert set(errors) == {"code", "rate_pct", "scope", "rules[0].fact", "amount_max"}
    assert "from 0 to 100" in errors["rate_pct"][0]
    assert not Programme.objects.exists()
    assert "programme" in refused(actions.programme_create, actor=None, data=_programme())  # not staff: refused
    actions.programme_create(actor=staff, data=_programme())
    assert "already" in refused(actions.programme_create, actor=staff, data=_programme())["code"][0]


def test_a_call_that_closes_before_it_opens_is_refused(db: Any, staff: User) -> None:
    programme = actions.programme_create(actor=staff, data=_programme())
    errors = refused(
        actions.call_create,
        actor=staff,
        programme=programme,
        data={"title": {"en": "Backwards"}, "opens_on": "2027-03-01", "closes_on": "2027-02-01"},
    )
    assert list(errors) == ["closes_on"] and "closes before it opens" in errors["closes_on"][0]
    assert not Call.objects.exists()


def test_the_estimate_shows_its_assumptions(programmes: dict[str, Programme]) -> None:
    fit4digital = actions.estimate(programmes["lu-fit4digital"], "20000")
    assert fit4digital.amount == Decimal("15000.00")  # 5,000 flat + 50 % of 20,000
    assert any("5000" in line for line in fit4digital.assumptions)
    assert any("50 %" in line and "10000.00" in line for line in fit4digital.assumptions)
    capped = actions.estimate(programmes["lu-fit4innovation"], "20000")
    assert capped.amount == Decimal("7500.00") and any("Capped" in line for line in capped.assumptions)
    assert any("partly verified" in line for line in capped.assumptions)
    nothing = actions.estimate(programmes["lu-fit4sustainability"], "20000")
    assert nothing.amount is None and any("no rate" in line for line in nothing.assumptions)
    unverified = actions.estimate(programmes["lu-smepackages-digital"], "20000")
    assert not unverified.verified and any("unverified" in line for line in unverified.assumptions)
    small = actions.estimate(programmes["lu-smepackages-sustainability"], "3000")
    assert small.amount == Decimal("5000.00") and any("6650" in line for line in small.assumptions)
    with pytest.raises(ValidationError):
        actions.estimate(programmes["lu-fit4digital"], "-1")
