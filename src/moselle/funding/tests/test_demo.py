"""The demo's funding: the featured company declared its facts, had a diagnosis granted (one investment) and
keeps a saved search; loading again adds nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from moselle.accounts.demo import load_demo
from moselle.funding import demo, rules
from moselle.funding.facts import Facts
from moselle.funding.models import Application, Investment, Programme, SavedSearch
from moselle.funding.seed import seed_programmes
from moselle.organisations.demo import FEATURED_COMPANY
from moselle.organisations.models import Organisation


def test_the_demo_funding_is_believable_and_loaded_once(hub: Any) -> None:
    load_demo()
    seed_programmes()
    report = demo.load_demo_funding()
    featured = Organisation.objects.get(name=FEATURED_COMPANY)
    granted = Application.objects.get(organisation=featured)
    assert (granted.programme.code, granted.status, granted.amount_granted) == (
        "lu-fit4innovation",
        "granted",
        Decimal("7500.00"),
    )
    assert Investment.objects.get(application=granted).amount == Decimal("7500.00")
    assert report.applications >= 1 and report.investments == Investment.objects.count()
    fit4digital = rules.evaluate(Programme.objects.get(code="lu-fit4digital"), Facts(featured))
    declared = {r.fact: r.outcome for r in fit4digital.results}
    assert all(declared[fact] == rules.MET for fact in ("business_permit", "not_in_difficulty", "cool_down"))
    assert SavedSearch.objects.filter(organisation=featured).exists()
    assert demo.load_demo_funding().skipped and Application.objects.filter(organisation=featured).count() == 1
