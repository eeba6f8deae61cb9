"""The public privacy notice, and the page where a person sees and downloads their own data."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from .support import Tab


@pytest.mark.browser
def test_privacy_notice_is_reached_from_the_footer(tab: Tab) -> None:
    page = tab.page
    tab.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="Privacy notice").click()
    tab.landed(tab.heading().filter(has_text="Privacy notice"))
    expect(page).to_have_url(tab.server.url("/privacy/"))
    table = page.get_by_role("table")
    for column in ("Purpose", "Data", "Legal basis"):
        expect(table.get_by_role("columnheader", name=column)).to_be_visible()
    rows = table.locator("tbody tr")
    expect(rows.first).to_be_visible()
    for row in rows.all():
        cells = row.get_by_role("cell")
        expect(cells).to_have_count(3)
        for cell in cells.all():
            expect(cell).not_to_be_empty()


@pytest.mark.browser
def test_person_sees_and_downloads_their_own_data(tab: Tab) -> None:
    page = tab.page
    tab.log_in("company@demo.moselle.lu")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My account").click()
    tab.landed(tab.heading().filter(has_text="My account"))
    page.get_by_role("link", name="See my personal data").click()
    tab.landed(tab.heading().filter(has_text="Your personal data"))
    expect(page).to_have_url(tab.server.url("/me/data/"))

    main = page.get_by_role("main")
    expect(main.locator("dt", has_text="E-mail").locator("+ dd")).to_have_text("company@demo.moselle.lu")
    expect(main.locator("dt", has_text="Full name").locator("+ dd")).to_have_text("Paul Hoffmann")
    memberships = main.locator("section").filter(has=page.get_by_role("heading", name="Memberships"))
    expect(memberships.get_by_role("listitem")).to_contain_text(["Précision Mosellane SARL (démo)"])
    # Nobody else's data is on the page.
    expect(main).not_to_contain_text("manager@demo.moselle.lu")

    with page.expect_download() as download:
        main.get_by_role("link", name="Download it (JSON)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["email"] == "company@demo.moselle.lu"
    assert data["accounts"]["account"]["full_name"] == "Paul Hoffmann"
