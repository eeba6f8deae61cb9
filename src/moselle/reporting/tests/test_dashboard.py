"""The dashboard on the page, in its CSV and in the API: hub staff see every figure; observers see aggregates
with the cells of fewer than five organisations hidden, the same on all three."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.test import Client

from moselle.accounts.models import Role
from moselle.organisations.models import Organisation
from moselle.reporting import actions

PERIOD = "start=2026-01-01&end=2026-06-30"


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def served(personas: Any) -> list[Organisation]:
    """Three customers served in the period, one of them twice; two grants."""
    customers = [Organisation.objects.create(name=f"Client {n}", country="LU") for n in range(3)]
    base = {"category": "test_before_invest", "description": "PoC", "price": "1000", "invoiced": "500"}
    for n, customer in enumerate([*customers, customers[0]]):
        actions.record_create(
            actor=personas.hub_admin,
            data={**base, "customer": customer.pk, "started_on": date(2026, 2, 1 + n), "status": "finalised"},
        )
    for customer in customers[:2]:
        actions.grant_record(
            actor=personas.hub_admin,
            organisation=customer,
            amount="250",
            granted_on=date(2026, 1, 20),
            description="PoC",
        )
    return customers


def csv_value(data: bytes, section: str, key: str) -> str:
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        if row[:2] == [section, key]:
            return row[3]
    raise AssertionError(f"no row {section}/{key}")


def test_staff_see_every_figure(personas: Any, served: list[Organisation]) -> None:
    client = logged_in(personas.hub_admin)
    page = client.get(f"/dashboard/?{PERIOD}")
    assert page.status_code == 200
    assert page.context["figures"].customers.total == 3 and page.context["figures"].services.total == 4
    assert "<svg" in page.content.decode()
    data = client.get(f"/dashboard.csv?{PERIOD}").content
    assert csv_value(data, "customers", "total") == "3"
    assert csv_value(data, "aid", "granted") == "500.00"
    assert csv_value(data, "services_per_month", "2026-02:test_before_invest") == "4"
    values = {v["code"]: v["value"] for v in client.get(f"/api/v1/kpis?{PERIOD}").json()["values"]}
    assert values["customers_served"] == 3 and values["services_delivered"] == 4 and values["aid_granted"] == "500.00"


def test_observers_get_small_cells_hidden_on_page_csv_and_api(personas: Any, served: list[Organisation]) -> None:
    observer = personas.a[Role.OBSERVER]
    client = logged_in(observer)
    page = client.get(f"/dashboard/?{PERIOD}")
    figures = page.context["figures"]
    assert page.status_code == 200 and figures.suppressed
    assert figures.customers.total is None and figures.services.total is None and figures.aid.granted.amount is None
    assert "fewer than five organisations" in page.content.decode()
    assert "Client 0" not in page.content.decode()
    data = client.get(f"/dashboard.csv?{PERIOD}").content
    assert csv_value(data, "customers", "total") == ""
    assert csv_value(data, "aid", "granted") == ""
    assert csv_value(data, "services_per_month", "2026-02:test_before_invest") == ""
    answer = client.get(f"/api/v1/kpis?{PERIOD}").json()
    values = {v["code"]: v["value"] for v in answer["values"]}
    assert answer["suppressed"] is True
    assert values["customers_served"] is None and values["services_delivered"] is None and values["aid_granted"] is None


def test_five_customers_are_shown_to_observers(personas: Any, served: list[Organisation]) -> None:
    for n in range(2):
        customer = Organisation.objects.create(name=f"Extra {n}", country="LU")
        actions.record_create(
            actor=personas.hub_admin,
            data={
                "customer": customer.pk,
                "category": "skills_and_training",
                "description": "Course",
                "started_on": "2026-03-02",
            },
        )
    figures = logged_in(personas.a[Role.OBSERVER]).get(f"/dashboard/?{PERIOD}").context["figures"]
    assert figures.customers.total == 5


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=2026-13-01", "start"),
        ("start=2026-06-01&end=2026-01-01", "end"),
        ("category=consulting", "category"),
        ("partner=abc", "partner"),
    ],
)
def test_a_bad_period_or_filter_is_named(personas: Any, query: str, field: str) -> None:
    client = logged_in(personas.hub_admin)
    page = client.get(f"/dashboard/?{query}")
    assert page.status_code == 400 and f"{field}:" in page.content.decode()
    assert client.get(f"/dashboard.csv?{query}").status_code == 400
    answer = client.get(f"/api/v1/kpis?{query}")
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field


def test_companies_do_not_see_the_dashboard(personas: Any) -> None:
    assert logged_in(personas.a["company_member"]).get("/dashboard/").status_code == 403
    assert logged_in(personas.a["company_member"]).get("/api/v1/kpis").status_code == 404


def test_the_demo_instance_counts_its_demo_companies(personas: Any, settings: Any) -> None:
    demo = Organisation.objects.create(name="Demo SA", country="LU", is_demo=True)
    actions.record_create(
        actor=personas.hub_admin,
        data={
            "customer": demo.pk,
            "category": "skills_and_training",
            "description": "Course",
            "started_on": "2026-03-02",
        },
    )
    client = logged_in(personas.hub_admin)
    assert client.get(f"/dashboard/?{PERIOD}").context["figures"].customers.total == 0
    settings.MOSELLE_DEMO = True
    assert client.get(f"/dashboard/?{PERIOD}").context["figures"].customers.total == 1
