"""Reading the hub directory: the registry's hubs filtered by country, catalogue status and the labels they
declare at a level, found by need through the matching engine, and counted per country for the map."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from moselle.core.models_taxonomy import CatalogueSector, CatalogueService, Technology
from moselle.organisations.access import directory_hubs
from moselle.organisations.models import Organisation, OrganisationSector, OrganisationService, OrganisationTechnology


@dataclass(frozen=True)
class HubFilters:
    """What the directory is narrowed to; a label with ``min_level`` asks for that level or more."""

    country: str = ""
    status: str = ""
    technology: Technology | None = None
    service: CatalogueService | None = None
    sector: CatalogueSector | None = None
    min_level: int | None = None


def filter_hubs(hubs: QuerySet[Organisation], filters: HubFilters) -> QuerySet[Organisation]:
    """``hubs`` narrowed by every filter given. A label filter keeps the hubs that declare it (at
    ``min_level`` or above when a level is asked; a declaration without a level then does not count)."""
    if filters.country:
        hubs = hubs.filter(country=filters.country)
    if filters.status:
        hubs = hubs.filter(catalogue_kind=filters.status)
    level = Q(level__gte=filters.min_level) if filters.min_level else Q()
    if filters.technology is not None:
        rows = OrganisationTechnology.objects.filter(
            level, technology=filters.technology, role=OrganisationTechnology.Role.OFFER
        )
        hubs = hubs.filter(pk__in=rows.values("organisation"))
    if filters.service is not None:
        hubs = hubs.filter(
            pk__in=OrganisationService.objects.filter(level, service=filters.service).values("organisation")
        )
    if filters.sector is not None:
        hubs = hubs.filter(
            pk__in=OrganisationSector.objects.filter(level, sector=filters.sector).values("organisation")
        )
    return hubs


def hubs_per_country(user: Any) -> dict[str, int]:
    """How many hubs of the directory each country has, as ``user`` sees the directory."""
    rows = (
        Organisation.objects.filter(pk__in=directory_hubs(user).values("pk"))
        .values("country")
        .annotate(n=Count("pk"))
        .order_by("country")
    )
    return {row["country"]: row["n"] for row in rows}


def hubs_by_need(user: Any, text: str, *, country: str = "", limit: int = 20) -> list[Any]:
    """The hubs the matching engine finds for a need written in words, best first, with its reasons."""
    from moselle.matching.engine import Need, search

    answer = search(Need(text=text, kinds=("hub",), country=country), user=user, limit=limit)
    return [result for result in answer.results if result.item.kind == "hub"]
