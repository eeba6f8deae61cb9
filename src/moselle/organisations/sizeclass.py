"""The registry's side of the SME test: build the ownership graph around an organisation from the
database, ask :mod:`moselle.organisations.sme`, and keep the result on each organisation so that
lists can filter by size class."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from moselle.organisations.models import FinancialYear, Organisation, Ownership

if TYPE_CHECKING:
    from moselle.organisations import sme


def component(organisation_ids: Iterable[int]) -> set[int]:
    """Every organisation linked to the given ones by holdings, in either direction, at any distance."""
    seen = set(organisation_ids)
    frontier = set(seen)
    while frontier:
        pairs = Ownership.objects.filter(owner_id__in=frontier) | Ownership.objects.filter(owned_id__in=frontier)
        found = {pk for pair in pairs.values_list("owner_id", "owned_id") for pk in pair}
        frontier = found - seen
        seen |= frontier
    return seen


def graph(ids: set[int]) -> tuple[dict[int, sme.Party], list[sme.Holding]]:
    """The parties and holdings of a component, in the engine's terms."""
    from moselle.organisations import sme

    figures: dict[int, dict[int, sme.Figures]] = {pk: {} for pk in ids}
    for row in FinancialYear.objects.filter(organisation_id__in=ids):
        figures[row.organisation_id][row.year] = sme.Figures(
            year=row.year,
            staff=row.staff,
            turnover=row.turnover,
            balance_sheet=row.balance_sheet,
            estimated=row.estimated,
        )
    parties = {
        organisation.pk: sme.Party(
            id=organisation.pk,
            name=str(organisation),
            is_public_body=any(row.kind == Organisation.Kind.PUBLIC_BODY for row in organisation.kind_rows.all()),
            figures=figures[organisation.pk],
        )
        for organisation in Organisation.objects.filter(pk__in=ids).prefetch_related("kind_rows")
    }
    holdings = [
        sme.Holding(
            owner=row.owner_id,
            owned=row.owned_id,
            kind=row.kind,
            percent=row.percent,
            investor_type=row.investor_type,
            invested_eur=row.invested_eur,
            dominant_influence=row.dominant_influence,
        )
        for row in Ownership.objects.filter(owner_id__in=ids, owned_id__in=ids)
    ]
    return parties, holdings


def reference_year() -> int:
    """Figures are per financial year; the class is worked out for the last year that can have figures."""
    return timezone.localdate().year


def assess_organisation(organisation: Organisation, *, year: int | None = None) -> sme.Assessment | None:
    """The size class of the organisation with its reasoning; None for a public body, to which the
    SME definition does not apply."""
    from moselle.organisations import sme

    ids = component([organisation.pk])
    parties, holdings = graph(ids)
    if parties[organisation.pk].is_public_body:
        return None
    return sme.assess(
        organisation.pk,
        parties,
        holdings,
        year=year or reference_year(),
        midcap=settings.MOSELLE_SMALL_MIDCAP_DEFINITION,
    )


def refresh(organisation_ids: Iterable[int]) -> None:
    """Work the size class out again for every organisation connected to the given ones, and store it
    (blank for public bodies, to which the SME definition does not apply)."""
    from moselle.organisations import sme

    ids = component(organisation_ids)
    parties, holdings = graph(ids)
    year = reference_year()
    for pk, party in parties.items():
        size_class = ""
        if not party.is_public_body:
            result = sme.assess(pk, parties, holdings, year=year, midcap=settings.MOSELLE_SMALL_MIDCAP_DEFINITION)
            size_class = result.size_class
        Organisation.objects.filter(pk=pk).exclude(size_class=size_class).update(size_class=size_class)
