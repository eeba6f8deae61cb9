"""A property of the rules engine: a company that lacks a fact some rule needs is never "eligible", and the
fact is named as missing, whatever the other facts and rules. Each example builds one company with some of
its facts present and a programme with some rules, inside a savepoint rolled back afterwards."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from moselle.core.models import NaceCode
from moselle.funding import rules
from moselle.funding.facts import Facts
from moselle.funding.models import Declaration, Programme
from moselle.funding.tests.conftest import declare, figures
from moselle.organisations.models import Organisation, OrganisationKind
from moselle.reporting import regulations
from moselle.reporting.models import Regulation

PROPERTY = settings(
    derandomize=True,
    database=None,
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Each rule, and the fact (as the result names it) that the company may lack.
POOL: dict[str, tuple[dict[str, Any], str]] = {
    "size_class": ({"fact": "size_class", "in": ["micro", "small", "medium"]}, "size_class"),
    "region": ({"fact": "region", "in": ["LU"]}, "region"),
    "nace": ({"fact": "nace", "exclude": ["01"]}, "nace"),
    "age": ({"fact": "age", "min_years": 1}, "founded_on"),
    "business_permit": ({"fact": "business_permit"}, "business_permit"),
    "not_in_difficulty": ({"fact": "not_in_difficulty"}, "not_in_difficulty"),
    "aid_eligible_activity": ({"fact": "aid_eligible_activity"}, "aid_eligible_activity"),
    "cool_down": ({"fact": "cool_down", "years": 2}, "programme_history"),
    "de_minimis_headroom": ({"fact": "de_minimis_headroom"}, "amount"),
}
NAMES = sorted(POOL)


class Rollback(Exception):
    pass


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    section_a = NaceCode.objects.create(revision="2", code="A", level=1, title={"en": "Agriculture"})
    NaceCode.objects.create(revision="2", code="01", level=2, parent=section_a, title={"en": "Crops"})
    section_c = NaceCode.objects.create(revision="2", code="C", level=1, title={"en": "Manufacturing"})
    division = NaceCode.objects.create(revision="2", code="25", level=2, parent=section_c, title={"en": "Metal"})
    regulations.sync(Regulation)
    return {"nace": division}


def build(world: dict[str, Any], present: set[str], programme: Programme) -> Organisation:
    company = Organisation.objects.create(
        name="Property Co",
        country="LU",
        region="LU00" if "region" in present else "",
        primary_nace=world["nace"] if "nace" in present else None,
        founded_on=date(2015, 3, 1) if "age" in present else None,
    )
    OrganisationKind.objects.create(organisation=company, kind=Organisation.Kind.COMPANY)
    if "size_class" in present:
        figures(company, "small")
    for kind in ("business_permit", "not_in_difficulty", "aid_eligible_activity"):
        if kind in present:
            declare(company, kind)
    if "de_minimis_headroom" in present:
        declare(company, "de_minimis_complete")
    if "cool_down" in present:
        declare(company, Declaration.Kind.PROGRAMME_HISTORY, holds=False, programme=programme)
    return company


@PROPERTY
@given(
    chosen=st.sets(st.sampled_from(NAMES), min_size=1),
    present=st.sets(st.sampled_from(NAMES)),
)
def test_a_missing_fact_is_never_eligible(world: dict[str, Any], chosen: set[str], present: set[str]) -> None:
    try:
        with transaction.atomic():
            programme = Programme.objects.create(
                code="property",
                name={"en": "Property"},
                operator="Test",
                scope="national",
                instrument="grant",
                rules=[POOL[name][0] for name in sorted(chosen)],
            )
            company = build(world, present, programme)
            amount = Decimal(1000) if "de_minimis_headroom" in present else None
            evaluation = rules.evaluate(programme, Facts(company, amount=amount))
            lacking = {POOL[name][1] for name in chosen - present}
            named = {missing.fact for missing in evaluation.missing}
            if lacking:
                assert evaluation.outcome != rules.ELIGIBLE
                assert lacking <= named
            else:
                # every fact is there and each is a passing one: the programme is eligible
                assert evaluation.outcome == rules.ELIGIBLE, [r.reason for r in evaluation.results]
                assert named == set()
            raise Rollback
    except Rollback:
        pass
