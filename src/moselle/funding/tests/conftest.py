"""Companies whose facts are set one by one: their financial years (so the SME test has figures), their
holdings, their declarations; and the programmes of the funding facts file."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest

from moselle.funding.models import Declaration, Programme
from moselle.funding.seed import seed_programmes
from moselle.organisations.models import FinancialYear, Organisation, OrganisationKind, Ownership
from moselle.organisations.sizeclass import reference_year

# Staff, turnover and balance sheet (EUR) that put a company in each class, two years running.
FIGURES = {
    "micro": (5, 1_000_000, 800_000),
    "small": (30, 8_000_000, 6_000_000),
    "medium": (120, 40_000_000, 30_000_000),
    "small_midcap": (300, 90_000_000, 80_000_000),
    "large": (1200, 400_000_000, 300_000_000),
}
DECLARED = ("business_permit", "not_in_difficulty", "aid_eligible_activity")

MakeCompany = Callable[..., Organisation]


def figures(organisation: Organisation, size: str) -> None:
    staff, turnover, balance = FIGURES[size]
    for year in (reference_year() - 2, reference_year() - 1):
        FinancialYear.objects.create(
            organisation=organisation,
            year=year,
            staff=Decimal(staff),
            turnover=Decimal(turnover),
            balance_sheet=Decimal(balance),
        )


def declare(organisation: Organisation, *kinds: str, holds: bool = True, **more: Any) -> None:
    from django.utils import timezone

    for kind in kinds:
        Declaration.objects.create(
            organisation=organisation, kind=kind, holds=holds, declared_on=timezone.localdate(), **more
        )


@pytest.fixture
def programmes(db: Any) -> dict[str, Programme]:
    seed_programmes()
    return {programme.code: programme for programme in Programme.objects.all()}


@pytest.fixture
def make_company(db: Any) -> MakeCompany:
    counter = {"n": 0}

    def make(size: str | None = "small", *, declared: bool = True, country: str = "LU", **more: Any) -> Organisation:
        counter["n"] += 1
        company = Organisation.objects.create(name=f"Company {counter['n']}", country=country, **more)
        OrganisationKind.objects.create(organisation=company, kind=Organisation.Kind.COMPANY)
        if size is not None:
            figures(company, size)
        if declared:
            declare(company, *DECLARED)
        return company

    return make


def own(owner: Organisation, owned: Organisation, percent: int) -> None:
    Ownership.objects.create(owner=owner, owned=owned, kind=Ownership.HoldingKind.CAPITAL, percent=Decimal(percent))
