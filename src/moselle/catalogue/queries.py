"""Reads of the catalogue that the pages, the API and other apps (matching) share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet

from moselle.catalogue.models import CatalogueVersion, Offer
from moselle.organisations.models import search_key

FILTERS = ("q", "kind", "technology", "category", "country", "language", "price", "status", "provider")


def catalogue_version() -> int:
    """The catalogue's current version number (0 before the first change)."""
    row = CatalogueVersion.objects.filter(pk=1).values_list("number", flat=True).first()
    return int(row or 0)


def filter_offers(offers: QuerySet[Offer], values: Mapping[str, Any]) -> QuerySet[Offer]:
    """Narrow ``offers`` by the filters given; every value was already checked by a form or a schema.

    ``q`` matches every word in the titles, descriptions and provider's names, accents and case ignored;
    ``country`` is a country served and ``language`` a language the offer is delivered in; ``price`` is
    ``free``, ``subsidised`` or ``free_or_subsidised``."""
    query = str(values.get("q") or "").strip()
    for word in search_key(query).split()[:10]:
        offers = offers.filter(search_text__contains=word)
    if values.get("kind"):
        offers = offers.filter(kind=values["kind"])
    if values.get("technology"):
        offers = offers.filter(technologies__pk=int(values["technology"]))
    if values.get("category"):
        offers = offers.filter(category=values["category"])
    if values.get("country"):
        offers = offers.filter(filter_keys__contains=f" c:{str(values['country']).upper()} ")
    if values.get("language"):
        offers = offers.filter(filter_keys__contains=f" l:{str(values['language']).lower()} ")
    price = values.get("price")
    if price == "free_or_subsidised":
        offers = offers.filter(price_kind__in=[Offer.PriceKind.FREE, Offer.PriceKind.SUBSIDISED])
    elif price:
        offers = offers.filter(price_kind=price)
    if values.get("status"):
        offers = offers.filter(status=values["status"])
    if values.get("provider"):
        offers = offers.filter(provider_id=int(values["provider"]))
    return offers


def with_labels(offers: QuerySet[Offer]) -> QuerySet[Offer]:
    """The related rows a list shows, fetched in a fixed number of queries."""
    return offers.select_related("provider").prefetch_related("technologies", "sectors")
