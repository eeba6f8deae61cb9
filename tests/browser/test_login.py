"""Each demo person logs in through the real log-in form and lands on their role's home page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .support import Tab, gettext_in

HUB_ORGANISATION_LINKS = ("People", "Hub settings")
ADMIN_LINKS = ("Audit log", "Privacy requests", "API tokens")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("email", "heading", "staff", "admin"),
    [
        ("manager@demo.moselle.lu", "Hub dashboard", True, True),
        ("advisor@demo.moselle.lu", "Hub dashboard", True, False),
        ("observer@demo.moselle.lu", "Figures", False, False),
        ("company@demo.moselle.lu", "Your space", False, False),
        ("provider@demo.moselle.lu", "Your space", False, False),
        ("partner@demo.moselle.lu", "Your space", False, False),
    ],
)
def test_each_role_sees_its_home_page(tab: Tab, email: str, heading: str, staff: bool, admin: bool) -> None:
    tab.log_in(email)
    lang = tab.page.locator("html").get_attribute("lang") or "en"
    expect(tab.heading()).to_have_text(gettext_in(lang, heading))
    nav = tab.page.get_by_role("navigation", name=gettext_in(lang, "Main navigation"))
    expect(nav.get_by_role("button", name=gettext_in(lang, "Log out"))).to_be_visible()
    for label in HUB_ORGANISATION_LINKS:
        expect(nav.get_by_role("link", name=gettext_in(lang, label), exact=True)).to_have_count(1 if staff else 0)
    for label in ADMIN_LINKS:
        expect(nav.get_by_role("link", name=gettext_in(lang, label), exact=True)).to_have_count(1 if admin else 0)


@pytest.mark.browser
def test_member_sees_own_organisation_on_home_page(tab: Tab) -> None:
    tab.log_in("company@demo.moselle.lu")
    expect(tab.page.get_by_role("link", name="Précision Mosellane SARL (démo)")).to_be_visible()
    expect(tab.page.get_by_role("link", name="DataWerk Analytics (demo)")).to_have_count(0)


@pytest.mark.browser
def test_pending_person_waits_for_approval_and_sees_nothing_of_the_organisation(tab: Tab) -> None:
    tab.log_in("pending@demo.moselle.lu")
    lang = tab.page.locator("html").get_attribute("lang") or "en"
    expect(tab.heading()).to_have_text(gettext_in(lang, "Your space"))
    expect(tab.page.get_by_role("heading", level=2, name=gettext_in(lang, "Waiting for approval"))).to_be_visible()
    expect(tab.page.get_by_role("main")).to_contain_text("Précision Mosellane SARL (démo)")
    expect(tab.page.get_by_role("link", name="Précision Mosellane SARL (démo)")).to_have_count(0)


@pytest.mark.browser
def test_wrong_password_is_refused_on_the_form(tab: Tab) -> None:
    tab.goto("/accounts/login/")
    form = tab.page.locator("main form")
    form.get_by_label("Email").fill("company@demo.moselle.lu")
    form.get_by_label("Password").fill("not-the-password")
    form.get_by_role("button", name="Sign In").click()
    tab.landed(tab.page.get_by_text("The email address and/or password you specified are not correct."))
    expect(tab.page).to_have_url(tab.server.url("/accounts/login/"))
    expect(form.get_by_role("button", name="Sign In")).to_be_visible()
