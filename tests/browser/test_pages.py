"""Every page a person reaches from the navigation opens with its heading and passes axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .support import Tab

# (link in the main navigation, heading of the page it opens)
MANAGER_PAGES = [
    ("Organisations", "Organisations"),
    ("Assessments", "Maturity assessments"),
    ("Catalogue", "Catalogue"),
    ("Offers to review", "Offers to review"),
    ("Triage", "Triage queue"),
    ("Pipeline", "Pipeline board"),
    ("My tasks", "My tasks"),
    ("Referrals", "Referrals"),
    ("Services", "Services delivered"),
    ("Dashboard", "Dashboard"),
    ("Corridors", "Corridors with other hubs"),
    ("People", "People"),
    ("Hub settings", "Hub settings"),
    ("Audit log", "Audit log"),
    ("Federation", "Federation with other hubs"),
    ("Privacy requests", "Privacy requests"),
    ("API tokens", "API tokens"),
    ("My account", "My account"),
    ("Home", "Hub dashboard"),
]


@pytest.mark.browser
def test_hub_manager_opens_every_page_of_the_navigation(tab: Tab) -> None:
    tab.log_in("manager@demo.moselle.lu")
    nav = tab.page.get_by_role("navigation", name="Main navigation")
    for link, heading in MANAGER_PAGES:
        nav.get_by_role("link", name=link, exact=True).click()
        tab.landed(tab.heading().filter(has_text=heading))
        expect(tab.page).to_have_title(f"{heading} · Moselle")


@pytest.mark.browser
def test_hub_manager_opens_a_service_to_edit(tab: Tab) -> None:
    tab.log_in("manager@demo.moselle.lu")
    tab.page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Hub settings").click()
    tab.landed(tab.heading().filter(has_text="Hub settings"))
    tab.page.get_by_role("link", name="Edit").first.click()
    tab.landed(tab.page.get_by_label("Name in English"))
    expect(tab.page.get_by_label("Name in English")).not_to_be_empty()


@pytest.mark.browser
def test_member_opens_account_consent_and_join_pages(tab: Tab) -> None:
    page = tab.page
    tab.log_in("provider@demo.moselle.lu")
    page.get_by_role("link", name="Join or register an organisation").click()
    tab.landed(tab.heading().filter(has_text="Join or register an organisation"))
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My account").click()
    tab.landed(tab.heading().filter(has_text="My account"))
    expect(page.get_by_role("table").get_by_role("cell", name="DataWerk Analytics (demo)")).to_be_visible()
    page.get_by_role("link", name="My consent choices").click()
    tab.landed(tab.heading().filter(has_text="My consent choices"))


@pytest.mark.browser
def test_visitor_opens_the_public_pages(tab: Tab) -> None:
    page = tab.page
    tab.goto("/")
    page.get_by_role("main").get_by_role("link", name="Register your organisation").click()
    tab.landed(tab.heading().filter(has_text="Sign Up"))
    expect(page.get_by_label("Full name")).to_be_visible()
    tab.goto("/accounts/password/reset/")
    expect(tab.heading()).to_have_text("Password Reset")
