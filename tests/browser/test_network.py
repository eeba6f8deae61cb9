"""The European network in the browser: the hub manager finds hubs for a need written in words, opens the map
of hubs per country and of the Greater Region, starts a corridor with a hub and records a collaboration under
it, which then shows on the corridor's page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import Tab


def nav_to(tab: Tab, link: str, heading: str) -> None:
    tab.page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=link, exact=True).click()
    tab.landed(tab.heading().filter(has_text=heading))


@pytest.mark.browser
def test_hub_manager_finds_hubs_for_a_need_and_opens_the_map(tab: Tab) -> None:
    page = tab.page
    tab.log_in("manager@demo.moselle.lu")
    nav_to(tab, "Hub directory", "Hub directory")
    page.get_by_label("What is needed").fill("high performance computing for simulation")
    page.get_by_label("Country").select_option("DE")
    page.get_by_role("button", name="Find hubs").click()
    tab.landed(page.get_by_role("heading", name="The best hubs for this need"))
    results = page.locator("ol.results > li")
    expect(results.first).to_be_visible()
    expect(results.first).to_contain_text("High performance computing")
    page.get_by_role("link", name="See them on the map").click()
    tab.landed(tab.heading().filter(has_text="Map of the hubs"))
    expect(page.locator("svg path[data-country='DE']")).to_have_count(1)
    expect(page.get_by_role("group", name="The hubs of the Greater Region")).to_be_visible()
    expect(page.get_by_text("EDIH BIR-MZ-KL").first).to_be_attached()


@pytest.mark.browser
def test_hub_manager_records_a_collaboration_under_a_corridor(tab: Tab) -> None:
    page = tab.page
    tab.log_in("manager@demo.moselle.lu")
    nav_to(tab, "Corridors", "Corridors with other hubs")
    page.get_by_role("link", name="Start a corridor").click()
    tab.landed(tab.heading().filter(has_text="Start a corridor"))
    page.get_by_label("Title").fill("Saarland and Luxembourg: HPC for manufacturers")
    page.get_by_label("Partner hubs").select_option(label="European Digital Innovation Hub Saarland (DE)")
    page.get_by_label("Started on").fill("2024-03-01")
    page.get_by_role("button", name="Save").click()
    tab.landed(page.get_by_role("status").get_by_text("The corridor is saved."))
    expect(tab.heading()).to_have_text("Saarland and Luxembourg: HPC for manufacturers")
    expect(page.get_by_role("link", name="European Digital Innovation Hub Saarland")).to_be_visible()
    page.get_by_role("link", name="Record a collaboration").click()
    tab.landed(tab.heading().filter(has_text="Record a collaboration"))
    page.get_by_label("Kind").select_option("exchange")
    page.get_by_label("Title").fill("Shared training for advisors")
    page.get_by_label("Date of the collaboration").fill("2999-01-01")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Record").click()
    assert answer.value.status == 400
    tab.landed(page.locator("#id_happened_on_error"))
    page.get_by_label("Date of the collaboration").fill("2025-01-15")
    page.get_by_role("button", name="Record").click()
    tab.landed(page.get_by_role("status").get_by_text("The collaboration is recorded."))
    expect(page).to_have_url(re.compile(r"/network/corridors/\d+/$"))
    expect(page.get_by_role("row", name=re.compile("Shared training for advisors"))).to_be_visible()
