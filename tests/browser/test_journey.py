"""The company's way through the hub, in the browser, for the demo bakery: its manager asks for help through
the form; an advisor triages the request, runs the T0 assessment with the company, drafts the needs and the
roadmap; the company agrees the roadmap; the advisor refers it to a provider from an offer the roadmap
suggests; the company consents to share part of its file; the provider accepts and completes the work; the
company rates it; the case's timeline shows every step.

The provider publishes the offer first (the hub reviews it), so that the engine has something to suggest."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .support import Tab
from .test_assessments import LOW, fill_in_and_submit, start

COMPANY = "Boulangerie Reuter (démo)"
PROVIDER = "DataWerk Analytics (demo)"
OFFER = "Cyber check-up for bakeries"
STAFF = "manager@demo.moselle.lu"
NEED = "We throw away too much bread and fear a cyber attack on our tills."


def switch_to(tab: Tab, email: str) -> None:
    tab.page.context.clear_cookies()
    tab.log_in(email)


def publish_an_offer(
    tab: Tab,
    title: str = OFFER,
    *,
    kind: str = "service",
    category: str = "test_before_invest",
    description: str = "A one-day check of tills, laptops and backups.",
    price: str = "free",
) -> None:
    """The provider drafts a cybersecurity offer and sends it for review; the hub manager publishes it."""
    page = tab.page
    switch_to(tab, "provider@demo.moselle.lu")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="My offers").click()
    tab.landed(tab.heading().filter(has_text="My organisation's offers"))
    page.get_by_role("link", name=f"Add an offer of {PROVIDER}").click()
    tab.landed(tab.heading())
    page.get_by_label("Kind of offer").select_option(kind)
    page.get_by_label("EDIH category").select_option(category)
    page.get_by_label("Title in English").fill(title)
    page.get_by_label("Description in English").fill(description)
    page.get_by_label("Technologies").select_option(label="Cybersecurity")
    page.get_by_label("Price", exact=True).select_option(price)
    page.get_by_role("button", name="Save the offer").click()
    tab.landed(tab.heading().filter(has_text=title))
    page.get_by_role("button", name="Send to the hub for review").click()
    tab.landed(tab.heading().filter(has_text=title))

    switch_to(tab, "manager@demo.moselle.lu")
    tab.goto("/hub/catalogue/")
    page.get_by_role("link", name=title).first.click()
    tab.landed(tab.heading().filter(has_text=title))
    page.get_by_label("Decision").select_option("publish")
    page.get_by_role("button", name="Record the decision").click()
    tab.landed(page.get_by_role("status"))


@pytest.mark.browser
def test_a_company_goes_from_its_request_to_a_rated_referral(tab: Tab) -> None:
    page = tab.page
    publish_an_offer(tab)

    # 1. The request for help, as anyone sends it.
    page.context.clear_cookies()
    tab.goto("/help/")
    page.get_by_label("Your name").fill("Claire Reuter")
    page.get_by_label("Your e-mail").fill("claire@boulangerie-reuter.example")
    page.get_by_label("Organisation", exact=True).fill(COMPANY)
    page.get_by_label("Country").select_option("LU")
    page.get_by_label("What do you need?").fill(NEED)
    page.get_by_label("I have read how the hub uses what I send").check()
    page.get_by_role("button", name="Send the request").click()
    tab.landed(tab.heading().filter(has_text="Request sent"))

    # 2. Triage: hub staff take it on for the bakery of the registry (the manager, who works in English).
    switch_to(tab, STAFF)
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Triage", exact=True).click()
    tab.landed(tab.heading().filter(has_text="Triage queue"))
    request = page.locator("section.card").filter(has_text=NEED)
    request.get_by_label("Organisation in the registry").select_option(label=f"{COMPANY} (LU)")
    request.get_by_label("Advisor").select_option(label="Marie Weber")
    request.get_by_role("button", name="Take it on").click()
    tab.landed(page.get_by_role("status").get_by_text("The case is now with its advisor."))
    case_url = page.url

    # 3. The T0 assessment, filled in with the company.
    page.get_by_role("link", name=COMPANY).first.click()
    tab.landed(tab.heading().filter(has_text=COMPANY))
    page.get_by_role("link", name="Digital maturity assessments").click()
    tab.landed(tab.heading().filter(has_text="Digital maturity assessments"))
    start(tab, "T0", "an advisor, with the organisation")
    fill_in_and_submit(tab, COMPANY, LOW)

    # 4. The needs drafted from its gaps, then the roadmap.
    page.goto(case_url)
    tab.landed(tab.heading())
    page.get_by_role("link", name="All needs and their priority").click()
    tab.landed(tab.heading().filter(has_text="Needs"))
    page.get_by_role("button", name="Draft the needs").click()
    tab.landed(page.get_by_role("heading", name="Open needs, highest priority first"))
    expect(page.locator("ol.needs > li")).to_have_count(6)  # one need per dimension, all below the next band
    page.get_by_role("button", name="Draft the roadmap").first.click()
    tab.landed(tab.heading().filter(has_text=f"Roadmap of {COMPANY}"))
    expect(page.get_by_role("heading", level=2, name="0-3 months")).to_be_visible()
    expect(page.get_by_text("Not agreed yet by the company.")).to_be_visible()
    roadmap_url = page.url

    # 5. The company agrees it, from its home.
    switch_to(tab, "bakery@demo.moselle.lu")
    roadmaps = page.locator("section").filter(has=page.get_by_role("heading", name="Your roadmap"))
    expect(roadmaps.get_by_text("Waiting for your agreement.")).to_be_visible()
    roadmaps.get_by_role("link", name=COMPANY).click()
    tab.landed(tab.heading().filter(has_text=f"Roadmap of {COMPANY}"))
    page.get_by_role("button", name="Agree this roadmap").click()
    tab.landed(page.get_by_role("status"))
    expect(page.get_by_role("table").filter(has_text="Claire Reuter").first).to_be_visible()

    # 6. The advisor refers the company to the provider of a suggested offer.
    switch_to(tab, STAFF)
    page.goto(roadmap_url)
    tab.landed(tab.heading().filter(has_text=f"Roadmap of {COMPANY}"))
    page.get_by_role("link", name=re.compile(rf"^Refer\W+{re.escape(OFFER)}\W*$")).first.click()
    tab.landed(tab.heading().filter(has_text="to a provider or partner"))
    page.get_by_label("What is asked").fill("A check of the tills before the Christmas season.")
    page.get_by_role("button", name=re.compile("Propose the referral")).click()
    tab.landed(tab.heading().filter(has_text="Referral"))
    referral_url = page.url
    expect(page.get_by_text("Not given yet: the recipient does not see the referral.")).to_be_visible()

    # 7. The provider sees nothing before the company consents.
    switch_to(tab, "provider@demo.moselle.lu")
    tab.goto(referral_url.removeprefix(tab.server.base_url), status=404)

    # 8. The company consents to share its profile, the contact and the need; not its maturity results.
    switch_to(tab, "bakery@demo.moselle.lu")
    page.goto(referral_url)
    tab.landed(tab.heading().filter(has_text="Referral"))
    consent = page.locator("form").filter(has=page.get_by_role("button", name="I agree to share these parts"))
    for part in ("the organisation's profile", "the contact person", "the need referred"):
        consent.get_by_label(part).check()
    consent.get_by_role("button", name="I agree to share these parts").click()
    tab.landed(page.get_by_role("status"))

    # 9. The provider reads what is shared, accepts, starts and completes the work.
    switch_to(tab, "provider@demo.moselle.lu")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Referrals").click()
    tab.landed(tab.heading().filter(has_text="Referrals"))
    page.goto(referral_url)
    tab.landed(tab.heading().filter(has_text="Referral"))
    file_heading = page.get_by_role("heading", name="The company's file, as it shares it with you")
    shared = page.locator("section").filter(has=file_heading)
    expect(shared).to_contain_text(COMPANY)
    expect(shared).to_contain_text("Claire Reuter")
    expect(shared).not_to_contain_text("Digital business strategy")  # the maturity results were not shared
    page.get_by_role("button", name="Accept the referral").click()
    tab.landed(page.get_by_role("status"))
    page.get_by_role("button", name="Start the work").click()
    tab.landed(page.get_by_role("status"))
    page.get_by_label("Outcome: what was delivered").fill("Tills patched, backups tested, staff briefed.")
    page.get_by_role("button", name="Mark as done").click()
    tab.landed(page.get_by_role("status"))

    # 10. The company rates it.
    switch_to(tab, "bakery@demo.moselle.lu")
    page.goto(referral_url)
    tab.landed(tab.heading().filter(has_text="Referral"))
    page.get_by_label("4 - very satisfied").check()
    page.get_by_role("button", name="Rate").click()
    tab.landed(page.get_by_role("status"))

    # 11. The case's timeline shows every step.
    switch_to(tab, STAFF)
    page.goto(case_url)
    tab.landed(tab.heading())
    page.get_by_role("link", name="The whole timeline").click()
    tab.landed(tab.heading().filter(has_text="Timeline"))
    timeline = page.locator("ol.timeline")
    for step in (
        "asked the hub for help",
        "case taken on by an advisor",
        "maturity assessment T0 submitted",
        "needs drafted from the assessment",
        "roadmap drafted",
        "case moved to Engage",
        "roadmap agreed, version 1",
        f"referral proposed to {PROVIDER}",
        f"consent given to share the file with {PROVIDER}",
        f"referral accepted by {PROVIDER}",
        f"referral completed by {PROVIDER}",
        "referral rated 4 out of 5",
    ):
        expect(timeline.get_by_text(step, exact=False).first).to_be_visible()
