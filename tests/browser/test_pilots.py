"""Test before invest in the browser: a provider's HPC system becomes a bookable facility; the hub manager
opens a pilot for the demo company with two partners, books HPC hours (a booking beyond the capacity is
refused first), takes the project through every stage gate, records the result against its criterion and the
go decision; the company signs the outcome off; the pilot's service record carries its aid and the de minimis
ledger shows the grant."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from .support import Tab
from .test_journey import publish_an_offer, switch_to

FACILITY = "HPC cluster time for simulation"
COMPANY = "Précision Mosellane SARL (démo)"
PERFORMER = "DataWerk Analytics (demo)"
ADVISER = "Institut de recherche (démo)"
PROJECT = "Casting simulation on the HPC cluster"
CRITERION = "A casting simulated in under two hours"
HPC_CHOICE = f"{FACILITY} ({PERFORMER}; core-hours per month)"


def _post(tab: Tab, button: str) -> None:
    """Press a form's button and wait for the page it leads to."""
    page = tab.page
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def _pass_gate(tab: Tab, into: str, why: str) -> None:
    page = tab.page
    page.get_by_label("Why the project passes the gate").fill(why)
    _post(tab, f"Pass into {into}")
    tab.landed(page.get_by_role("status"))


@pytest.mark.browser
def test_an_advisor_runs_a_pilot_from_scoping_to_the_company_s_sign_off(tab: Tab) -> None:
    page = tab.page
    publish_an_offer(
        tab,
        FACILITY,
        kind="test_facility",
        description="Core-hours on a 2,000-core cluster, with the institute's simulation engineers.",
        price="subsidised",
    )

    # 1. The facility's details: core-hours, 100,000 a month.
    tab.goto("/catalogue/?q=HPC+cluster")
    page.get_by_role("link", name=FACILITY).first.click()
    tab.landed(tab.heading().filter(has_text=FACILITY))
    page.get_by_role("link", name="Change the facility's details").click()
    tab.landed(tab.heading().filter(has_text="The facility's details"))
    page.get_by_label("Kind of facility").select_option("hpc")
    page.get_by_label("Unit of use").select_option("core_hours")
    page.get_by_label("Capacity (units per period)").fill("100000")
    page.get_by_label("Capacity period").select_option("month")
    page.get_by_label("Available from").fill(date.today().replace(day=1).isoformat())
    page.get_by_role("button", name="Save").click()
    tab.landed(page.get_by_role("status"))
    expect(page.get_by_role("table").first).to_contain_text("100000")

    # 2. The project, for the demo company, in scoping.
    tab.goto("/pilots/new/")
    tab.landed(tab.heading().filter(has_text="New test-before-invest project"))
    page.get_by_label("Company", exact=True).select_option(label=COMPANY)
    page.get_by_label("Kind", exact=True).select_option("pilot")
    page.get_by_label("Title", exact=True).fill(PROJECT)
    page.get_by_label("Technology area").select_option(label="High performance computing")
    page.get_by_label("Scope").fill("Simulate the filling of two sand moulds before buying a simulation licence.")
    page.get_by_label("Objectives").fill("Know whether simulation cuts the scrap rate of the new housing.")
    page.get_by_label("Planned start").fill(date.today().isoformat())
    page.get_by_label("Planned end").fill((date.today() + timedelta(days=120)).isoformat())
    page.get_by_label("Aid of national or regional public nature (EUR)").fill("20000")
    page.get_by_label("State-aid basis").select_option("de_minimis")
    _post(tab, "Open the project")
    tab.landed(tab.heading().filter(has_text=PROJECT))
    project_url = urlparse(page.url).path

    # 3. Two partners, a criterion, the first gate, a milestone.
    for partner, role, budget in ((PERFORMER, "performs", "30000"), (ADVISER, "advises", "10000")):
        page.locator("#partner_organisation").select_option(label=partner)
        page.locator("#partner_role").select_option(role)
        page.locator("#partner_budget").fill(budget)
        _post(tab, "Add the partner")
        tab.landed(page.get_by_role("status"))
    partners = page.get_by_role("region", name="Partners and budget").first
    expect(partners).to_contain_text(PERFORMER)
    expect(partners).to_contain_text("40000.00")
    page.get_by_label("Success criterion").fill(CRITERION)
    page.get_by_label("Target").fill("under 2 h")
    _post(tab, "Add the criterion")
    tab.landed(page.get_by_role("status"))
    _pass_gate(tab, "feasibility", "The moulds' data and the cluster's licences are available.")
    page.get_by_label("Milestone or deliverable").fill("First casting simulated")
    page.get_by_label("Due").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_label("Owed by").select_option(label=PERFORMER)
    _post(tab, "Plan it")
    tab.landed(page.get_by_role("status"))

    # 4. HPC hours: beyond the capacity refused with the reason and nothing booked, then 20,000 core-hours.
    booking = page.locator("form", has=page.get_by_role("button", name="Book", exact=True))
    booking.get_by_label("Facility").select_option(label=HPC_CHOICE)
    booking.get_by_label("From").fill(date.today().isoformat())
    booking.get_by_label("Units per period").fill("150000")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        booking.get_by_role("button", name="Book", exact=True).click()
    assert answer.value.status == 400
    tab.landed(page.get_by_role("alert").filter(has_text="core-hours left").first)
    expect(page.get_by_text("No facility booked yet.")).to_be_visible()
    booking = page.locator("form", has=page.get_by_role("button", name="Book", exact=True))
    booking.get_by_label("Facility").select_option(label=HPC_CHOICE)
    booking.get_by_label("From").fill(date.today().isoformat())
    booking.get_by_label("Units per period").fill("20000")
    _post(tab, "Book")
    tab.landed(page.get_by_role("status"))
    expect(page.get_by_role("region", name="Facility bookings").first).to_contain_text("20000")

    # 5. Every gate: the pilot starts (its aid granted), is evaluated and comes to its decision.
    _pass_gate(tab, "proof of concept or pilot", "Feasible: the cluster runs the solver on the moulds' meshes.")
    notice = page.get_by_role("link", name=re.compile(r"The written notice of aid DM-\d{4}-\d{4}"))
    expect(notice).to_be_visible()
    grant_number = re.search(r"DM-\d{4}-\d{4}", notice.inner_text())
    assert grant_number is not None
    _pass_gate(tab, "evaluation", "Both moulds simulated; the results are in.")
    page.get_by_role("button", name=re.compile(r"^Mark done\W+First casting simulated")).click()
    tab.landed(page.get_by_role("status"))
    page.get_by_label(re.compile("^Result")).fill("1 h 40 min per casting on 512 cores")
    page.get_by_label(re.compile("^Met")).select_option("yes")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(rf"^Record the result\W+{CRITERION}")).click()
    tab.landed(page.get_by_role("status"))
    _pass_gate(tab, "go/no-go decision", "Evaluation complete.")
    page.get_by_role("radio", name="go", exact=True).check()
    page.get_by_label("Why", exact=True).fill("Simulation cut the scrap of the trial castings by a third.")
    page.get_by_label("Lessons learned").fill("Mesh the risers finely from the start.")
    _post(tab, "Record the decision")
    tab.landed(page.get_by_role("status"))
    expect(page.get_by_role("region", name="Decision and sign-off").first).to_contain_text("awaited")

    # 6. The company signs the outcome off.
    switch_to(tab, "company@demo.moselle.lu")
    tab.goto(project_url)
    tab.landed(tab.heading().filter(has_text=PROJECT))
    page.get_by_label("Your remark").fill("We will buy the licence.")
    _post(tab, "Sign off")
    tab.landed(page.get_by_role("status"))
    expect(page.get_by_text("We will buy the licence.")).to_be_visible()

    # 7. The service record carries the aid; the ledger shows the grant.
    switch_to(tab, "manager@demo.moselle.lu")
    tab.goto(project_url)
    page.get_by_role("link", name="The service record of this project").click()
    tab.landed(tab.heading())
    expect(page.get_by_role("main")).to_contain_text("20000")
    expect(page.get_by_role("main")).to_contain_text(grant_number.group(0))
    tab.goto(project_url)
    company_link = page.get_by_role("link", name=f"The projects of {COMPANY}")
    organisation_id = re.search(r"/organisations/(\d+)/", company_link.get_attribute("href") or "")
    assert organisation_id is not None
    tab.goto(f"/organisations/{organisation_id.group(1)}/aid/")
    tab.landed(tab.heading())
    expect(page.get_by_role("main")).to_contain_text(grant_number.group(0))
