"""The registry in the browser: the hub manager registers an organisation, gives it a year of figures
and reads its size class; opens the possible duplicates; imports a CSV file and commits it; and
everyone opens the hub directory."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from .support import Tab

NEW_COMPANY = "Fënster Ettelbréck SARL"


def nav_to(tab: Tab, link: str, heading: str) -> None:
    tab.page.get_by_role("navigation", name="Main navigation").get_by_role("link", name=link, exact=True).click()
    tab.landed(tab.heading().filter(has_text=heading))


@pytest.mark.browser
def test_hub_manager_registers_an_organisation_and_sees_its_size_class(tab: Tab) -> None:
    page = tab.page
    tab.log_in("manager@demo.moselle.lu")
    nav_to(tab, "Organisations", "Organisations")
    page.get_by_role("link", name="Register an organisation").click()
    tab.landed(tab.heading().filter(has_text="Register an organisation"))

    page.get_by_label("Legal name").fill(NEW_COMPANY)
    page.get_by_role("group", name="Kinds").get_by_label("company").check()
    page.get_by_label("VAT number").fill("LU123")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Register the organisation").click()
    assert answer.value.status == 400
    tab.landed(page.locator("#id_vat_error"))
    expect(page.get_by_label("VAT number")).to_have_attribute("aria-invalid", "true")

    page.get_by_label("VAT number").fill("LU12345613")
    page.get_by_role("button", name="Register the organisation").click()
    tab.landed(page.get_by_role("status").get_by_text("The organisation was registered."))
    expect(tab.heading()).to_have_text(NEW_COMPANY)
    expect(page.locator("#size-class ~ p strong").first).to_have_text("unknown")

    page.get_by_role("link", name="Add a year of figures").click()
    tab.landed(tab.heading().filter(has_text="Figures of a financial year"))
    last_year = dt.date.today().year - 1
    page.get_by_label("Financial year").fill(str(last_year))
    page.get_by_label("Staff (annual work units)").fill("12")
    page.get_by_label("Turnover (EUR)").fill("1 500 000")
    page.get_by_label("Source").select_option("accounts")
    page.get_by_role("button", name="Save the figures").click()

    tab.landed(page.get_by_role("status").get_by_text("The figures were saved."))
    expect(page).to_have_url(re.compile(r"/organisations/\d+/#figures$"))
    expect(page.locator("#size-class ~ p strong").first).to_have_text("small enterprise")
    steps = page.locator("ol.steps li")
    expect(steps.filter(has_text=f"{last_year} on its own: small enterprise")).to_have_count(1)
    expect(page.get_by_role("row", name=re.compile(rf"^{last_year} ")).first).to_contain_text("1,500,000")


@pytest.mark.browser
def test_hub_manager_opens_the_duplicates_and_the_hub_directory(tab: Tab) -> None:
    page = tab.page
    tab.log_in("manager@demo.moselle.lu")
    nav_to(tab, "Duplicates", "Possible duplicates")
    expect(page.get_by_role("table")).to_be_visible()
    nav_to(tab, "Hub directory", "Hub directory")
    page.get_by_label("Country").select_option("LU")
    page.get_by_role("button", name="Find hubs").click()
    tab.landed(tab.heading().filter(has_text="Hub directory"))
    expect(page).to_have_url(re.compile(r"country=LU"))


@pytest.mark.browser
def test_hub_manager_imports_a_csv_file_and_commits_it(tab: Tab) -> None:
    page = tab.page
    tab.log_in("manager@demo.moselle.lu")
    nav_to(tab, "Imports", "Imports")
    content = (
        "Company;Land;Locality;Year;Staff;Turnover\n"
        "Schräinerei Wolz Sàrl;LU;Wiltz;2024;6;640 000\n"
        "Bäckerei Haff SA;LU;Mersch;2024;31;4 100 000\n"
    ).encode()
    page.get_by_label("The file holds").select_option("organisations")
    page.get_by_label("File (CSV or XLSX)").set_input_files(
        files=[{"name": "companies.csv", "mimeType": "text/csv", "buffer": content}]
    )
    page.get_by_role("button", name="Check the file").click()

    tab.landed(tab.heading().filter(has_text="Import of companies.csv"))
    expect(page.get_by_role("heading", name="0 problems")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile(r"^new 2"))).to_be_visible()
    expect(page.get_by_label("Company")).to_have_value("name")
    commit = page.get_by_role("button", name="Commit the import")
    expect(commit).to_be_enabled()
    commit.click()

    tab.landed(page.get_by_role("status").get_by_text("The import was committed."))
    expect(page.get_by_role("heading", name="What was done")).to_be_visible()
    expect(page.get_by_role("button", name="Commit the import")).to_have_count(0)
    tab.goto("/organisations/?q=Wolz")
    expect(page.get_by_role("link", name="Schräinerei Wolz Sàrl")).to_be_visible()
    expect(page.get_by_role("link", name="Bäckerei Haff SA")).to_have_count(0)
