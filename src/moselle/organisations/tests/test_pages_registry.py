"""The registry's pages: the list and its filters, the detail with the size-class reasoning, the
profile, figures, holdings and contacts, duplicates and the merge, imports, and the hub directory."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from moselle.core.models_taxonomy import Technology
from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations import actions
from moselle.organisations.models import (
    Contact,
    DuplicateDismissal,
    FinancialYear,
    ImportRun,
    Organisation,
    OrganisationTechnology,
    Ownership,
)

VALID_VAT = "LU15027442"  # 150274 mod 89 = 42
OTHER_VAT = "LU12345613"


@pytest.fixture
def taxonomy(db: Any) -> None:
    seed_taxonomy()


@pytest.fixture
def manager(personas: Any, client_for: Any) -> Client:
    client: Client = client_for(personas.hub_admin)
    return client


def register(name: str, **details: Any) -> Organisation:
    country = details.pop("country", "LU")
    return actions.organisation_create(actor=None, name=name, country=country, details=details)


def listed_names(response: Any) -> set[str]:
    return {o.name for o in response.context["organisations"]}


# --- the list -----------------------------------------------------------------------------------------


def test_it_narrows_the_list_by_each_filter(manager: Client, taxonomy: None) -> None:
    ai = Technology.objects.order_by("position").first()
    assert ai is not None
    register(
        "Acier Wiltz SA",
        kinds=["company"],
        primary_nace="25.62",
        technologies_of_interest=[ai.pk],
        vat=VALID_VAT,
    )
    register("Code Kirchberg Sàrl", kinds=["technology_provider"], primary_nace="62.10", country="LU")
    register("Stahl Trier GmbH", kinds=["company"], primary_nace="25", country="DE")
    small = register("Petit Atelier", kinds=["company"])
    actions.financial_year_set(
        actor=None, organisation=small, year=timezone.localdate().year - 1, staff="8", turnover="900000"
    )
    everyone = listed_names(manager.get("/organisations/"))
    assert {"Acier Wiltz SA", "Code Kirchberg Sàrl", "Stahl Trier GmbH", "Petit Atelier"} <= everyone

    cases = {
        "kind=technology_provider": {"Code Kirchberg Sàrl"},
        "sector=C": {"Acier Wiltz SA", "Stahl Trier GmbH"},
        f"technology={ai.pk}": {"Acier Wiltz SA"},
        "size_class=micro": {"Petit Atelier"},
        "country=DE": {"Stahl Trier GmbH"},
        "q=LU 1502 7442": {"Acier Wiltz SA"},
        "q=kirchberg": {"Code Kirchberg Sàrl"},
    }
    for query, expected in cases.items():
        response = manager.get(f"/organisations/?{query}")
        assert response.status_code == 200, query
        assert listed_names(response) == expected, query


def test_it_names_a_bad_filter_and_ignores_it(manager: Client, org_a: Organisation) -> None:
    response = manager.get("/organisations/?kind=spaceship&page=abc")
    assert response.status_code == 400
    assert "kind" in response.context["form"].errors
    assert org_a.name in listed_names(response)


def test_htmx_gets_the_results_alone_with_the_ignored_filter_named(manager: Client, org_a: Organisation) -> None:
    response = manager.get("/organisations/?kind=spaceship&q=alpha", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>" not in html and 'role="alert"' in html and "Kind:" in html
    assert listed_names(response) == {"Alpha Manufacturing"}


def test_it_lists_many_organisations_with_a_bounded_number_of_queries(
    manager: Client, taxonomy: None, django_assert_max_num_queries: Any
) -> None:
    for n in range(35):
        register(f"Company {n:02d}", kinds=["company", "trainer"], primary_nace="25.62")
    with django_assert_max_num_queries(15):
        response = manager.get("/organisations/")
    assert response.status_code == 200
    assert len(response.context["organisations"]) == Organisation.objects.count() >= 35
    assert b"trainer" in response.content and b"25.62" in response.content


def test_a_company_member_lists_only_its_own_organisations(personas: Any, client_for: Any) -> None:
    response = client_for(personas.a["company_member"]).get("/organisations/")
    assert listed_names(response) == {"Alpha Manufacturing"}


# --- the detail ---------------------------------------------------------------------------------------


def test_the_detail_shows_the_size_class_step_by_step(manager: Client, org_a: Organisation) -> None:
    year = timezone.localdate().year - 1
    partner = register("Partner Holding SA")
    actions.financial_year_set(actor=None, organisation=org_a, year=year, staff="20", turnover="3000000")
    actions.financial_year_set(actor=None, organisation=partner, year=year, staff="100", turnover="20000000")
    actions.ownership_set(actor=None, owner=partner, owned=org_a, kind="capital", percent="30")

    response = manager.get(f"/organisations/{org_a.pk}/")
    assert response.status_code == 200
    assessment = response.context["assessment"]
    assert assessment.size_class == "medium"  # 20 + 30 % of 100 = 50 staff: not small any more
    content = response.content.decode()
    assert "medium-sized enterprise" in content
    steps = [step for step in assessment.steps if "Partner Holding SA" in step]
    assert steps, assessment.steps
    assert '<ol class="steps">' in content and escape(steps[0]) in content
    assert "Partner Holding SA" in content  # also as a holder in the ownership table


def test_a_public_body_is_not_assessed(manager: Client) -> None:
    ministry = register("Ministère de l'Économie", kinds=["public_body"])
    response = manager.get(f"/organisations/{ministry.pk}/")
    assert response.status_code == 200
    assert response.context["assessment"] is None
    assert "does not apply" in response.context["no_assessment"]


# --- create and edit -----------------------------------------------------------------------------------


def test_a_malformed_vat_is_refused_on_its_field_and_nothing_is_written(manager: Client) -> None:
    before = Organisation.objects.count()
    response = manager.post(
        "/organisations/new/", {"name": "Nouvelle Société SA", "country": "LU", "vat": "LU123", "nace_revision": "2.1"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["vat"]
    assert 'id="id_vat_error"' in response.content.decode()
    assert Organisation.objects.count() == before


def test_the_hub_staff_register_an_organisation_with_its_sectors_and_technologies(
    manager: Client, taxonomy: None
) -> None:
    twins = Technology.objects.order_by("position")[:2]
    response = manager.post(
        "/organisations/new/",
        {
            "name": "Nouvelle Société SA",
            "country": "LU",
            "kinds": ["company", "trainer"],
            "vat": OTHER_VAT,
            "nace_revision": "2.1",
            "primary_nace": "25.62",
            "nace_codes": "25.62, 28.99",
            "technologies_offered": [str(twins[0].pk)],
            "technologies_of_interest": [str(twins[1].pk)],
        },
    )
    assert response.status_code == 302
    created = Organisation.objects.get(name="Nouvelle Société SA")
    assert created.kinds == ["company", "trainer"]
    assert created.primary_nace is not None and created.primary_nace.code == "25.62"
    assert sorted(created.nace_codes.values_list("code", flat=True)) == ["25.62", "28.99"]
    assert set(created.technology_rows.values_list("role", flat=True)) == {"offer", "interest"}
    detail = manager.get(response["Location"]).content.decode()
    assert "28.99" in detail and twins[0].name.split()[0] in detail


def test_an_unknown_nace_code_is_refused_on_its_field(manager: Client, taxonomy: None) -> None:
    response = manager.post(
        "/organisations/new/",
        {"name": "Nouvelle Société SA", "country": "LU", "nace_revision": "2.1", "nace_codes": "25.62, 99.99"},
    )
    assert response.status_code == 400
    assert "99.99" in " ".join(response.context["form"].errors["nace_codes"])
    assert not Organisation.objects.filter(name="Nouvelle Société SA").exists()


def test_the_organisation_admin_edits_the_profile(personas: Any, client_for: Any, org_a: Organisation) -> None:
    client = client_for(personas.a["company_member"])
    form = client.get(f"/organisations/{org_a.pk}/edit/")
    assert form.status_code == 200 and form.context["form"].initial["name"] == "Alpha Manufacturing"
    response = client.post(
        f"/organisations/{org_a.pk}/edit/",
        {
            "name": "Alpha Manufacturing",
            "trade_name": "Alpha",
            "country": "LU",
            "kinds": ["company"],
            "locality": "Esch-sur-Alzette",
            "nace_revision": "2.1",
        },
    )
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert (org_a.trade_name, org_a.locality, org_a.kinds) == ("Alpha", "Esch-sur-Alzette", ["company"])


def test_a_member_of_another_organisation_cannot_edit(personas: Any, client_for: Any, org_a: Organisation) -> None:
    client = client_for(personas.b["company_member"])
    assert client.get(f"/organisations/{org_a.pk}/edit/").status_code == 404
    data = {"name": "Taken Over", "country": "LU", "nace_revision": "2.1"}
    assert client.post(f"/organisations/{org_a.pk}/edit/", data).status_code == 404
    org_a.refresh_from_db()
    assert org_a.name == "Alpha Manufacturing"


# --- figures, holdings, contacts ------------------------------------------------------------------------


def test_negative_staff_is_refused_on_the_staff_field(manager: Client, org_a: Organisation) -> None:
    response = manager.post(f"/organisations/{org_a.pk}/years/", {"year": "2023", "staff": "-5", "source": "accounts"})
    assert response.status_code == 400
    assert response.context["form"].errors["staff"]
    assert not FinancialYear.objects.filter(organisation=org_a).exists()


def test_a_future_year_is_refused_on_the_year_field(manager: Client, org_a: Organisation) -> None:
    future = timezone.localdate().year + 1
    response = manager.post(
        f"/organisations/{org_a.pk}/years/", {"year": str(future), "staff": "5", "source": "accounts"}
    )
    assert response.status_code == 400
    assert "future" in " ".join(response.context["form"].errors["year"])
    assert not FinancialYear.objects.filter(organisation=org_a).exists()


def test_a_year_is_added_then_corrected_then_deleted(manager: Client, org_a: Organisation) -> None:
    url = f"/organisations/{org_a.pk}/years/"
    response = manager.post(url, {"year": "2023", "staff": "12,5", "turnover": "1 800 000", "source": "accounts"})
    assert response.status_code == 302 and response["Location"].endswith("#figures")
    row = FinancialYear.objects.get(organisation=org_a, year=2023)
    assert row.staff == Decimal("12.5") and row.turnover == Decimal("1800000")
    prefilled = manager.get(f"{url}?year=2023")
    assert prefilled.context["form"].initial["staff"] == Decimal("12.5")
    manager.post(url, {"year": "2023", "staff": "14", "source": "accounts"})
    row.refresh_from_db()
    assert row.staff == 14 and row.turnover is None
    assert manager.post(f"/organisations/years/{row.pk}/delete/").status_code == 302
    assert not FinancialYear.objects.filter(pk=row.pk).exists()


def test_holdings_over_100_percent_are_refused_on_the_percent_field(manager: Client, org_a: Organisation) -> None:
    first, second = register("Investor One SA"), register("Investor Two SA")
    actions.ownership_set(actor=None, owner=first, owned=org_a, kind="capital", percent="60")
    response = manager.post(
        f"/organisations/{org_a.pk}/holders/", {"owner": second.pk, "kind": "capital", "percent": "50"}
    )
    assert response.status_code == 400
    assert "100" in " ".join(response.context["form"].errors["percent"])
    assert Ownership.objects.filter(owned=org_a).count() == 1


def test_a_cycle_of_ownership_is_refused_on_the_owner_field(
    manager: Client, org_a: Organisation, org_b: Organisation
) -> None:
    actions.ownership_set(actor=None, owner=org_a, owned=org_b, kind="capital", percent="40")
    response = manager.post(
        f"/organisations/{org_a.pk}/holders/", {"owner": org_b.pk, "kind": "capital", "percent": "10"}
    )
    assert response.status_code == 400
    assert "cycle" in " ".join(response.context["form"].errors["owner"])
    assert not Ownership.objects.filter(owned=org_a).exists()


def test_a_holder_is_added_and_deleted(manager: Client, org_a: Organisation) -> None:
    angel = register("Angel Investments SA")
    response = manager.post(
        f"/organisations/{org_a.pk}/holders/",
        {
            "owner": angel.pk,
            "kind": "capital",
            "percent": "20",
            "investor_type": "business_angel",
            "invested_eur": "500000",
        },
    )
    assert response.status_code == 302
    row = Ownership.objects.get(owned=org_a)
    assert (row.owner_id, row.percent, row.investor_type) == (angel.pk, Decimal(20), "business_angel")
    detail = manager.get(f"/organisations/{org_a.pk}/").content.decode()
    assert "Angel Investments SA" in detail and "business angel" in detail
    assert manager.post(f"/organisations/holdings/{row.pk}/delete/").status_code == 302
    assert not Ownership.objects.filter(pk=row.pk).exists()


def test_an_organisation_admin_names_only_holders_it_sees(
    personas: Any, client_for: Any, org_a: Organisation, org_b: Organisation
) -> None:
    client = client_for(personas.a["company_member"])
    response = client.post(
        f"/organisations/{org_a.pk}/holders/", {"owner": org_b.pk, "kind": "capital", "percent": "5"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["owner"]
    assert not Ownership.objects.exists()


def test_a_contact_is_added_edited_and_deleted(personas: Any, client_for: Any, org_a: Organisation) -> None:
    client = client_for(personas.a["company_member"])
    added = client.post(
        f"/organisations/{org_a.pk}/contacts/",
        {"name": "Marie Schmit", "email": "Marie@Example.lu", "preferred_language": "fr", "legal_basis": "contract"},
    )
    assert added.status_code == 302
    contact = Contact.objects.get(organisation=org_a)
    assert (contact.email, contact.preferred_language) == ("marie@example.lu", "fr")
    assert "Marie Schmit" in client.get(f"/organisations/{org_a.pk}/").content.decode()

    refused = client.post(
        f"/organisations/contacts/{contact.pk}/",
        {"name": "Marie Schmit", "email": "not-an-address", "preferred_language": "fr", "legal_basis": "contract"},
    )
    assert refused.status_code == 400 and refused.context["form"].errors["email"]
    edited = client.post(
        f"/organisations/contacts/{contact.pk}/",
        {"name": "Marie Schmit", "role": "CFO", "preferred_language": "fr", "legal_basis": "contract"},
    )
    assert edited.status_code == 302
    contact.refresh_from_db()
    assert contact.role == "CFO"

    assert client.post(f"/organisations/contacts/{contact.pk}/delete/").status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_a_plain_member_sees_the_contacts_but_cannot_change_them(
    personas: Any, client_for: Any, org_a: Organisation
) -> None:
    contact = actions.contact_create(actor=None, organisation=org_a, data={"name": "Paul Weber"})
    client = client_for(personas.plain_a)
    detail = client.get(f"/organisations/{org_a.pk}/")
    assert "Paul Weber" in detail.content.decode() and not detail.context["may_edit"]
    assert client.post(f"/organisations/contacts/{contact.pk}/delete/").status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


# --- duplicates and the merge ---------------------------------------------------------------------------


def test_the_duplicates_page_lists_a_same_vat_pair_as_decisive_and_dismiss_removes_it(manager: Client) -> None:
    first = register("Muller Technics SA", vat=VALID_VAT)
    second = register("Technics Muller", vat=VALID_VAT, locality="Bettembourg")
    register("Muller Bakery", locality="Bettembourg")
    response = manager.get("/hub/duplicates/")
    assert response.status_code == 200
    candidate = response.context["candidates"][0]
    assert {candidate.first.pk, candidate.second.pk} == {first.pk, second.pk}
    assert candidate.decisive and "decisive" in response.content.decode()
    assert VALID_VAT in response.content.decode()

    dismissed = manager.post(
        "/hub/duplicates/dismiss/", {"first": first.pk, "second": second.pk, "reason": "two companies of a group"}
    )
    assert dismissed.status_code == 302
    assert DuplicateDismissal.objects.get().reason == "two companies of a group"
    again = manager.get("/hub/duplicates/")
    assert all({c.first.pk, c.second.pk} != {first.pk, second.pk} for c in again.context["candidates"])


def test_a_dismissal_of_one_organisation_with_itself_is_refused(manager: Client) -> None:
    first = register("Muller Technics SA")
    response = manager.post("/hub/duplicates/dismiss/", {"first": first.pk, "second": first.pk})
    assert response.status_code == 400
    assert not DuplicateDismissal.objects.exists()


def test_the_merge_moves_a_contact_and_a_year_and_the_loser_says_merged_into(manager: Client) -> None:
    kept = register("Muller Technics SA", vat=VALID_VAT)
    loser = register("Muller Technics", vat=VALID_VAT)
    contact = actions.contact_create(actor=None, organisation=loser, data={"name": "Jean Muller"})
    actions.financial_year_set(actor=None, organisation=loser, year=2023, staff="9")
    url = f"/hub/duplicates/{kept.pk}/{loser.pk}/merge/"
    page = manager.get(url)
    assert page.status_code == 200
    assert any(label == "contacts" and b == 1 for label, a, b in page.context["moves"])

    unconfirmed = manager.post(url, {"kept": kept.pk})
    assert unconfirmed.status_code == 400 and unconfirmed.context["form"].errors["confirm"]
    loser.refresh_from_db()
    assert loser.merged_into_id is None

    response = manager.post(url, {"kept": kept.pk, "confirm": "on"})
    assert response.status_code == 302 and response["Location"] == f"/organisations/{kept.pk}/"
    contact.refresh_from_db()
    assert contact.organisation_id == kept.pk
    assert FinancialYear.objects.get(year=2023).organisation_id == kept.pk
    shown = manager.get(f"/organisations/{loser.pk}/").content.decode()
    assert "Merged into" in shown and f'href="/organisations/{kept.pk}/"' in shown
    assert loser.name not in listed_names(manager.get("/organisations/"))


def test_the_duplicates_pages_are_for_hub_staff(personas: Any, client_for: Any) -> None:
    client = client_for(personas.a["company_member"])
    assert client.get("/hub/duplicates/").status_code == 404
    assert client.get("/hub/imports/").status_code == 404


# --- imports --------------------------------------------------------------------------------------------


def upload(client: Client, content: bytes, name: str = "companies.csv", **options: str) -> Any:
    data = {"kind": "organisations", "encoding": "auto", "delimiter": "auto", **options}
    return client.post("/hub/imports/", {**data, "file": SimpleUploadedFile(name, content, "text/csv")})


def test_a_bad_row_is_listed_with_its_line_column_and_reason_and_commit_is_disabled(manager: Client) -> None:
    content = f"name,country,vat,year,staff\nGood Co SARL,LU,{OTHER_VAT},2024,12\nBad Co SARL,LU,LU123,2024,5\n"
    response = upload(manager, content.encode())
    assert response.status_code == 302
    run = ImportRun.objects.get()
    page = manager.get(response["Location"])
    assert page.status_code == 200
    problems = page.context["problems"]
    assert problems["columns"] == ["Line", "Column", "Reason"]
    assert [row[:2] for row in problems["rows"]] == [[3, "vat"]]
    html = page.content.decode()
    assert "<td>3</td>" in html and "<td>vat</td>" in html and problems["rows"][0][2] in html
    assert not page.context["may_commit"]
    assert "disabled" in html
    refused = manager.post(f"/hub/imports/{run.pk}/commit/")
    assert refused.status_code == 400
    assert not Organisation.objects.filter(name="Good Co SARL").exists()


def test_a_good_file_commits_and_the_same_file_again_changes_nothing(manager: Client) -> None:
    content = f"name,country,vat,year,staff,turnover\nGood Co SARL,LU,{OTHER_VAT},2024,12,1500000\n".encode()
    first = upload(manager, content)
    run = ImportRun.objects.get()
    assert manager.get(first["Location"]).context["may_commit"]
    committed = manager.post(f"/hub/imports/{run.pk}/commit/")
    assert committed.status_code == 302
    created = Organisation.objects.get(name="Good Co SARL")
    assert created.vat == OTHER_VAT and created.financial_years.get().staff == 12
    done = manager.get(f"/hub/imports/{run.pk}/")
    assert "What was done" in done.content.decode()

    second = upload(manager, content)
    again = ImportRun.objects.exclude(pk=run.pk).get()
    assert second["Location"] == f"/hub/imports/{again.pk}/"
    assert again.report["counts"] == {"unchanged": 1}
    assert manager.post(f"/hub/imports/{again.pk}/commit/").status_code == 302
    assert Organisation.objects.filter(name="Good Co SARL").count() == 1


def test_a_windows_1252_file_read_as_auto_names_the_encoding(manager: Client) -> None:
    content = "name,locality\nCafé Müller SARL,Esch-sur-Alzette\n".encode("cp1252")
    response = upload(manager, content)
    assert response.status_code == 400
    message = " ".join(response.context["form"].errors["encoding"])
    assert "Windows-1252" in message
    assert not ImportRun.objects.exists()
    chosen = upload(manager, content, encoding="windows-1252")
    assert chosen.status_code == 302
    assert ImportRun.objects.get().report["counts"] == {"create": 1}


def test_columns_are_mapped_on_the_report_and_checked_again(manager: Client) -> None:
    content = b"Company;Land;Notes\nHaff Consulting;LU;good client\n"
    first = upload(manager, content, name="crm.csv")
    assert first.status_code == 302  # "Company" is recognised as the name, "Land" as the country
    run = ImportRun.objects.get()
    page = manager.get(f"/hub/imports/{run.pk}/")
    form = page.context["mapping_form"]
    assert [field.label for field in form] == ["Company", "Land", "Notes"]
    assert form["column_0"].initial == "name"
    twice = manager.post(f"/hub/imports/{run.pk}/recheck/", {"column_0": "name", "column_1": "name"})
    assert twice.status_code == 400 and "same field" in twice.content.decode()
    changed = manager.post(
        f"/hub/imports/{run.pk}/recheck/", {"column_0": "name", "column_1": "country", "column_2": "trade_name"}
    )
    assert changed.status_code == 302
    run.refresh_from_db()
    assert run.options["mapping"] == {"Company": "name", "Land": "country", "Notes": "trade_name"}


def test_a_file_without_a_name_column_is_kept_for_the_person_to_map(manager: Client) -> None:
    content = b"Bezeichnung,Ort\nHaff Consulting,Luxembourg\n"
    response = upload(manager, content, name="crm.csv")
    assert response.status_code == 302
    run = ImportRun.objects.get()
    page = manager.get(f"/hub/imports/{run.pk}/")
    mapping = page.context["mapping_form"]
    assert mapping is not None and [field.label for field in mapping] == ["Bezeichnung", "Ort"]
    assert "legal name" in page.content.decode()
    mapped = manager.post(f"/hub/imports/{run.pk}/recheck/", {"column_0": "name", "column_1": "locality"})
    assert mapped.status_code == 302
    run.refresh_from_db()
    assert run.report["counts"] == {"create": 1}
    assert run.report["problems"] == []


def test_other_report_lists_are_shown_as_tables(manager: Client) -> None:
    upload(manager, b"name\nGamma SA\n")
    run = ImportRun.objects.get()
    run.report = {**run.report, "repeats": [{"ref": "edih-12", "hub": "Hub Twelve", "label": "AI", "kept": 2}]}
    run.save(update_fields=["report"])
    page = manager.get(f"/hub/imports/{run.pk}/")
    tables = {table["key"]: table for table in page.context["extra_tables"]}
    assert [row[:2] for row in tables["changes"]["rows"]] == [[2, "Gamma SA"]]
    table = tables["repeats"]
    assert table["rows"] == [["edih-12", "Hub Twelve", "AI", 2]]
    assert "Hub Twelve" in page.content.decode()


def test_an_advisor_cannot_import_the_catalogues(personas: Any, client_for: Any) -> None:
    advisor = client_for(personas.hub_advisor)
    page = advisor.get("/hub/imports/")
    kinds = [value for value, _label in page.context["form"].fields["kind"].choices]
    assert kinds == ["organisations", "dma_results", "services_delivered"]
    response = advisor.post(
        "/hub/imports/",
        {
            "kind": "edih_catalogue",
            "encoding": "auto",
            "delimiter": "auto",
            "file": SimpleUploadedFile("x.csv", b"name\nA\n"),
        },
    )
    assert response.status_code == 400 and response.context["form"].errors["kind"]
    assert not ImportRun.objects.exists()


# --- the hub directory ----------------------------------------------------------------------------------


def test_the_hub_directory_lists_hubs_and_filters_by_country(personas: Any, client_for: Any, taxonomy: None) -> None:
    french = register("Hub Grand Est", kinds=["hub"], country="FR", website="https://hub-grand-est.example.fr")
    french.catalogue_kind = Organisation.CatalogueKind.EDIH
    french.save(update_fields=["catalogue_kind"])
    register("Hub Saar", kinds=["hub"], country="DE")
    not_a_hub = register("Not A Hub SA", kinds=["company"], country="FR")
    technology = Technology.objects.order_by("position").first()
    OrganisationTechnology.objects.create(organisation=french, technology=technology, role="offer", level=3)

    client = client_for(personas.a["observer"])
    everyone = client.get("/hubs/")
    assert everyone.status_code == 200
    names = {hub.name for hub in everyone.context["hubs"]}
    assert {"Hub Grand Est", "Hub Saar"} <= names and "Not A Hub SA" not in names
    only_fr = client.get("/hubs/?country=FR")
    assert [hub.name for hub in only_fr.context["hubs"]] == ["Hub Grand Est"]
    assert only_fr.context["hubs"][0].label_count == 1
    edih = client.get("/hubs/?status=EDIH")
    edih_names = {hub.name for hub in edih.context["hubs"]}
    assert "Hub Grand Est" in edih_names and "Hub Saar" not in edih_names

    page = client.get(f"/hubs/{french.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "https://hub-grand-est.example.fr" in html and str(technology) in html and "<td>3</td>" in html
    assert client.get(f"/hubs/{not_a_hub.pk}/").status_code == 404


def test_it_finds_a_name_written_with_accents_when_searched_without(manager: Client) -> None:
    from moselle.organisations import actions

    actions.organisation_create(actor=None, name="Précision Mosellane SARL", country="LU")
    actions.organisation_create(actor=None, name="Straßenbau Müller GmbH", country="DE")
    page = manager.get("/organisations/", {"q": "precision"})
    assert "Précision Mosellane SARL" in page.content.decode()
    page = manager.get("/organisations/", {"q": "strassenbau muller"})
    assert "Straßenbau Müller GmbH" in page.content.decode()
    assert "Précision" not in page.content.decode()


def test_it_leaves_the_european_catalogue_hubs_to_the_directory_unless_hubs_are_asked_for(manager: Client) -> None:
    from moselle.organisations import actions

    hub = actions.organisation_create(
        actor=None,
        name="Hub far away",
        country="FI",
        source=Organisation.Source.EDIH_CATALOGUE,
        details={"kinds": ["hub"]},
    )
    assert hub.name not in manager.get("/organisations/").content.decode()
    assert hub.name in manager.get("/organisations/", {"kind": "hub"}).content.decode()
    assert hub.name in manager.get("/organisations/", {"q": "far away"}).content.decode()
