"""The pages fit a phone screen, the stylesheet comes from the server, and the keyboard gets a skip link."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import Tab

PHONE = {"width": 375, "height": 740}


@pytest.mark.browser
def test_pages_fit_a_375px_wide_screen(tab: Tab) -> None:
    page = tab.page
    page.set_viewport_size(PHONE)
    tab.goto("/")
    tab.assert_fits_width()
    tab.goto("/privacy/")
    tab.assert_fits_width()
    tab.log_in("manager@demo.moselle.lu")
    tab.assert_fits_width()
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Organisations").click()
    tab.landed(tab.heading().filter(has_text="Organisations"))
    tab.assert_fits_width()
    page.get_by_role("link", name="Précision Mosellane SARL (démo)").click()
    tab.landed(tab.heading().filter(has_text="Précision Mosellane SARL (démo)"))
    tab.assert_fits_width()
    send = page.get_by_role("button", name="Send the invitation")
    send.scroll_into_view_if_needed()
    expect(send).to_be_in_viewport(ratio=1)


@pytest.mark.browser
def test_stylesheet_is_served_and_skip_link_appears_on_keyboard_focus(tab: Tab) -> None:
    page = tab.page
    tab.goto("/")
    stylesheet = page.locator("link[rel=stylesheet]:not([media])")
    # The manifest storage gives the file a content hash; the server answers with it.
    href = stylesheet.get_attribute("href") or ""
    assert re.fullmatch(r"/static/moselle/moselle\.[0-9a-f]{12}\.css", href), href
    # Fetched by the page itself, through the browser's own connections.
    answer = page.evaluate(
        """async (href) => {
            const response = await fetch(href, {cache: "no-store"});
            return {status: response.status, type: response.headers.get("content-type"), text: await response.text()};
        }""",
        href,
    )
    assert answer["status"] == 200
    assert answer["type"].startswith("text/css")
    assert ".skip" in answer["text"]

    # And applied: the skip link waits off-screen until it gets the keyboard focus.
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).not_to_be_in_viewport()
    page.keyboard.press("Tab")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(tab.server.url("/#main"))
