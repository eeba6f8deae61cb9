"""The one table of investments triggered: recorded by the hub's staff, read by the KPIs and by the Commission's
services export, checked against figures worked out by hand; the figures' version following every change; the
API kept to the company's members (reading) and the hub's staff (recording)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from moselle.accounts.models import Role
from moselle.funding.applications import application_create, investment_record
from moselle.funding.models import Investment, Programme
from moselle.organisations.models import HubProfile, Organisation
from moselle.reporting import commission, dashboard, freshness, kpis
from moselle.reporting.kpis import NO_FILTERS, Filters, Period
from moselle.reporting.models import ServiceRecord

H1 = Period(start=date(2025, 1, 1), end=date(2025, 6, 30))
YEAR = Period(start=date(2025, 1, 1), end=date(2025, 12, 31))
INVESTMENT_COLUMN = commission.COLUMNS.index("Amount and type of investment triggered")


def errors(caught: pytest.ExceptionInfo[ValidationError]) -> set[str]:
    return set(caught.value.message_dict)


def record(customer: Organisation, category: str, started_on: str, **more: Any) -> ServiceRecord:
    return ServiceRecord.objects.create(
        customer=customer,
        category=category,
        description=f"{category} for {customer.name}",
        started_on=date.fromisoformat(started_on),
        status=ServiceRecord.Status.FINALISED,
        **more,
    )


def invest(staff: Any, organisation: Organisation, amount: str, kind: str, day: str, **more: Any) -> Investment:
    data = {"amount": amount, "kind": kind, "made_on": day, **more}
    return investment_record(actor=staff, organisation=organisation, data=data)


class World:
    """Worked out by hand (H1 = 2025-01-01 to 2025-06-30, both days included):

    Records: r1 Alpha, test before invest, delivered by LIST, from 2025-03-01;
             r2 Beta, support to find investments, delivered by the hub, from 2025-04-01.

        A  Alpha  15000.00  public grant  2025-02-10  an application granted, no record   in H1
        B  Alpha   5000.00  own funds     2025-03-15  r1                                  in H1
        C  Alpha  20000.00  loan          2025-07-01  r1                                  H2
        H  Alpha   1250.25  own funds     2025-08-01  r1                                  H2
        G  Alpha   1000.00  own funds     2024-12-31  no record                           before
        E  Beta    2500.00  public grant  2025-01-01  r2 (first day)                      in H1
        D  Beta    7500.50  equity        2025-06-30  r2 (last day)                       in H1
        F  Demo   99999.00  public grant  2025-03-01  no record                           a demo company

    H1:                15000.00 + 5000.00 + 2500.00 + 7500.50 = 30000.50 EUR, 2 organisations (Alpha, Beta)
    the year 2025:     30000.50 + 20000.00 + 1250.25          = 51250.75 EUR
    H1, LIST only:     B                                      =  5000.00 EUR, 1 organisation
    H1, support to find investments: E + D = 2500.00 + 7500.50 = 10000.50 EUR, 1 organisation
    H1, the demo instance: 30000.50 + 99999.00                = 129999.50 EUR, 3 organisations

    Export: r1 "20000.00 EUR loan; 6250.25 EUR own funds" (B + H = 5000.00 + 1250.25; C), in the types' order;
            r2 "2500.00 EUR public grant; 7500.50 EUR equity".
    """

    def __init__(self, staff: Any) -> None:
        self.alpha = Organisation.objects.create(name="Alpha", country="LU")
        self.beta = Organisation.objects.create(name="Beta", country="LU")
        self.demo = Organisation.objects.create(name="Demo Co", country="LU", is_demo=True)
        self.list = Organisation.objects.create(name="LIST", country="LU")
        self.r1 = record(self.alpha, "test_before_invest", "2025-03-01", partner=self.list)
        self.r2 = record(self.beta, "support_to_find_investments", "2025-04-01")
        fit = Programme.objects.create(
            code="fit", name={"en": "Fit"}, operator="LXI", scope="national", instrument="grant"
        )
        application_create(
            actor=staff,
            organisation=self.alpha,
            data={
                "programme": fit.pk,
                "amount_requested": "20000",
                "status": "granted",
                "submitted_on": "2025-01-05",
                "decided_on": "2025-02-10",
                "amount_granted": "15000",
            },
        )
        invest(staff, self.alpha, "5000", "own_funds", "2025-03-15", service_record=self.r1.pk)
        invest(staff, self.alpha, "20000", "loan", "2025-07-01", service_record=self.r1.pk, source="service")
        invest(staff, self.alpha, "1250.25", "own_funds", "2025-08-01", service_record=self.r1.pk)
        invest(staff, self.alpha, "1000", "own_funds", "2024-12-31")
        invest(staff, self.beta, "2500", "public_grant", "2025-01-01", service_record=self.r2.pk, source="pilot")
        invest(staff, self.beta, "7500.50", "equity", "2025-06-30", service_record=self.r2.pk)
        invest(staff, self.demo, "99999", "public_grant", "2025-03-01", evidence="Demo notice")


@pytest.fixture
def staff(personas: Any) -> Any:
    return personas.hub_advisor


@pytest.fixture
def world(staff: Any, hub: HubProfile) -> World:
    return World(staff)


def kpi(code: str, period: Period, filters: Filters = NO_FILTERS) -> Any:
    found = kpis.source(code)
    assert found is not None
    return found.compute(period, filters)


@pytest.mark.django_db
def test_the_kpis_sum_the_investments_as_worked_out_by_hand(world: World, settings: Any) -> None:
    assert kpi("investment_triggered", H1) == Decimal("30000.50")
    assert kpi("organisations_with_investment", H1) == 2
    assert kpi("investment_triggered", YEAR) == Decimal("51250.75")
    assert kpi("investment_triggered", H1, Filters(partner_id=world.list.pk)) == Decimal("5000.00")
    assert kpi("organisations_with_investment", H1, Filters(partner_id=world.list.pk)) == 1
    by_category = Filters(category="support_to_find_investments")
    assert kpi("investment_triggered", H1, by_category) == Decimal("10000.50")
    assert kpi("organisations_with_investment", H1, by_category) == 1
    assert kpi("investment_triggered", Period(start=date(2024, 1, 1), end=date(2024, 1, 31))) == Decimal("0.00")
    settings.MOSELLE_DEMO = True
    assert kpi("investment_triggered", H1) == Decimal("129999.50")
    assert kpi("organisations_with_investment", H1) == 3


@pytest.mark.django_db
def test_the_dashboard_shows_them_and_hides_few_organisations_from_observers(world: World) -> None:
    shown = {v.code: v for v in dashboard.more_figures(H1, Filters(), observer=False)}
    assert (shown["investment_triggered"].value, shown["investment_triggered"].unit) == (Decimal("30000.50"), "eur")
    assert shown["organisations_with_investment"].value == 2
    hidden = {v.code: v.value for v in dashboard.more_figures(H1, Filters(), observer=True)}
    assert hidden["investment_triggered"] == Decimal("30000.50") and hidden["organisations_with_investment"] is None


@pytest.mark.django_db
def test_the_services_export_writes_the_investments_of_each_record(world: World) -> None:
    rows = list(commission.services_rows(ServiceRecord.objects.all()))
    assert [(row[0], row[INVESTMENT_COLUMN]) for row in rows] == [
        ("Alpha", "20000.00 EUR loan; 6250.25 EUR own funds"),
        ("Beta", "2500.00 EUR public grant; 7500.50 EUR equity"),
    ]
    text = commission.services_csv(ServiceRecord.objects.filter(pk=world.r2.pk)).decode("utf-8")
    assert "2500.00 EUR public grant; 7500.50 EUR equity" in text


@pytest.mark.django_db
def test_a_record_without_investment_leaves_the_column_empty_and_the_export_keeps_its_queries(
    world: World, staff: Any, django_assert_num_queries: Any
) -> None:
    record(world.beta, "skills_and_training", "2025-05-01")
    # The hub, the records with their customers and investments, then technologies, kinds and figures.
    with django_assert_num_queries(5):
        rows = list(commission.services_rows(ServiceRecord.objects.all()))
    assert [row[INVESTMENT_COLUMN] for row in rows][2] == ""
    for n in range(6):
        invest(staff, world.beta, f"{n + 1}", "loan", "2025-05-02", service_record=world.r2.pk)
    with django_assert_num_queries(5):
        rows = list(commission.services_rows(ServiceRecord.objects.all()))
    assert rows[1][INVESTMENT_COLUMN] == "2500.00 EUR public grant; 21.00 EUR loan; 7500.50 EUR equity"  # 1+…+6 = 21


@pytest.mark.django_db(transaction=True)
def test_an_investment_recorded_or_granted_raises_the_figures_version(personas: Any, hub: HubProfile) -> None:
    staff = personas.hub_advisor
    company = Organisation.objects.create(name="Gamma", country="LU")
    before = freshness.version()
    invest(staff, company, "300", "equity", "2025-03-01")
    assert freshness.version() > before
    fit = Programme.objects.create(code="fit", name={"en": "Fit"}, operator="LXI", scope="national", instrument="grant")
    before = freshness.version()
    data = {"programme": fit.pk, "amount_requested": 1, "status": "granted", "decided_on": "2025-03-02"}
    application_create(actor=staff, organisation=company, data={**data, "amount_granted": 1})
    assert freshness.version() > before
    assert kpi("investment_triggered", YEAR) == Decimal("301.00")


# --- Recording by hand ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_record_an_investment_and_every_bad_field_is_named(
    staff: Any, personas: Any, org_a: Organisation, org_b: Organisation
) -> None:
    theirs = record(org_b, "test_before_invest", "2025-03-01")
    with pytest.raises(ValidationError) as caught:
        investment_record(
            actor=staff,
            organisation=org_a,
            data={
                "amount": "-10",
                "kind": "gift",
                "made_on": (timezone.localdate() + timedelta(days=1)).isoformat(),
                "source": "application",
                "service_record": theirs.pk,
                "evidence": "x" * 501,
            },
        )
    assert errors(caught) == {"amount", "kind", "made_on", "source", "service_record", "evidence"}
    with pytest.raises(ValidationError) as caught:
        investment_record(actor=staff, organisation=org_a, data={"service_record": 10**12})
    assert errors(caught) == {"amount", "kind", "made_on", "service_record"}
    with pytest.raises(ValidationError) as caught:
        investment_record(
            actor=personas.a[Role.COMPANY_MEMBER],
            organisation=org_a,
            data={"amount": 1, "kind": "loan", "made_on": "2025-01-01"},
        )
    assert errors(caught) == {"organisation"}
    assert not Investment.objects.exists()

    ours = record(org_a, "test_before_invest", "2025-03-01")
    made = investment_record(
        actor=staff,
        organisation=org_a,
        data={"amount": "1 250.5", "kind": "own_funds", "made_on": date(2025, 4, 1), "service_record": ours.pk},
    )
    assert (made.amount, made.source, made.service_record, made.created_by) == (
        Decimal("1250.50"),
        "manual",
        ours,
        staff,
    )


def api(token_for: Any, user: Any, role: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {token_for(user, role)}"})


@pytest.mark.django_db
def test_the_api_lists_to_members_and_records_for_staff_only(
    personas: Any, token_for: Any, org_a: Organisation
) -> None:
    url = f"/api/v1/funding/organisations/{org_a.pk}/investments"
    body = {"amount": "4000", "kind": "loan", "made_on": "2025-02-01", "evidence": "Loan contract 2025-17"}
    member = api(token_for, personas.a[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER)
    assert member.post(url, body, content_type="application/json").status_code == 404
    staff = api(token_for, personas.hub_admin, Role.HUB_ADMIN)
    created = staff.post(url, body, content_type="application/json")
    assert created.status_code == 201, created.json()
    assert (created.json()["amount"], created.json()["source"]) == ("4000.00", "manual")
    bad = staff.post(url, {**body, "amount": "-1", "made_on": "1980-01-01"}, content_type="application/json")
    assert bad.status_code == 422 and {e["field"] for e in bad.json()["errors"]} == {"amount", "made_on"}

    listed = member.get(url)
    assert listed.status_code == 200
    assert [(i["amount"], i["kind"], i["evidence"]) for i in listed.json()] == [
        ("4000.00", "loan", "Loan contract 2025-17")
    ]
    for user, role in ((personas.b[Role.COMPANY_MEMBER], Role.COMPANY_MEMBER), (personas.a[Role.OBSERVER], "observer")):
        assert api(token_for, user, role).get(url).status_code == 404
