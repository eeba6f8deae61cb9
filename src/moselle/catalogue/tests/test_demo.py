"""The demo catalogue: about 150 offers of the demo providers and partners, in three languages, the same
for the same seed, and loaded once however often the seed runs."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from moselle.accounts.demo import load_demo
from moselle.catalogue import demo
from moselle.catalogue.models import Offer
from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations import demo as registry_demo
from moselle.organisations.actions import hub_seed


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[demo.DemoCatalogue]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_taxonomy()
            hub_seed()
            load_demo()
            registry_demo.load_demo_registry()
            yield demo.load_demo_catalogue()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_it_makes_about_150_offers_of_the_demo_providers_and_partners(loaded: demo.DemoCatalogue, db: Any) -> None:
    assert loaded.created == demo.TARGET == Offer.objects.count()
    offers = list(Offer.objects.select_related("provider").prefetch_related("provider__kind_rows"))
    assert all(o.is_demo and o.provider.is_demo for o in offers)
    assert all(set(o.provider.kinds) & set(demo.OFFERING_KINDS) for o in offers)
    per_provider = Counter(o.provider_id for o in offers)
    assert len(per_provider) >= 30 and max(per_provider.values()) <= 6
    assert set(Counter(o.kind for o in offers)) == set(Offer.Kind.values)
    assert Counter(o.status for o in offers)[Offer.Status.PUBLISHED] >= 100
    assert {o.status for o in offers} == set(Offer.Status.values)


def test_every_offer_speaks_three_languages(loaded: demo.DemoCatalogue, db: Any) -> None:
    for offer in Offer.objects.all():
        assert set(offer.title) == set(offer.description) == {"en", "fr", "de"}, offer.pk
        assert "{" not in offer.title["de"] + offer.description["fr"], offer.pk
        assert offer.title["en"] != offer.title["fr"] != offer.title["de"]


def test_the_demo_provider_has_a_draft_and_an_offer_waiting_for_review(loaded: demo.DemoCatalogue, db: Any) -> None:
    statuses = set(
        Offer.objects.filter(provider__name=registry_demo.FEATURED_PROVIDER).values_list("status", flat=True)
    )
    assert {Offer.Status.DRAFT, Offer.Status.SUBMITTED} <= statuses


def test_running_it_again_adds_nothing_and_the_plan_is_reproducible(loaded: demo.DemoCatalogue, db: Any) -> None:
    titles = sorted(Offer.objects.values_list("provider_id", "title__en"))
    version = Offer.objects.count()
    again = demo.load_demo_catalogue()
    assert (again.created, again.skipped) == (0, demo.TARGET) and Offer.objects.count() == version
    replanned = sorted((o.pk, data["title"]["en"]) for o, data, _status in demo._plan(registry_demo.DEFAULT_SEED))
    assert replanned == titles
    other = {data["title"]["en"] for _o, data, _status in demo._plan(7)}
    assert other != {title for _pk, title in titles}
