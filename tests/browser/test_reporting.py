"""Reporting in the browser: the manager logs a service and reads the dashboard, an observer reads it with
small cells hidden, a company declares aid it received, and the hub is refused a grant that would take a
company over the de minimis ceiling, with the options named."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import Tab

COMPANY = "Précision Mosellane"
BAKERY = "Boulangerie Reuter"


def nav(tab: Tab, link: str, heading: str) -> None:
    tab.page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=link, exact=True).click()
    tab.landed(tab.heading().filter(has_text=heading))


def switch_to(tab: Tab, email: str) -> None:
    tab.page.context.clear_cookies()
    tab.log_in(email)


def open_ledger(tab: Tab, organisation: str) -> None:
    """From a company member's home, the organisation's de minimis ledger."""
    item = tab.page.get_by_role("listitem").filter(has=tab.page.get_by_role("link", name=re.compile(organisation)))
    item.get_by_role("link", name="De minimis aid ledger").click()
    tab.landed(tab.heading().filter(has_text="De minimis aid of"))


@pytest.mark.browser
def test_the_manager_logs_a_service_and_reads_the_dashboard(tab: Tab) -> None:
    page = tab.page
    tab.log_in("manager@demo.moselle.lu")
    nav(tab, "Services", "Services delivered")
    page.get_by_role("link", name="Log a service").click()
    tab.landed(tab.heading().filter(has_text="Log a service"))
    customer = page.get_by_label("Customer", exact=True)
    customer.select_option(customer.locator("option", has_text=COMPANY).first.get_attribute("value"))
    page.get_by_label("The hub's service").select_option("skills_training")
    page.get_by_label("Short description").fill("Two-day course on data analytics for the shop floor")
    page.get_by_label("Start date").fill("2026-03-02")
    page.get_by_label("End date").fill("2026-02-27")
    page.get_by_label("Service price (EUR)").fill("2400")
    page.get_by_label("Invoiced to the customer (EUR)").fill("1200")
    page.get_by_role("button", name="Log the service").click()
    tab.landed(page.get_by_role("alert").filter(has_text="cannot end before it started"))
    page.get_by_label("End date").fill("2026-03-03")
    page.get_by_role("button", name="Log the service").click()
    tab.landed(page.get_by_text("Service logged."))
    expect(page.get_by_role("definition").filter(has_text="Two-day course on data analytics")).to_be_visible()

    nav(tab, "Dashboard", "Dashboard")
    expect(page.get_by_role("img", name="Funnel: organisations reached")).to_be_visible()
    expect(page.get_by_role("img", name="Services started per month, by EDIH category")).to_be_visible()
    page.get_by_label("EDIH category", exact=True).select_option("skills_and_training")
    page.get_by_role("button", name="Show").click()
    tab.landed(page.get_by_role("heading", name="Funnel"))
    expect(page.get_by_role("link", name="The tables as CSV")).to_have_attribute(
        "href", re.compile(r"category=skills_and_training")
    )
    tab.assert_clean()


@pytest.mark.browser
def test_an_observer_reads_aggregates_only(tab: Tab) -> None:
    tab.log_in("observer@demo.moselle.lu")
    nav(tab, "Dashboard", "Dashboard")
    expect(tab.page.get_by_text("A cell counting fewer than five organisations is hidden")).to_be_visible()
    tab.assert_clean()


@pytest.mark.browser
def test_a_company_declares_aid_it_received(tab: Tab) -> None:
    page = tab.page
    tab.log_in("company@demo.moselle.lu")
    open_ledger(tab, COMPANY)
    form = page.locator("form", has=page.get_by_role("button", name="Declare"))
    form.get_by_label("Aid (EUR)").fill("12 500")
    form.get_by_label("Granted on").fill("2025-09-15")
    form.get_by_label("Granting body").fill("Ministère de l'Économie")
    form.get_by_label("Regulation").select_option("2023/2831")
    form.get_by_role("button", name="Declare").click()
    tab.landed(page.get_by_text("Aid declared."))
    expect(page.get_by_role("cell", name="Ministère de l'Économie", exact=True)).to_be_visible()
    tab.assert_clean()


@pytest.mark.browser
def test_a_grant_over_the_ceiling_is_refused_with_the_options(tab: Tab) -> None:
    page = tab.page
    tab.log_in("bakery@demo.moselle.lu")
    open_ledger(tab, BAKERY)
    form = page.locator("form", has=page.get_by_role("button", name="Declare"))
    form.get_by_label("Aid (EUR)").fill("295000")
    form.get_by_label("Granted on").fill("2025-02-03")
    form.get_by_label("Granting body").fill("Commune de Dudelange")
    form.get_by_role("button", name="Declare").click()
    tab.landed(page.get_by_text("Aid declared."))
    expect(page.get_by_text("near its ceiling")).to_be_visible()
    ledger = page.url

    switch_to(tab, "manager@demo.moselle.lu")
    tab.goto("/" + ledger.split("/", 3)[3])
    form = page.locator("form", has=page.get_by_role("button", name="Grant the aid"))
    form.get_by_label("Aid (EUR)").fill("6000")
    form.get_by_label("Aided service").fill("Cyber range day")
    form.get_by_role("button", name="Grant the aid").click()
    tab.landed(page.get_by_role("alert").filter(has_text="another basis"))
    expect(form.get_by_label("Aid (EUR)")).to_have_attribute("aria-invalid", "true")
    tab.assert_clean()
