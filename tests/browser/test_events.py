"""An event in the browser, from its creation to the certificate: the manager creates and publishes a
workshop with two seats; two visitors take them and a third lands on the waiting list; a confirmed attendee
cancels by the link in her e-mail, the visitor waiting is offered the seat by e-mail and confirms it; staff
check her in from the attendee list; she gets her certificate, the attendee who did not come does not.

The e-mails are read where the server's console backend writes them: its log."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .support import Tab

TITLE = "Robotics on the shop floor"
MAIL_END = "-" * 79
WAIT_FOR_MAIL_S = 20


def mail_link(tab: Tab, email: str, kind: str) -> str:
    """The path of the latest ``kind`` link (cancel, accept, ticket) e-mailed to ``email``; the task worker
    sends the e-mails after the request, so wait for it."""
    deadline = time.monotonic() + WAIT_FOR_MAIL_S
    while True:
        log = tab.server.log_path.read_text(encoding="utf-8", errors="replace")
        messages = [m for m in log.split(MAIL_END) if re.search(rf"^To: {re.escape(email)}$", m, re.MULTILINE)]
        found = [link for m in messages for link in re.findall(rf"/events/r/{kind}/[^/\s]+/", m)]
        if found:
            return found[-1]
        assert time.monotonic() < deadline, f"no {kind} link was mailed to {email}:\n{tab.server.log_tail()}"
        time.sleep(0.25)


def register(tab: Tab, name: str, email: str, outcome: str) -> None:
    tab.page.context.clear_cookies()
    tab.goto("/events/")
    tab.page.get_by_role("link", name=TITLE).click()
    tab.landed(tab.heading().filter(has_text=TITLE))
    tab.page.get_by_label("Name", exact=True).fill(name)
    tab.page.get_by_label("E-mail", exact=True).fill(email)
    tab.page.get_by_label("Organisation", exact=True).fill("Atelier Moselle")
    tab.page.get_by_label(re.compile("I accept the terms")).check()
    tab.page.locator("main form").get_by_role("button").click()
    tab.landed(tab.page.get_by_role("status").filter(has_text=outcome))


@pytest.mark.browser
def test_a_visitor_waits_takes_a_freed_seat_is_checked_in_and_gets_the_certificate(tab: Tab) -> None:
    page = tab.page
    tab.log_in("manager@demo.moselle.lu")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="The hub's events").click()
    tab.landed(tab.heading().filter(has_text="The hub's events"))
    page.get_by_role("link", name="New event").click()
    tab.landed(tab.heading().filter(has_text="New event"))
    page.get_by_label("Kind").select_option("workshop")
    page.get_by_label("Title (English)").fill(TITLE)
    page.get_by_label("Venue").fill("Technoport, Esch-sur-Alzette")
    page.get_by_label("Seats").fill("2")
    page.get_by_label("Session 1: date (YYYY-MM-DD)").fill((date.today() + timedelta(days=10)).isoformat())
    page.get_by_label("starts (HH:MM)").first.fill("14:00")
    page.get_by_label("ends (HH:MM)").first.fill("13:00")
    page.get_by_role("button", name="Save").click()
    tab.landed(page.get_by_role("alert").filter(has_text="ends after it starts"))
    page.get_by_label("ends (HH:MM)").first.fill("17:00")
    page.get_by_role("button", name="Save").click()
    tab.landed(page.get_by_text("Event saved."))
    page.get_by_role("button", name="Publish").click()
    tab.landed(page.get_by_text("Done."))
    staff_page = page.url

    register(tab, "Ana Lopes", "ana@example.org", "Your seat is confirmed")
    register(tab, "Tom Muller", "tom@example.org", "Your seat is confirmed")
    register(tab, "Lea Schmit", "lea@example.org", "you are on the waiting list")

    tab.goto(mail_link(tab, "ana@example.org", "cancel"))
    page.get_by_role("button", name="Cancel my registration").click()
    tab.landed(page.get_by_role("status").filter(has_text="is cancelled"))

    tab.goto(mail_link(tab, "lea@example.org", "accept"))
    page.get_by_role("button", name="Confirm my seat").click()
    tab.landed(page.get_by_role("status").filter(has_text="is confirmed"))

    tab.log_in("manager@demo.moselle.lu")
    tab.page.goto(staff_page)
    tab.landed(tab.heading().filter(has_text=TITLE))
    page.get_by_label("Search by name, e-mail or organisation").fill("Lea")
    page.get_by_role("button", name="Search").click()
    tab.landed(page.get_by_role("cell", name="lea@example.org"))
    expect(page.get_by_role("cell", name="tom@example.org")).to_have_count(0)
    page.get_by_role("button", name="Mark as attended").click()
    tab.landed(page.get_by_text("Done."))

    page.context.clear_cookies()
    tab.goto(mail_link(tab, "lea@example.org", "ticket"))
    page.get_by_role("link", name="Your certificate of attendance").click()
    tab.landed(tab.heading().filter(has_text="Certificate of attendance"))
    expect(page.get_by_text("This certifies that Lea Schmit")).to_be_visible()

    no_show = mail_link(tab, "tom@example.org", "ticket").replace("/ticket/", "/certificate/")
    tab.goto(no_show, status=403)
    expect(page.get_by_role("alert")).to_contain_text("given to those who attended")
