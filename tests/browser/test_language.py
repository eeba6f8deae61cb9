"""The language switch in the header turns the interface into French or German, and back."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .support import Tab, gettext_in


@pytest.mark.browser
@pytest.mark.parametrize("language", ["fr", "de"])
def test_language_switch_changes_the_page_language(tab: Tab, language: str) -> None:
    page = tab.page
    html = page.locator("html")
    tab.goto("/privacy/")
    expect(html).to_have_attribute("lang", "en")
    expect(tab.heading()).to_have_text("Privacy notice")

    page.get_by_label("Language").select_option(language)
    page.get_by_role("button", name="Change language").click()
    tab.landed(page.locator(f"html[lang='{language}']"))
    expect(page).to_have_url(tab.server.url("/privacy/"))
    # The heading as the Moselle catalogue has it in that language.
    translated = gettext_in(language, "Privacy notice")
    assert translated != "Privacy notice", f"the {language} catalogue does not translate 'Privacy notice'"
    expect(tab.heading()).to_have_text(translated)
    expect(page.get_by_role("contentinfo").get_by_role("link", name=translated)).to_be_visible()
    expect(page.locator("#language-switch option:checked")).to_have_attribute("value", language)

    # The choice stays for the next page: allauth's log-in page, whose catalogue is translated already.
    tab.goto("/accounts/login/")
    expect(html).to_have_attribute("lang", language)
    sign_in = gettext_in(language, "Sign In")
    assert sign_in != "Sign In", f"no {language} translation of allauth's 'Sign In' heading"
    expect(tab.heading()).to_have_text(sign_in)

    # And back to English with the same switch, whose label is now in the other language.
    page.get_by_label(gettext_in(language, "Language")).select_option("en")
    page.get_by_role("button", name=gettext_in(language, "Change language")).click()
    tab.landed(page.locator("html[lang='en']"))
    expect(tab.heading()).to_have_text("Sign In")
