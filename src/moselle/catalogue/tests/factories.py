"""Offers for the tests: valid input, and offers of an organisation in a given status."""

from __future__ import annotations

from typing import Any

from moselle.catalogue import actions
from moselle.catalogue.models import Offer
from moselle.organisations.models import Organisation


def offer_data(**changes: Any) -> dict[str, Any]:
    """A complete, valid offer as the actions and the API take it (no taxonomy needed)."""
    data: dict[str, Any] = {
        "kind": "service",
        "title": {"en": "Machine vision proof of concept", "fr": "Preuve de concept en vision industrielle"},
        "description": {"en": "Two weeks on your line with our cameras.", "de": "Zwei Wochen an Ihrer Linie."},
        "category": "test_before_invest",
        "delivery": "on_site",
        "languages": ["en", "fr"],
        "countries": ["LU", "FR"],
        "price_kind": "range",
        "price_min": "1500",
        "price_max": "4000.50",
        "trl_min": 4,
        "trl_max": 7,
        "lead_time_days": 15,
        "smes_only": True,
        "eligible_countries": ["LU"],
        "references": [{"text": "A bakery in Esch cut waste by 8 %", "url": "https://example.org/case"}],
    }
    data.update(changes)
    return data


def make_offer(provider: Organisation, status: str = Offer.Status.DRAFT, **changes: Any) -> Offer:
    offer = actions.offer_create(actor=None, provider=provider, data=offer_data(**changes))
    if status in (Offer.Status.SUBMITTED,):
        offer = actions.offer_submit(actor=None, offer=offer)
    elif status == Offer.Status.PUBLISHED:
        offer = actions.offer_publish(actor=None, offer=offer)
    elif status == Offer.Status.ARCHIVED:
        offer = actions.offer_archive(actor=None, offer=offer)
    return offer
