"""The demo reporting: a year and a half of services in every category on the demo companies, co-funded aid
granted under de minimis, one group near its ceiling and none above it, proposals waiting, nothing in the
Commission's export, and nothing added the second time."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from moselle.accounts.demo import load_demo
from moselle.core.models import AuditEntry
from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations import demo as registry_demo
from moselle.organisations.actions import hub_seed
from moselle.organisations.models import EdihCategory, Organisation
from moselle.reporting import commission, demo, ledger
from moselle.reporting.models import AidBasis, Declaration, Grant, ServiceRecord

S = ServiceRecord.Status


@pytest.fixture(scope="module")
def loaded(django_db_setup: Any, django_db_blocker: Any) -> Iterator[demo.DemoReporting]:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            seed_taxonomy()
            hub_seed()
            load_demo()
            registry_demo.load_demo_registry()
            yield demo.load_demo_reporting()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def counted() -> list[ServiceRecord]:
    return list(ServiceRecord.objects.filter(status__in=ServiceRecord.COUNTED).select_related("customer", "grant"))


def test_it_logs_services_in_every_category_over_the_last_eighteen_months(loaded: demo.DemoReporting, db: Any) -> None:
    records = counted()
    today = timezone.localdate()
    assert 150 <= len(records) <= 250 and sum(loaded.records.values()) == len(records)
    assert {r.category for r in records} == set(EdihCategory.values)
    assert all(r.customer.is_demo for r in records)
    assert all(today - timedelta(days=demo.SPAN_DAYS + 3) <= r.started_on <= today for r in records)
    statuses = [r.status for r in records]
    assert statuses.count(S.FINALISED) + statuses.count(S.INVOICED) > 0.85 * len(records)
    assert statuses.count(S.ONGOING) >= 3
    assert sum(r.satisfaction is not None for r in records) > len(records) / 2
    assert any(r.attendees > 1 for r in records if r.category == EdihCategory.SKILLS_AND_TRAINING)
    assert any(r.partner_id is None for r in records) and sum(r.partner_id is not None for r in records) > 50
    assert all(r.hub_service_id is not None for r in records)


def test_the_walk_through_bakery_has_no_service_and_the_featured_company_has_some(
    loaded: demo.DemoReporting, db: Any
) -> None:
    bakery = Organisation.objects.get(name=registry_demo.FEATURED_NEWCOMER)
    assert not ServiceRecord.objects.filter(customer=bakery).exists()
    assert not Grant.objects.filter(organisation=bakery).exists()
    featured = Organisation.objects.get(name=registry_demo.FEATURED_COMPANY)
    categories = set(ServiceRecord.objects.filter(customer=featured).values_list("category", flat=True))
    assert {EdihCategory.ECOSYSTEM_AND_NETWORKING, EdihCategory.SKILLS_AND_TRAINING} <= categories


def test_the_commission_export_leaves_the_demo_out(loaded: demo.DemoReporting, db: Any) -> None:
    assert ServiceRecord.objects.filter(status__in=ServiceRecord.COUNTED).exists()
    assert list(commission.services_rows(ServiceRecord.objects.all())) == []


def test_aided_services_are_co_funded_and_granted_when_the_hub_commits(loaded: demo.DemoReporting, db: Any) -> None:
    aided = [r for r in counted() if r.aid]
    assert len(aided) == loaded.grants == Grant.objects.count() > 50
    for record in aided:
        assert record.invoiced == record.price / 2 and record.aid == (record.price / 4).quantize(Decimal("0.01"))
        assert record.aid_basis == AidBasis.DE_MINIMIS and record.grant is not None
        assert record.grant.number in record.aid_info
        assert record.grant.amount == record.aid and record.grant.organisation_id == record.customer_id
        assert record.started_on - timedelta(days=14) <= record.grant.granted_on <= record.started_on
    free = [r for r in counted() if not r.aid]
    assert all(r.grant is None and r.aid_basis == AidBasis.NONE for r in free)


def test_the_group_linked_by_control_comes_near_its_ceiling(loaded: demo.DemoReporting, db: Any) -> None:
    companies = Organisation.objects.filter(is_demo=True, kind_rows__kind="company").distinct()
    group = demo.near_ceiling_group(list(companies))
    assert len(group) >= 2 and loaded.group == [m.name for m in group]
    today = timezone.localdate()
    for member in group:
        current = ledger.ledger(member, today)
        assert {m.pk for m in current.members} == {m.pk for m in group}
        assert current.near_ceiling() and not current.would_exceed(Decimal("0"))
    assert loaded.warnings > 0


def test_no_undertaking_exceeds_its_ceiling(loaded: demo.DemoReporting, db: Any) -> None:
    today = timezone.localdate()
    aided = set(Grant.objects.values_list("organisation_id", flat=True))
    aided |= set(Declaration.objects.values_list("organisation_id", flat=True))
    near = 0
    for organisation in Organisation.objects.filter(pk__in=aided):
        current = ledger.ledger(organisation, today)
        assert current.ceiling is not None and current.total <= current.ceiling, organisation.name
        near += current.near_ceiling()
    assert near == len(loaded.group)
    for grant in Grant.objects.select_related("organisation"):
        then = ledger.ledger(grant.organisation, grant.granted_on)
        assert then.ceiling is not None and then.total <= then.ceiling


def test_companies_declare_aid_from_elsewhere(loaded: demo.DemoReporting, db: Any) -> None:
    declarations = list(Declaration.objects.all())
    assert len(declarations) == loaded.declarations >= 5
    assert {d.regulation for d in declarations} <= {"2023/2831", "1407/2013"}
    assert all(d.granted_on <= date(2023, 12, 31) for d in declarations if d.regulation == "1407/2013")
    bodies = " ".join(d.granting_body for d in declarations)
    assert "Ministère" in bodies and "Commune" in bodies


def test_proposals_wait_for_the_advisor(loaded: demo.DemoReporting, db: Any) -> None:
    proposed = ServiceRecord.objects.filter(status=S.PROPOSED)
    assert 3 <= proposed.count() == loaded.proposals <= 5
    assert all(r.customer.is_demo for r in proposed.select_related("customer"))


def test_running_it_again_adds_nothing(loaded: demo.DemoReporting, db: Any) -> None:
    before = (
        ServiceRecord.objects.count(),
        Grant.objects.count(),
        Declaration.objects.count(),
        AuditEntry.objects.count(),
    )
    again = demo.load_demo_reporting()
    assert again.skipped and sum(again.records.values()) == again.grants == 0
    after = (
        ServiceRecord.objects.count(),
        Grant.objects.count(),
        Declaration.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_the_plan_is_the_same_for_the_same_seed(loaded: demo.DemoReporting, db: Any) -> None:
    def plan(seed: int) -> list[tuple[Any, ...]]:
        world = demo._World(seed)
        return [(p.customer.pk, p.description, p.started_on, p.price, p.granted_on) for p in demo._plan(world)]

    assert plan(registry_demo.DEFAULT_SEED) == plan(registry_demo.DEFAULT_SEED)
    assert plan(registry_demo.DEFAULT_SEED) != plan(7)
