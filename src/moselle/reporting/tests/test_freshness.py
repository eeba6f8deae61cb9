"""The figures' version (raised by the database on every committed change to a table the figures read) and the
dashboard kept under it. The tests that commit run as transactional tests: on PostgreSQL the version rises only
when a transaction commits."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from moselle.organisations.models import Contact, Organisation
from moselle.reporting import dashboard, freshness, queries
from moselle.reporting.kpis import Filters, Period
from moselle.reporting.models import ServiceRecord
from moselle.reporting.tests.conftest import H1, World

YEAR = Period(start=date(2025, 1, 1), end=date(2025, 12, 31))


def _record(customer: Organisation, day: str = "2025-03-01", **more: Any) -> ServiceRecord:
    return ServiceRecord.objects.create(
        customer=customer,
        category="test_before_invest",
        description="Computer vision pilot",
        started_on=date.fromisoformat(day),
        status=ServiceRecord.Status.FINALISED,
        **more,
    )


def _rises(action: Any) -> int:
    """By how much ``action`` raised the version."""
    before = freshness.version()
    action()
    return freshness.version() - before


@pytest.mark.django_db(transaction=True)
def test_every_committed_change_to_a_watched_table_raises_the_version() -> None:
    customer = Organisation.objects.create(name="Alpha", country="LU")
    assert freshness.version() > 0

    def save() -> None:
        customer.size_class = "micro"
        customer.save()

    assert _rises(save) > 0
    assert _rises(lambda: Organisation.objects.filter(pk=customer.pk).update(region="LU00")) > 0
    assert (
        _rises(
            lambda: ServiceRecord.objects.bulk_create(
                [ServiceRecord(customer=customer, category="skills_and_training", started_on=date(2025, 2, 1))]
            )
        )
        > 0
    )

    def raw() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {ServiceRecord._meta.db_table} SET attendees = 3")

    assert _rises(raw) > 0
    assert _rises(lambda: ServiceRecord.objects.all().delete()) > 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_or_an_unwatched_table_leaves_the_version() -> None:
    customer = Organisation.objects.create(name="Alpha", country="LU")

    def rolled_back() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            _record(customer)
            raise RuntimeError("undone")

    assert _rises(rolled_back) == 0
    assert _rises(lambda: Contact.objects.create(organisation=customer, name="Ana Lopes")) == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.postgres
def test_on_postgresql_a_transaction_raises_it_once_at_its_commit() -> None:
    customer = Organisation.objects.create(name="Alpha", country="LU")

    def three_records() -> None:
        with transaction.atomic():
            before = freshness.version()
            for day in ("2025-02-01", "2025-03-01", "2025-04-01"):
                _record(customer, day)
            assert freshness.version() == before  # not before the commit

    assert _rises(three_records) == 1


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_is_computed_once_per_version_and_follows_every_change() -> None:
    customer = Organisation.objects.create(name="Alpha", country="LU", size_class="micro")
    _record(customer)
    first = dashboard.board(YEAR, Filters(), observer=False)
    assert first.services.total == 1 and first.customers.total == 1
    with CaptureQueriesContext(connection) as again:
        second = dashboard.board(YEAR, Filters(), observer=False)
    assert second == first
    assert len(again.captured_queries) == 1  # the version, and the figures from the cache
    assert "reporting_figuresversion" in again.captured_queries[0]["sql"]

    _record(Organisation.objects.create(name="Beta", country="LU"), "2025-05-01")
    after = dashboard.board(YEAR, Filters(), observer=False)
    assert after.services.total == 2 and after.customers.total == 2
    assert [month.total for month in dashboard.monthly(YEAR, Filters(), observer=False)][2:5] == [1, 0, 1]

    Organisation.objects.filter(pk=customer.pk).update(is_demo=True)  # a registry change the figures read
    assert dashboard.board(YEAR, Filters(), observer=False).customers.total == 1


@pytest.mark.django_db(transaction=True)
def test_the_kept_figures_are_per_language_period_and_filters() -> None:
    customer = Organisation.objects.create(name="Alpha", country="LU")
    _record(customer)
    english = dashboard.board(YEAR, Filters(), observer=False)
    with translation.override("fr"):
        french = dashboard.board(YEAR, Filters(), observer=False)
    assert english.customers.by_type[0].label == "SME" and french.customers.by_type[0].label == "PME"
    assert dashboard.board(H1, Filters(), observer=False).period == H1
    assert dashboard.board(YEAR, Filters(category="skills_and_training"), observer=False).services.total == 0
    assert dashboard.board(YEAR, Filters(), observer=True).suppressed and not english.suppressed


def _tables(sql: str) -> set[str]:
    return set(re.findall(r'(?:FROM|JOIN)\s+"([a-z_]+)"', sql))


# The tables of the cross-border corridors' KPI, which the targets read; the network's migration 0002 watches them.
NETWORK = {"network_corridor", "network_corridor_partners"}


def test_every_table_the_dashboard_reads_is_watched(kpi_world: World) -> None:
    from django.apps import apps

    # The core's tables, and those the apps registering KPI sources watch in their own migrations.
    watched = {apps.get_model(label)._meta.db_table for label in freshness.WATCHED} | NETWORK
    with CaptureQueriesContext(connection) as read:
        queries.dashboard(H1, Filters())
        queries.dashboard(H1, Filters(partner_id=kpi_world.orgs["list"].pk, category="test_before_invest"))
        dashboard._monthly_counts(H1, Filters())
    tables = set().union(*(_tables(query["sql"]) for query in read.captured_queries))
    assert "reporting_servicerecord" in tables and "journeys_stagemove" in tables
    assert tables - {"reporting_figuresversion"} <= watched, tables - watched
