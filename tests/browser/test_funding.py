"""Funding in the browser: a company gives its figures, opens "Funding", declares what the rules ask of it,
sees why it is eligible for one programme (SME Packages - Sustainability: a small Luxembourg company with a
business permit) and not for another (Fit 4 Digital: a grant of it within the last two years), and saves a
search. The programmes are the seeded ones (``funding.seed``)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .support import Tab

COMPANY = "Précision Mosellane SARL (démo)"
SEARCH = "Grants we can get"


@pytest.mark.browser
def test_a_company_sees_why_it_is_eligible_for_one_programme_and_not_another_and_saves_a_search(tab: Tab) -> None:
    page = tab.page
    tab.log_in("company@demo.moselle.lu")

    # The size class needs the company's figures: a small enterprise.
    page.get_by_role("link", name=COMPANY).first.click()
    tab.landed(tab.heading().filter(has_text=COMPANY))
    page.get_by_role("link", name="Add a year of figures").click()
    tab.landed(tab.heading().filter(has_text="Figures of a financial year"))
    page.get_by_label("Financial year").fill(str(dt.date.today().year - 1))
    page.get_by_label("Staff (annual work units)").fill("14")
    page.get_by_label("Turnover (EUR)").fill("2 100 000")
    page.get_by_label("Source").select_option("accounts")
    page.get_by_role("button", name="Save the figures").click()
    tab.landed(page.get_by_role("status").get_by_text("The figures were saved."))

    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Funding", exact=True).click()
    tab.landed(tab.heading().filter(has_text=f"Funding for {COMPANY}"))
    expect(page.get_by_text("Size class under the EU SME definition: small enterprise.")).to_be_visible()

    # What the rules ask of the company: its permit, not in difficulty, an activity aid may support, and the
    # grants of Fit 4 Digital it received: one, half a year ago.
    granted = (dt.date.today() - dt.timedelta(days=180)).isoformat()
    declare = page.locator("form", has=page.get_by_role("button", name="Record the declarations"))
    for question in (
        "The company holds a business permit",
        "The company is not an undertaking in difficulty",
        "The company works in an activity not excluded from state aid",
    ):
        declare.get_by_role("group", name=question).get_by_label("yes", exact=True).check()
    declare.get_by_role("group", name="Grants of Fit 4 Digital in the last 2 years").get_by_label("a grant on").check()
    declare.get_by_label("Date of the last grant of Fit 4 Digital (YYYY-MM-DD)").fill(granted)
    declare.get_by_role("button", name="Record the declarations").click()
    tab.landed(page.get_by_role("status").get_by_text("Your declarations were recorded"))

    eligible = page.locator("section[aria-labelledby='eligible']")
    packages = eligible.locator("article", has=page.get_by_role("heading", name="SME Packages - Sustainability"))
    expect(packages).to_contain_text("met: Size class small enterprise under the EU SME definition.")
    expect(packages).to_contain_text("met: Established in LU; the programme takes LU.")
    expect(packages).to_contain_text(re.compile(r"met: Declared on .+: holds a business permit\."))

    refused = page.locator("section[aria-labelledby='not-eligible']")
    fit4digital = refused.locator("article", has=page.get_by_role("heading", name="Fit 4 Digital", exact=True))
    expect(fit4digital).to_contain_text(
        f"not met: The company declared a grant of this programme on {granted}, within the last 2 years."
    )
    expect(fit4digital).to_contain_text("condition: The project must use a provider the programme approved")
    expect(eligible.get_by_role("heading", name="Fit 4 Digital", exact=True)).to_have_count(0)

    # Save the search: grants the company is eligible for.
    save = page.locator("form", has=page.get_by_role("button", name="Save the search"))
    save.get_by_label("Name of the search").fill(SEARCH)
    save.get_by_label("Instrument").select_option("grant")
    save.get_by_label("Only programmes the organisation is eligible for").check()
    save.get_by_role("button", name="Save the search").click()
    tab.landed(tab.heading().filter(has_text="My saved searches"))
    expect(page.get_by_role("status")).to_contain_text("The search was saved.")
    saved = page.locator("section", has=page.get_by_role("heading", name=SEARCH))
    expect(saved).to_contain_text(f"for {COMPANY} · grant · eligible only")
