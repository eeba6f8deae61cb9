"""The day an organisation was founded: set and read through the action, the pages, the API and an imported
file; a day in the future, before 1800 or not a date is refused on ``founded_on`` with nothing written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from moselle.accounts.models import Role
from moselle.core.models import AuditEntry
from moselle.organisations import actions, imports
from moselle.organisations.merging import organisation_merge
from moselle.organisations.models import ImportRun, Organisation

JSON = "application/json"
FOUNDED = dt.date(2019, 3, 1)
TOMORROW = timezone.localdate() + dt.timedelta(days=1)
# Each refused for its own reason: the future, before 1800, a day that does not exist, not a date at all.
BAD_DATES = [TOMORROW.isoformat(), "1799-12-31", "31/02/2020", "yesterday"]
BAD_VALUES = [*BAD_DATES, TOMORROW, dt.date(1799, 12, 31), "2020-02-31", "20190301", "2019-03-01T00:00", 20190301]


def written() -> tuple[int, int]:
    return Organisation.objects.count(), AuditEntry.objects.count()


def founded_on_of(organisation: Organisation) -> dt.date | None:
    organisation.refresh_from_db()
    return organisation.founded_on


@pytest.fixture
def company(db: Any) -> Organisation:
    return actions.organisation_create(actor=None, name="Acier Wiltz SA", details={"founded_on": "2019-03-01"})


@pytest.fixture
def manager(personas: Any, client_for: Any) -> Client:
    client: Client = client_for(personas.hub_admin)
    return client


@pytest.fixture
def staff(personas: Any, token_for: Any) -> Client:
    """The hub manager's machine: a bearer token scoped to the hub-admin role."""
    return Client(headers={"Authorization": f"Bearer {token_for(personas.hub_admin, Role.HUB_ADMIN)}"})


# --- the action -----------------------------------------------------------------------------------------


def test_it_takes_the_founding_date_as_iso_text_or_as_a_date(company: Organisation) -> None:
    assert founded_on_of(company) == FOUNDED
    other = actions.organisation_create(actor=None, name="Code Kirchberg Sàrl", details={"founded_on": FOUNDED})
    assert founded_on_of(other) == FOUNDED


def test_it_changes_audits_and_clears_the_founding_date(company: Organisation) -> None:
    actions.organisation_update(actor=None, organisation=company, data={"founded_on": " 2020-01-15 "})
    assert founded_on_of(company) == dt.date(2020, 1, 15)
    entry = AuditEntry.objects.filter(action="organisation.update").latest("pk")
    assert entry.changes["founded_on"] == ["2019-03-01", "2020-01-15"]
    actions.organisation_update(actor=None, organisation=company, data={"founded_on": ""})
    assert founded_on_of(company) is None
    actions.organisation_update(actor=None, organisation=company, data={"founded_on": "1800-01-01"})
    actions.organisation_update(actor=None, organisation=company, data={"founded_on": None})
    assert founded_on_of(company) is None


def test_it_takes_today_and_1800_as_founding_dates(db: Any) -> None:
    today = timezone.localdate()
    for day in (today, dt.date(1800, 1, 1)):
        created = actions.organisation_create(actor=None, name=f"Firm {day}", details={"founded_on": day.isoformat()})
        assert founded_on_of(created) == day


def test_other_updates_leave_the_founding_date_alone(company: Organisation) -> None:
    actions.organisation_update(actor=None, organisation=company, data={"locality": "Wiltz"})
    assert founded_on_of(company) == FOUNDED


@pytest.mark.parametrize("value", BAD_VALUES)
def test_it_refuses_a_bad_founding_date_naming_the_field_and_writes_nothing(db: Any, value: Any) -> None:
    before = written()
    with pytest.raises(ValidationError) as caught:
        actions.organisation_create(actor=None, name="Nouvelle Société SA", details={"founded_on": value})
    assert list(caught.value.message_dict) == ["founded_on"]
    assert written() == before


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (TOMORROW.isoformat(), "future"),
        ("1799-12-31", "before 1800"),
        ("2020-02-31", "does not exist"),
        ("31/02/2020", "YYYY-MM-DD"),
        ("yesterday", "YYYY-MM-DD"),
    ],
)
def test_the_refusal_says_what_is_wrong(db: Any, value: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.organisation_create(actor=None, name="Nouvelle Société SA", details={"founded_on": value})
    assert reason in caught.value.message_dict["founded_on"][0]


def test_an_update_with_a_bad_founding_date_keeps_the_one_held(company: Organisation) -> None:
    before = written()
    with pytest.raises(ValidationError):
        actions.organisation_update(
            actor=None, organisation=company, data={"founded_on": "yesterday", "locality": "Wiltz"}
        )
    assert written() == before
    company.refresh_from_db()
    assert (company.founded_on, company.locality) == (FOUNDED, "")


def test_it_names_every_bad_field_at_once(db: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        actions.organisation_create(
            actor=None, name="Nouvelle Société SA", details={"founded_on": "31/02/2020", "vat": "LU123", "pic": "1"}
        )
    assert set(caught.value.message_dict) == {"founded_on", "vat", "pic"}


def test_a_merge_gives_the_kept_organisation_the_founding_date_it_lacks(company: Organisation) -> None:
    kept = actions.organisation_create(actor=None, name="Acier Wiltz")
    organisation_merge(actor=None, kept=kept, merged=company)
    assert founded_on_of(kept) == FOUNDED


# --- the pages ------------------------------------------------------------------------------------------


def test_the_hub_staff_register_an_organisation_with_its_founding_date(manager: Client) -> None:
    response = manager.post(
        "/organisations/new/",
        {"name": "Nouvelle Société SA", "country": "LU", "nace_revision": "2.1", "founded_on": "2019-03-01"},
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name="Nouvelle Société SA")
    assert created.founded_on == FOUNDED
    detail = manager.get(response["Location"]).content.decode()
    assert "Founded on" in detail and '<time datetime="2019-03-01">1 March 2019</time>' in detail


def test_the_edit_form_shows_and_changes_the_founding_date(manager: Client, company: Organisation) -> None:
    form = manager.get(f"/organisations/{company.pk}/edit/")
    assert form.status_code == 200
    assert 'type="date" name="founded_on" value="2019-03-01"' in form.content.decode()
    response = manager.post(
        f"/organisations/{company.pk}/edit/",
        {"name": company.name, "country": "LU", "nace_revision": "2.1", "founded_on": "2018-06-30"},
    )
    assert response.status_code == 302
    assert founded_on_of(company) == dt.date(2018, 6, 30)


def test_the_detail_says_when_the_founding_date_is_not_known(manager: Client, org_a: Organisation) -> None:
    detail = manager.get(f"/organisations/{org_a.pk}/").content.decode()
    assert "<dt>Founded on</dt><dd>—</dd>" in detail


@pytest.mark.parametrize("value", BAD_DATES)
def test_the_form_refuses_a_bad_founding_date_on_its_field(manager: Client, value: str) -> None:
    before = written()
    response = manager.post(
        "/organisations/new/",
        {"name": "Nouvelle Société SA", "country": "LU", "nace_revision": "2.1", "founded_on": value},
    )
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["founded_on"]
    assert 'id="id_founded_on_error"' in response.content.decode()
    assert written() == before


def test_the_merge_page_shows_both_founding_dates(manager: Client, company: Organisation) -> None:
    other = actions.organisation_create(actor=None, name="Acier Wiltz", details={"founded_on": "2019-03-02"})
    page = manager.get(f"/hub/duplicates/{company.pk}/{other.pk}/merge/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Founded on" in html and "1 March 2019" in html and "2 March 2019" in html


# --- the API --------------------------------------------------------------------------------------------


def _refused_field(response: Any) -> str:
    body = response.json()
    assert response.status_code == 422, body
    return str(body["errors"][0]["field"])


def test_the_api_registers_reads_changes_and_clears_the_founding_date(staff: Client) -> None:
    created = staff.post("/api/v1/organisations", {"name": "Gamma SARL", "founded_on": "2019-03-01"}, content_type=JSON)
    assert created.status_code == 201, created.json()
    assert created.json()["founded_on"] == "2019-03-01"
    pk = created.json()["id"]
    assert staff.get(f"/api/v1/organisations/{pk}").json()["founded_on"] == "2019-03-01"
    changed = staff.patch(f"/api/v1/organisations/{pk}", {"founded_on": "2020-01-15"}, content_type=JSON)
    assert changed.json()["founded_on"] == "2020-01-15"
    untouched = staff.patch(f"/api/v1/organisations/{pk}", {"locality": "Wiltz"}, content_type=JSON)
    assert untouched.json()["founded_on"] == "2020-01-15"
    cleared = staff.patch(f"/api/v1/organisations/{pk}", {"founded_on": None}, content_type=JSON)
    assert cleared.json()["founded_on"] is None


@pytest.mark.parametrize("value", BAD_DATES)
def test_the_api_refuses_a_bad_founding_date_naming_it_and_writes_nothing(staff: Client, value: str) -> None:
    before = written()
    response = staff.post("/api/v1/organisations", {"name": "Gamma SARL", "founded_on": value}, content_type=JSON)
    assert _refused_field(response) == "founded_on"
    assert response.json()["detail"].startswith("founded_on: ")
    assert written() == before


@pytest.mark.parametrize("value", [*BAD_DATES, 20190301])
def test_a_patch_with_a_bad_founding_date_keeps_the_one_held(staff: Client, company: Organisation, value: Any) -> None:
    before = written()
    response = staff.patch(f"/api/v1/organisations/{company.pk}", {"founded_on": value}, content_type=JSON)
    assert _refused_field(response) == "founded_on"
    assert written() == before
    assert founded_on_of(company) == FOUNDED


def test_the_api_names_a_bad_founding_date_and_a_bad_vat_together(staff: Client) -> None:
    response = staff.post(
        "/api/v1/organisations", {"name": "Gamma SARL", "founded_on": "yesterday", "vat": "LU123"}, content_type=JSON
    )
    assert response.status_code == 422
    assert {error["field"] for error in response.json()["errors"]} == {"founded_on", "vat"}


def test_the_duplicates_compare_the_founding_dates(staff: Client, company: Organisation) -> None:
    actions.organisation_update(actor=None, organisation=company, data={"vat": "LU15027442"})
    actions.organisation_create(actor=None, name="Acier Wiltz", details={"vat": "LU15027442"})
    pairs = staff.get(f"/api/v1/duplicates?organisation_id={company.pk}").json()["items"]
    assert {pairs[0]["first"]["founded_on"], pairs[0]["second"]["founded_on"]} == {"2019-03-01", None}


def test_the_openapi_document_describes_the_founding_date(db: Any) -> None:
    schemas = Client().get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert schemas["OrganisationDetailOut"]["properties"]["founded_on"]["anyOf"][0]["format"] == "date"
    assert schemas["OrganisationPatch"]["properties"]["founded_on"]["format"] == "date"


# --- an imported file -----------------------------------------------------------------------------------


def check(content: str) -> ImportRun:
    return imports.import_check(
        actor=None, kind=ImportRun.Kind.ORGANISATIONS, filename="companies.csv", data=content.encode(), options={}
    )


def test_an_import_maps_a_founded_on_column_and_sets_the_date(db: Any) -> None:
    run = check("Company,Country,Founded on\nAcier Wiltz SA,LU,2019-03-01\nBoulangerie Hoffmann,LU,\n")
    assert run.report["mapping"]["Founded on"] == "founded_on"
    assert run.report["problems"] == []
    imports.import_commit(actor=None, run=run)
    assert Organisation.objects.get(name="Acier Wiltz SA").founded_on == FOUNDED
    assert Organisation.objects.get(name="Boulangerie Hoffmann").founded_on is None
    again = check("Company,Country,Founded on\nAcier Wiltz SA,LU,2019-03-01\nBoulangerie Hoffmann,LU,\n")
    assert again.report["counts"] == {"unchanged": 2}


def test_an_import_sets_a_founding_date_and_an_empty_cell_erases_none(company: Organisation) -> None:
    other = actions.organisation_create(actor=None, name="Boulangerie Hoffmann")
    run = check("name,founded_on\nBoulangerie Hoffmann,2001-05-04\nAcier Wiltz SA,\n")
    assert run.report["counts"] == {"update": 1, "unchanged": 1}
    assert "founded on: — → 2001-05-04" in run.report["changes"][0]["changes"]
    imports.import_commit(actor=None, run=run)
    assert (founded_on_of(other), founded_on_of(company)) == (dt.date(2001, 5, 4), FOUNDED)


def test_an_import_lists_every_bad_founding_date_and_commits_nothing(db: Any) -> None:
    rows = "".join(f"Firm {n} SA,LU,{value}\n" for n, value in enumerate(BAD_DATES))
    run = check(f"Company,Country,Date de création\n{rows}")
    problems = run.report["problems"]
    assert [(p["line"], p["column"]) for p in problems] == [(n + 2, "Date de création") for n in range(len(BAD_DATES))]
    before = written()
    with pytest.raises(ValidationError):
        imports.import_commit(actor=None, run=run)
    assert written() == before
