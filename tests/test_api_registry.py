"""The registry's API: bad input named by field with nothing written, partial updates, the size class, list
filters, an import from dry run to commit, duplicates, the hub directory and the taxonomy in three languages."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from moselle.accounts.models import Role
from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations import actions
from moselle.organisations.models import (
    Contact,
    DuplicateDismissal,
    FinancialYear,
    ImportRun,
    Organisation,
    OrganisationMerge,
    Ownership,
)

JSON = "application/json"


@pytest.fixture
def staff(personas: Any, token_for: Any) -> Client:
    """The hub manager's machine: a bearer token scoped to the hub-admin role."""
    return Client(headers={"Authorization": f"Bearer {token_for(personas.hub_admin, Role.HUB_ADMIN)}"})


@pytest.fixture
def taxonomy(db: Any) -> None:
    seed_taxonomy()


def _field(response: Any) -> str:
    body = response.json()
    assert response.status_code == 422, body
    assert body["detail"].startswith(f"{body['errors'][0]['field']}: "), body
    return str(body["errors"][0]["field"])


def _register(name: str, **details: Any) -> Organisation:
    country = details.pop("country", "LU")
    return actions.organisation_create(actor=None, name=name, country=country, details=details)


# --- Bad input: the field and the reason, nothing written ------------------------------------------------------


def test_it_refuses_a_malformed_vat_naming_vat_and_writes_nothing(staff: Client) -> None:
    before = Organisation.objects.count()
    response = staff.post("/api/v1/organisations", {"name": "Gamma SARL", "vat": "LU15027443"}, content_type=JSON)
    assert _field(response) == "vat"
    assert "VAT" in response.json()["detail"]
    assert Organisation.objects.count() == before


def test_it_refuses_a_malformed_luxembourg_register_id(staff: Client) -> None:
    before = Organisation.objects.count()
    response = staff.post(
        "/api/v1/organisations", {"name": "Gamma SARL", "country": "LU", "register_id": "12345"}, content_type=JSON
    )
    assert _field(response) == "register_id"
    assert "RCS" in response.json()["detail"]
    assert Organisation.objects.count() == before
    accepted = staff.post(
        "/api/v1/organisations",
        {"name": "Gamma SARL", "register_id": "b 123456", "vat": "LU15027442", "kinds": ["company"]},
        content_type=JSON,
    )
    assert accepted.status_code == 201, accepted.content
    body = accepted.json()
    assert (body["register_id"], body["vat"], body["kinds"]) == ("B123456", "LU15027442", ["company"])


def test_it_refuses_an_unknown_field(staff: Client) -> None:
    response = staff.post("/api/v1/organisations", {"name": "Gamma", "colour": "blue"}, content_type=JSON)
    assert _field(response) == "colour"


def test_it_refuses_negative_staff_and_a_future_year(staff: Client, org_a: Organisation) -> None:
    url = f"/api/v1/organisations/{org_a.pk}/financial-years"
    assert _field(staff.put(f"{url}/2023", {"staff": "-1"}, content_type=JSON)) == "staff"
    future = date.today().year + 1
    response = staff.put(f"{url}/{future}", {"staff": "3"}, content_type=JSON)
    assert _field(response) == "year" and "future" in response.json()["detail"]
    assert _field(staff.put(f"{url}/2023", {"staff": "3", "turnover": "lots"}, content_type=JSON)) == "turnover"
    assert not FinancialYear.objects.filter(organisation=org_a).exists()


def test_it_records_corrects_and_deletes_a_year_with_figures_as_strings(staff: Client, org_a: Organisation) -> None:
    url = f"/api/v1/organisations/{org_a.pk}/financial-years"
    first = staff.put(f"{url}/2023", {"staff": "12.5", "turnover": 1800000}, content_type=JSON)
    assert first.status_code == 200, first.content
    assert (first.json()["staff"], first.json()["turnover"], first.json()["balance_sheet"]) == (
        "12.50",
        "1800000.00",
        None,
    )
    staff.put(f"{url}/2023", {"staff": "14", "source": "accounts"}, content_type=JSON)
    listed = staff.get(url).json()
    assert [(y["year"], y["staff"], y["source"]) for y in listed] == [(2023, "14.00", "accounts")]
    assert staff.delete(f"{url}/2023").json()["deleted"] is True
    assert staff.delete(f"{url}/2023").status_code == 404
    assert not FinancialYear.objects.filter(organisation=org_a).exists()


def test_it_refuses_holdings_over_100_percent_naming_percent(staff: Client, org_a: Organisation) -> None:
    first, second = _register("Holder One"), _register("Holder Two")
    url = f"/api/v1/organisations/{org_a.pk}/ownership"
    ok = staff.post(url, {"owner": first.pk, "percent": "60"}, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["percent"] == "60.00"
    response = staff.post(url, {"owner": second.pk, "percent": "50.5"}, content_type=JSON)
    assert _field(response) == "percent" and "100" in response.json()["detail"]
    assert list(Ownership.objects.filter(owned=org_a).values_list("owner_id", flat=True)) == [first.pk]
    holdings = staff.get(f"/api/v1/organisations/{first.pk}/ownership").json()
    assert [h["owned_id"] for h in holdings["holdings"]] == [org_a.pk] and holdings["holders"] == []


def test_it_refuses_a_cycle_of_ownership_naming_owner(staff: Client, org_a: Organisation) -> None:
    parent = _register("Parent Holding")
    assert (
        staff.post(
            f"/api/v1/organisations/{org_a.pk}/ownership", {"owner": parent.pk, "percent": "30"}, content_type=JSON
        ).status_code
        == 200
    )
    response = staff.post(
        f"/api/v1/organisations/{parent.pk}/ownership", {"owner": org_a.pk, "percent": "10"}, content_type=JSON
    )
    assert _field(response) == "owner" and "cycle" in response.json()["detail"]
    assert not Ownership.objects.filter(owned=parent).exists()


def test_an_organisation_admin_names_only_holders_it_sees(personas: Any, token_for: Any, org_a: Any) -> None:
    client = Client(headers={"Authorization": f"Bearer {token_for(personas.a['company_member'], Role.COMPANY_MEMBER)}"})
    stranger = _register("Unseen Investments")
    response = client.post(
        f"/api/v1/organisations/{org_a.pk}/ownership", {"owner": stranger.pk, "percent": "10"}, content_type=JSON
    )
    assert _field(response) == "owner"
    assert not Ownership.objects.exists()


# --- Profile ---------------------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_given(staff: Client, taxonomy: None) -> None:
    organisation = _register(
        "Alpha Manufacturing SA", trade_name="Alpha", website="alpha.lu", kinds=["company"], nace_codes=["25.62"]
    )
    response = staff.patch(
        f"/api/v1/organisations/{organisation.pk}",
        {"locality": "Esch-sur-Alzette", "technologies_of_interest": ["Additive manufacturing"]},
        content_type=JSON,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["locality"] == "Esch-sur-Alzette"
    assert (body["trade_name"], body["website"], body["kinds"]) == ("Alpha", "https://alpha.lu", ["company"])
    assert [c["code"] for c in body["nace_codes"]] == ["25.62"]
    assert [(t["name"], t["role"]) for t in body["technologies"]] == [("Additive manufacturing", "interest")]
    organisation.refresh_from_db()
    assert (organisation.trade_name, organisation.locality) == ("Alpha", "Esch-sur-Alzette")


def test_patch_refuses_a_country_the_vat_number_does_not_match(staff: Client) -> None:
    organisation = _register("Gamma SARL", vat="LU15027442")
    response = staff.patch(f"/api/v1/organisations/{organisation.pk}", {"country": "FR"}, content_type=JSON)
    assert _field(response) == "vat"
    organisation.refresh_from_db()
    assert organisation.country == "LU"


def test_the_size_class_endpoint_gives_the_class_and_its_steps(staff: Client, org_a: Organisation) -> None:
    actions.financial_year_set(actor=None, organisation=org_a, year=2023, staff="8", turnover="1500000")
    actions.financial_year_set(actor=None, organisation=org_a, year=2024, staff="9", turnover="1600000")
    response = staff.get(f"/api/v1/organisations/{org_a.pk}/size-class")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["size_class"] == "micro" and body["is_sme"] is True
    assert body["steps"] and all(isinstance(step, str) and step for step in body["steps"])
    years = {f["year"]: f for f in body["figures"]}
    assert years[2024]["staff"] == "9.00" and years[2024]["turnover"] == "1600000.00"
    assert isinstance(body["public_share"], str)
    assert staff.get(f"/api/v1/organisations/{org_a.pk}").json()["size_class"] == "micro"


def test_a_year_without_figures_is_listed_as_missing(staff: Client, org_a: Organisation) -> None:
    body = staff.get(f"/api/v1/organisations/{org_a.pk}/size-class").json()
    assert body["size_class"] == "unknown"
    assert body["missing"] and body["missing"][0]["party"] == org_a.pk


def test_the_sme_definition_does_not_apply_to_a_public_body(staff: Client) -> None:
    ministry = _register("Ministère de l'Économie", kinds=["public_body"])
    body = staff.get(f"/api/v1/organisations/{ministry.pk}/size-class").json()
    assert (body["applies"], body["size_class"], body["is_sme"]) == (False, "", False)
    assert "public body" in body["steps"][0]


def test_contacts_are_added_changed_and_deleted(staff: Client, org_a: Organisation) -> None:
    url = f"/api/v1/organisations/{org_a.pk}/contacts"
    bad = staff.post(url, {"name": "Anna Muller", "email": "not-an-address"}, content_type=JSON)
    assert _field(bad) == "email" and not Contact.objects.exists()
    made = staff.post(url, {"name": "Anna Muller", "email": "Anna@Example.org"}, content_type=JSON)
    assert made.status_code == 201 and made.json()["email"] == "anna@example.org"
    contact_id = made.json()["id"]
    changed = staff.patch(f"/api/v1/contacts/{contact_id}", {"role": "CEO"}, content_type=JSON).json()
    assert (changed["name"], changed["role"]) == ("Anna Muller", "CEO")
    assert [c["name"] for c in staff.get(url).json()] == ["Anna Muller"]
    assert staff.delete(f"/api/v1/contacts/{contact_id}").status_code == 200
    assert not Contact.objects.exists()


# --- The list ---------------------------------------------------------------------------------------------------


def _names(response: Any) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["name"] for item in response.json()["items"]}


def test_the_list_filters_and_hides_merged_and_historical_records(staff: Client, taxonomy: None) -> None:
    maker = _register("Acier Maker", kinds=["company"], primary_nace="25.62", technologies_of_interest=["Big data"])
    _register("Code Provider", country="DE", kinds=["technology_provider"], nace_codes=["62.10"])
    Organisation.objects.filter(pk=maker.pk).update(size_class="small")
    old = _register("Old Hub 2022")
    Organisation.objects.filter(pk=old.pk).update(is_historical=True)
    twin = _register("Acier Maker Twin")
    Organisation.objects.filter(pk=twin.pk).update(merged_into=maker)
    url = "/api/v1/organisations"
    everyone = _names(staff.get(url, {"limit": 200}))
    assert {"Acier Maker", "Code Provider"} <= everyone and not {"Old Hub 2022", "Acier Maker Twin"} & everyone
    assert _names(staff.get(url, {"kind": "technology_provider"})) == {"Code Provider"}
    assert _names(staff.get(url, {"country": "de"})) == {"Code Provider"}
    assert _names(staff.get(url, {"size_class": "small"})) == {"Acier Maker"}
    assert _names(staff.get(url, {"technology": "big DATA"})) == {"Acier Maker"}
    assert _names(staff.get(url, {"nace_section": "C"})) == {"Acier Maker"}
    assert _names(staff.get(url, {"nace_section": "K"})) == {"Code Provider"}
    assert _names(staff.get(url, {"q": "acier"})) == {"Acier Maker"}
    assert _field(staff.get(url, {"kind": "dragon"})) == "kind"
    assert _field(staff.get(url, {"technology": "telepathy"})) == "technology"
    assert _field(staff.get(url, {"nace_section": "Z"})) == "nace_section"
    assert _field(staff.get(url, {"country": "QQ"})) == "country"


def test_the_list_needs_a_bounded_number_of_queries(
    staff: Client, taxonomy: None, django_assert_max_num_queries: Any
) -> None:
    for number in range(30):
        _register(f"Company {number}", kinds=["company", "trainer"], primary_nace="25.62")
    with django_assert_max_num_queries(8):
        response = staff.get("/api/v1/organisations", {"limit": 200})
    assert response.json()["count"] >= 30
    assert all(item["kinds"] for item in response.json()["items"] if item["name"].startswith("Company "))


def test_a_member_lists_only_their_own_organisation(personas: Any, token_for: Any, org_a: Any, org_b: Any) -> None:
    client = Client(headers={"Authorization": f"Bearer {token_for(personas.a['company_member'], Role.COMPANY_MEMBER)}"})
    assert _names(client.get("/api/v1/organisations")) == {org_a.name}
    assert client.get(f"/api/v1/organisations/{org_b.pk}").status_code == 404
    assert client.post("/api/v1/organisations", {"name": "Mine"}, content_type=JSON).status_code == 404


# --- Imports -----------------------------------------------------------------------------------------------------


def _upload(client: Client, content: bytes, *, options: str = "", kind: str = "organisations") -> Any:
    data = {"file": SimpleUploadedFile("companies.csv", content), "kind": kind}
    if options:
        data["options"] = options
    return client.post("/api/v1/imports", data)


GOOD = b"name;country;vat;year;staff\nDelta SA;LU;LU15027442;2023;12\nEpsilon SARL;LU;;2023;4\n"


def test_an_import_goes_from_dry_run_to_commit_and_changes_nothing_the_second_time(staff: Client) -> None:
    bad = _upload(staff, GOOD.replace(b"LU15027442", b"LU15027443"))
    assert bad.status_code == 201, bad.content
    run = bad.json()
    assert run["status"] == "checked" and run["report"]["format"] == "csv"
    assert run["report"]["problems"] == [{"line": 2, "column": "vat", "reason": run["report"]["problems"][0]["reason"]}]
    assert "VAT" in run["report"]["problems"][0]["reason"]
    refused = staff.post(f"/api/v1/imports/{run['id']}/commit")
    assert _field(refused) == "import" and "problem" in refused.json()["detail"]
    assert not Organisation.objects.filter(name__in=["Delta SA", "Epsilon SARL"]).exists()

    good = _upload(staff, GOOD).json()
    assert good["report"]["problems"] == [] and good["report"]["counts"] == {"create": 2}
    assert good["report"]["mapping"]["vat"] == "vat"
    committed = staff.post(f"/api/v1/imports/{good['id']}/commit")
    assert committed.status_code == 200, committed.content
    assert committed.json()["status"] == "committed"
    delta = Organisation.objects.get(name="Delta SA")
    assert delta.financial_years.get().staff == 12
    assert staff.get(f"/api/v1/imports/{good['id']}").json()["report"]["committed"] == {"create": 2}

    again = _upload(staff, GOOD).json()
    assert again["report"]["counts"] == {"unchanged": 2}
    assert staff.post(f"/api/v1/imports/{again['id']}/commit").status_code == 200
    assert Organisation.objects.filter(name="Delta SA").count() == 1
    assert [r["id"] for r in staff.get("/api/v1/imports").json()["items"]] == [again["id"], good["id"], run["id"]]


def test_an_import_is_checked_again_with_another_mapping(staff: Client) -> None:
    content = b"Firma,Land\nZeta GmbH,DE\n"
    run = _upload(staff, content, options='{"mapping": {"Firma": "name"}}').json()
    assert run["report"]["counts"] == {"create": 1} and run["options"]["mapping"] == {"Firma": "name"}
    rechecked = staff.post(
        f"/api/v1/imports/{run['id']}/check", {"mapping": {"Firma": "name", "Land": "country"}}, content_type=JSON
    )
    assert rechecked.status_code == 200, rechecked.content
    assert rechecked.json()["report"]["mapping"] == {"Firma": "name", "Land": "country"}
    wrong = staff.post(f"/api/v1/imports/{run['id']}/check", {"mapping": {"Nope": "name"}}, content_type=JSON)
    assert _field(wrong) == "mapping"


def test_an_upload_with_bad_options_or_no_file_names_the_field(staff: Client) -> None:
    assert _field(_upload(staff, GOOD, options="{not json")) == "options"
    assert _field(_upload(staff, GOOD, options='{"colour": "blue"}')) == "options.colour"
    assert _field(_upload(staff, GOOD, options='{"encoding": "utf-8\\u0000"}')) == "options"
    assert _field(_upload(staff, GOOD, kind="phone_book")) == "kind"
    assert _field(_upload(staff, b"")) == "file"
    assert _field(staff.post("/api/v1/imports", {"kind": "organisations"})) == "file"
    assert not ImportRun.objects.exists()


def test_only_the_hub_manager_imports_the_european_catalogue(personas: Any, token_for: Any) -> None:
    advisor = Client(headers={"Authorization": f"Bearer {token_for(personas.hub_advisor, Role.HUB_ADVISOR)}"})
    assert _upload(advisor, GOOD, kind="edih_catalogue").status_code == 404
    assert _upload(advisor, GOOD).status_code == 201


# --- Duplicates ---------------------------------------------------------------------------------------------------


def test_duplicates_are_proposed_dismissed_and_merged(staff: Client) -> None:
    first = _register("Omega Tools SA", vat="LU15027442")
    second = _register("Omega Tools", vat="LU15027442", locality="Dudelange")
    third = _register("Sigma SARL", website="sigma.lu")
    fourth = _register("Sigma Services", website="https://www.sigma.lu/contact")
    found = staff.get("/api/v1/duplicates").json()
    pairs = {(c["first"]["id"], c["second"]["id"]): c for c in found["items"]}
    assert pairs[(first.pk, second.pk)]["decisive"] is True
    assert pairs[(third.pk, fourth.pk)]["decisive"] is False and pairs[(third.pk, fourth.pk)]["evidence"]
    assert staff.get("/api/v1/duplicates", {"decisive": True}).json()["count"] == 1

    dismissed = staff.post(
        "/api/v1/duplicates/dismiss", {"first": fourth.pk, "second": third.pk, "reason": "two firms"}, content_type=JSON
    )
    assert dismissed.status_code == 200 and DuplicateDismissal.objects.filter(first=third, second=fourth).exists()
    assert staff.get("/api/v1/duplicates", {"organisation_id": third.pk}).json()["count"] == 0

    assert _field(staff.post("/api/v1/duplicates/merge", {"kept": first.pk, "merged": 99999}, content_type=JSON)) == (
        "merged"
    )
    merged = staff.post("/api/v1/duplicates/merge", {"kept": first.pk, "merged": second.pk}, content_type=JSON)
    assert merged.status_code == 200, merged.content
    assert "locality" in merged.json()["moved"]["filled"]
    assert OrganisationMerge.objects.filter(kept=first, merged=second).exists()
    assert staff.get(f"/api/v1/organisations/{second.pk}").json()["merged_into_id"] == first.pk
    assert staff.get("/api/v1/duplicates").json()["count"] == 0
    again = staff.post("/api/v1/duplicates/merge", {"kept": first.pk, "merged": second.pk}, content_type=JSON)
    assert _field(again) == "merged"


# --- The hub directory and the taxonomy -------------------------------------------------------------------------------


def test_the_hub_directory_lists_hubs_with_their_labels_and_levels(personas: Any, taxonomy: None) -> None:
    from moselle.core.models_taxonomy import Technology
    from moselle.organisations.models import OrganisationTechnology

    hub = _register("Hub Grand Est", country="FR", kinds=["hub"])
    Organisation.objects.filter(pk=hub.pk).update(catalogue_kind="EDIH", catalogue_ref="edih-101")
    OrganisationTechnology.objects.create(
        organisation=hub, technology=Technology.objects.get(name="Additive manufacturing"), role="offer", level=4
    )
    peer = Client(headers={"Authorization": f"Bearer {personas.peer_key}"})
    listed = peer.get("/api/v1/hubs", {"country": "FR"}).json()
    assert [h["catalogue_ref"] for h in listed["items"]] == ["edih-101"]
    detail = peer.get(f"/api/v1/hubs/{hub.pk}", {"lang": "de"}).json()
    assert detail["technologies"] == [{"name": "Additive manufacturing", "label": "Additive Fertigung", "level": 4}]
    company = Organisation.objects.get(name="Alpha Manufacturing")
    assert peer.get(f"/api/v1/hubs/{company.pk}").status_code == 404


def test_taxonomy_labels_come_in_french_and_german(personas: Any, taxonomy: None) -> None:
    peer = Client(headers={"Authorization": f"Bearer {personas.peer_key}"})
    technologies = {t["name"]: t["label"] for t in peer.get("/api/v1/taxonomy/technologies", {"lang": "fr"}).json()}
    assert len(technologies) == 34 and technologies["Additive manufacturing"] == "Fabrication additive"
    german = peer.get("/api/v1/taxonomy/nace", {"revision": "2.1", "level": 1, "lang": "de"}).json()
    sections = {item["code"]: item["title"] for item in german["items"]}
    assert german["count"] == 22 and sections["C"] == "Verarbeitendes Gewerbe/Herstellung von Waren"
    under = peer.get("/api/v1/taxonomy/nace", {"revision": "2", "parent": "C", "limit": 200}).json()
    assert under["count"] == 24 and all(item["parent"] == "C" and item["level"] == 2 for item in under["items"])
    assert [i["code"] for i in peer.get("/api/v1/taxonomy/nace", {"q": "C25.62"}).json()["items"]] == ["25.62"]
    assert _field(peer.get("/api/v1/taxonomy/technologies", {"lang": "it"})) == "lang"
    assert _field(peer.get("/api/v1/taxonomy/nace", {"parent": "ZZ"})) == "parent"
    assert len(peer.get("/api/v1/taxonomy/catalogue-services").json()) == 15
    assert len(peer.get("/api/v1/taxonomy/catalogue-sectors", {"lang": "de"}).json()) == 42
    assert len(peer.get("/api/v1/taxonomy/digcomp").json()) == 25
    skills = peer.get("/api/v1/taxonomy/skills", {"q": "programming", "limit": 5}).json()
    assert skills["count"] > 0 and all("programming" in s["label"].lower() for s in skills["items"])
