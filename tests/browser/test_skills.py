"""Skills and training in the browser: a provider's training becomes a course with a session; the advisor
registers a company, runs its assessment, proposes its digital skills from it, adjusts one, sees the course
that teaches a gap's skill and enrols two employees in its session; after the days are marked and the
completions recorded, the company's service record in Skills and training exists and its timeline shows the
training.

Time does not pass in a browser test: once the people are enrolled, the advisor moves the session's day to
yesterday on the event's own page, as a hub does when it records a session after the fact, and marks the
attendance then."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from .support import Tab
from .test_assessments import LOW, fill_in_and_submit, start
from .test_journey import publish_an_offer

COURSE = "Data protection for office teams"
COMPANY = "Fonderie Sud Luxembourg"
SKILL = "protect personal data and privacy"


@pytest.mark.browser
def test_an_advisor_turns_a_company_s_skills_gaps_into_a_completed_course(tab: Tab) -> None:
    page = tab.page
    publish_an_offer(
        tab,
        COURSE,
        kind="training",
        category="skills_and_training",
        description="Two mornings on personal data, passwords and privacy at work.",
        price="subsidised",
    )

    # 1. The course's details, then a session next week.
    tab.goto("/courses/")
    page.get_by_role("link", name=COURSE).click()
    tab.landed(tab.heading().filter(has_text=COURSE))
    page.get_by_role("link", name="Give the course its details").click()
    tab.landed(tab.heading().filter(has_text="The course's details"))
    page.get_by_label("Level").select_option(label="basic")
    page.get_by_label("Duration (hours)").fill("7")
    page.get_by_label("Format").select_option("classroom")
    page.get_by_label("Language of teaching").select_option("en")
    page.get_by_label("Price per participant (EUR)").fill("600")
    page.get_by_label("Aid per participant (EUR)").fill("300")
    page.get_by_label("Skills taught").fill(f"{SKILL}\ncrocheting databases")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Save").click()
    assert answer.value.status == 200
    tab.landed(page.get_by_role("alert").filter(has_text="crocheting databases").first)
    expect(page.get_by_role("alert").filter(has_text="Name the aid scheme")).to_be_visible()
    page.get_by_label("Skills taught").fill(SKILL)
    page.get_by_label("Aid scheme").fill("National training aid")
    page.get_by_role("button", name="Save").click()
    tab.landed(page.get_by_role("status").get_by_text("The course is saved."))
    page.get_by_role("link", name="Plan a session").click()
    tab.landed(tab.heading().filter(has_text="Plan a session"))
    next_week = date.today() + timedelta(days=7)
    page.get_by_label("Days").fill(f"{next_week.isoformat()} 09:00-12:30")
    page.get_by_label("Seats").fill("6")
    page.get_by_label("Venue").fill("House of Training, Luxembourg")
    page.get_by_role("button", name="Plan the session").click()
    tab.landed(page.get_by_role("status").get_by_text("The session is planned."))
    session_url = page.url

    # 2. A company of the registry, assessed with the advisor.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Organisations", exact=True).click()
    tab.landed(tab.heading().filter(has_text="Organisations"))
    page.get_by_role("link", name="Register an organisation").click()
    tab.landed(tab.heading().filter(has_text="Register an organisation"))
    page.get_by_label("Legal name").fill(COMPANY)
    page.get_by_role("group", name="Kinds").get_by_label("company").check()
    page.get_by_role("button", name="Register the organisation").click()
    tab.landed(page.get_by_role("status").get_by_text("The organisation was registered."))
    company_url = page.url
    page.get_by_role("link", name="Digital maturity assessments").click()
    tab.landed(tab.heading().filter(has_text="Digital maturity assessments"))
    start(tab, "T0", "an advisor, with the organisation")
    fill_in_and_submit(tab, COMPANY, LOW)

    # 3. Its skills proposed from the assessment, one adjusted; the course shows for the gap.
    page.goto(company_url)
    tab.landed(tab.heading().filter(has_text=COMPANY))
    page.get_by_role("link", name="Digital skills and gaps").click()
    tab.landed(tab.heading().filter(has_text=f"Digital skills of {COMPANY}"))
    page.get_by_role("button", name="Propose the skills").click()
    tab.landed(page.get_by_role("status").filter(has_text="proposed from the company's sector, assessment"))
    row = page.get_by_role("row").filter(has_text="use e-services")
    expect(row).to_contain_text("current level from the digital readiness score")
    row.get_by_label(re.compile("^Current")).select_option(label="basic")
    row.get_by_role("button", name=re.compile("^Save")).click()
    tab.landed(page.get_by_role("status").get_by_text("The levels are saved."))
    expect(page.get_by_role("row").filter(has_text="use e-services")).to_contain_text("adjusted")
    gap = page.locator("ol.gaps > li").filter(has_text=SKILL).first
    expect(gap).to_contain_text(COURSE)
    expect(gap).to_contain_text("teaches this skill")

    # 4. Two employees enrolled in the session from the gap.
    gap.get_by_role("link", name=re.compile(f"^Enrol people\\W+{re.escape(COURSE)}")).click()
    tab.landed(tab.heading().filter(has_text="Enrol people"))
    page.get_by_label("People to enrol").fill(
        "Nadia Reis <nadia@fonderie-sud.example>\nTom Weis <tom@fonderie-sud.example>"
    )
    page.get_by_role("button", name="Enrol").click()
    tab.landed(page.get_by_role("status").get_by_text("2 people enrolled."))
    expect(page.get_by_role("row").filter(has_text="Nadia Reis")).to_contain_text("confirmed")
    expect(page.get_by_role("row").filter(has_text="Tom Weis")).to_contain_text("confirmed")

    # 5. The session took place: its day moved to yesterday, both marked present, both completed.
    page.get_by_role("link", name="The event's registrations").click()
    tab.landed(tab.heading().filter(has_text=COURSE))
    page.get_by_role("link", name="Edit").click()
    tab.landed(tab.heading())
    page.get_by_label("Session 1: date (YYYY-MM-DD)").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save").click()
    tab.landed(page.get_by_text("Event saved."))
    page.goto(session_url)
    tab.landed(tab.heading().filter(has_text=COURSE))
    for name in ("Nadia Reis", "Tom Weis"):
        page.get_by_role("button", name=re.compile(f"^Mark present\\W+{name}")).click()
        tab.landed(page.get_by_role("row").filter(has_text=name).get_by_text("present", exact=True))
    for name in ("Nadia Reis", "Tom Weis"):
        page.get_by_role("button", name=re.compile(f"^Record the completion\\W+{name}")).click()
        tab.landed(page.get_by_role("status").get_by_text("The completion is recorded."))
        expect(page.get_by_role("row").filter(has_text=name)).to_contain_text("completed on")

    # 6. The service record exists, with the course's price and aid, and the timeline shows the training.
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Services", exact=True).click()
    tab.landed(tab.heading())
    record = page.get_by_role("row").filter(has_text=COMPANY).first
    expect(record).to_contain_text(COURSE)
    page.goto(company_url)
    tab.landed(tab.heading().filter(has_text=COMPANY))
    page.get_by_role("link", name="Timeline", exact=True).click()
    tab.landed(tab.heading())
    expect(page.get_by_text(f"completed the course {COURSE}").first).to_be_visible()
    expect(page.get_by_text(f"training recorded as a service delivered: {COURSE}")).to_be_visible()
    expect(page.get_by_text(f"enrolled in the course {COURSE}")).to_be_visible()
