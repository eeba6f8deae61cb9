"""Find help: a company member with the interface in French describes a need in French, reads the results
grouped by kind, opens one and reads why it matches, in French."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import Tab, gettext_in

NEED = "Nous voulons protéger nos ordinateurs contre le phishing."


def fr(message: str) -> str:
    translated = gettext_in("fr", message)
    assert translated != message, f"the fr catalogue does not translate {message!r}"
    return translated


def pattern(message: str) -> re.Pattern[str]:
    """A translated message with its placeholders open, e.g. "déclare (.+) au niveau (\\d+) sur 5"."""
    escaped = re.escape(fr(message))
    return re.compile(re.sub(r"%\\\(\w+\\\)[sd]", lambda m: r"\d+" if m[0].endswith("d") else ".+", escaped))


@pytest.mark.browser
def test_a_company_finds_help_in_french_and_reads_why_a_result_matches(tab: Tab) -> None:
    page = tab.page
    tab.log_in("company@demo.moselle.lu")
    page.get_by_label("Language").select_option("fr")
    page.get_by_role("button", name="Change language").click()
    tab.landed(page.locator("html[lang='fr']"))

    page.get_by_role("navigation", name=fr("Main navigation")).get_by_role("link", name=fr("Find help")).click()
    tab.landed(tab.heading().filter(has_text=fr("Find help")))
    page.get_by_label(fr("What do you need?")).fill(NEED)
    page.get_by_role("search").get_by_role("button", name=fr("Find help")).click()
    tab.landed(page.get_by_role("heading", level=2, name=fr("What can help")))
    expect(page).to_have_url(re.compile(r"/find/\?text=Nous\+voulons"))

    # What the text was read as, and the results grouped by kind: hubs, for a signed-in person.
    expect(page.get_by_text(fr("We read:"))).to_contain_text(re.compile(r"Cybersécurité \([^)]*phishing[^)]*\)"))
    # "Hubs (3)" when that is all, "Hubs : les 10 meilleurs résultats" when more were found than shown.
    name = re.escape(fr("hubs").capitalize())
    best = re.escape(fr("%(kinds)s: the %(count)d best matches")).replace(r"%\(kinds\)s", name)
    best = best.replace("\u00a0", r"\s")  # the accessible name has a plain space for the no-break space
    hubs_heading = re.compile(r"^(" + name + r" \(\d+\)|" + best.replace(r"%\(count\)d", r"\d+") + r")$")
    hubs = page.get_by_role("heading", level=3, name=hubs_heading)
    expect(hubs).to_be_visible()
    # The hubs' own group (other tests of the session may have published offers, grouped before it).
    group = page.locator("section[aria-labelledby='kind-hub']")
    declares = pattern("declares %(label)s at level %(level)d of 5")
    first = group.get_by_role("listitem").filter(has=page.get_by_role("heading", level=4)).first
    expect(first.get_by_role("listitem").filter(has_text=declares).first).to_contain_text("Cybersécurité")
    title = first.get_by_role("heading", level=4).inner_text()
    # Long words are cut at a syllable in the page's language, not anywhere.
    assert first.evaluate("card => getComputedStyle(card).hyphens") == "auto"

    # One result: why it matches, in French, and the way back.
    first.get_by_role("link", name=f"{fr('Why this matches: %(title)s') % {'title': title}}").click()
    tab.landed(tab.heading().filter(has_text=title))
    why = page.locator("section").filter(has=page.get_by_role("heading", level=2, name=fr("Why this matches")))
    reason = why.get_by_role("listitem").filter(has_text=declares).first
    expect(reason).to_contain_text("Cybersécurité")
    you_wrote = fr("%(fact)s (you wrote %(words)s)").replace("%(fact)s (", "").replace(" %(words)s)", "")
    # The words the need wrote, in French quotation marks; "phishing" among them.
    expect(reason).to_contain_text(re.compile(re.escape(you_wrote) + r" [^)]*«\u00a0phishing\u00a0»"))
    expect(page.get_by_text(fr("Your need:"))).to_contain_text(f"«\u00a0{NEED}\u00a0»")
    expect(page.get_by_role("heading", level=2, name=fr("Facts"))).to_be_visible()
    page.get_by_role("link", name=fr("Back to the results")).click()
    tab.landed(page.get_by_role("heading", level=2, name=fr("What can help")))
    expect(page.get_by_label(fr("What do you need?"))).to_have_value(NEED)
