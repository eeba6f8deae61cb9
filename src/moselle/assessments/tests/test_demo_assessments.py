"""The demo's assessments: enough comparable companies with a T0 and a T1 for the panel and the progress."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from moselle.accounts.demo import load_demo
from moselle.assessments import demo, results
from moselle.assessments.models import Assessment, Result
from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations import demo as registry_demo
from moselle.organisations.actions import hub_seed
from moselle.organisations.models import Organisation


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[demo.DemoAssessments]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_taxonomy()
            hub_seed()
            load_demo()
            registry_demo.load_demo_registry()
            yield demo.load_demo_assessments()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_the_featured_company_has_a_t0_a_t1_and_five_peers_or_more(loaded: demo.DemoAssessments, db: Any) -> None:
    featured = Organisation.objects.get(name=registry_demo.FEATURED_COMPANY)
    assert featured.name in loaded.comparable and len(loaded.comparable) >= 6
    by_stage = results.stage_results(featured, "sme", "A/exclude")
    assert set(by_stage) == {"T0", "T1"}
    [change] = results.progress(by_stage)
    assert change.overall > 0  # the support helped: items were added, none taken away
    peers = results.peer_average(by_stage["T1"])
    assert peers is not None and peers.count >= results.MIN_PEERS


def test_the_comparable_companies_share_sector_and_size(loaded: demo.DemoAssessments, db: Any) -> None:
    companies = Organisation.objects.filter(name__in=loaded.comparable)
    assert {(results.nace_section(c), c.size_class) for c in companies} == {
        (results.nace_section(companies[0]), companies[0].size_class)
    }
    for company in companies:
        assert company.assessments.filter(status="submitted").count() == 2


def test_it_adds_nothing_the_second_time(loaded: demo.DemoAssessments, db: Any) -> None:
    before = (Assessment.objects.count(), Result.objects.count())
    again = demo.load_demo_assessments()
    assert again.submitted == 0 and again.drafts == 0 and again.skipped == loaded.submitted
    assert (Assessment.objects.count(), Result.objects.count()) == before
    assert Assessment.objects.filter(status="draft").count() == 1
