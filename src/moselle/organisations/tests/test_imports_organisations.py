"""Organisation files: a dry run that lists every bad row by line, column and reason, then an all-or-nothing
commit; the same file again changes nothing; files of the wrong kind, size or encoding are refused by name."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from moselle.core.models import AuditEntry
from moselle.core.taxonomy import seed_taxonomy
from moselle.organisations import actions, imports
from moselle.organisations.models import FinancialYear, ImportRun, Organisation, OrganisationTechnology

LAST_YEAR = timezone.localdate().year - 1
LU_VAT = "LU15027442"  # 150274 mod 89 = 42
OTHER_LU_VAT = "LU12345613"  # 123456 mod 89 = 13

HEADER = ["Company", "TVA", "Country", "Effectif", "Turnover", "Year", "Code NACE", "Type", "Locality"]
GOOD_ROWS = [
    ["Acier Wiltz S.A.", "LU 1502 7442", "LU", "12", "1 250 000,50", str(LAST_YEAR), "C25.62", "company", "Wiltz"],
    ["Boulangerie Hoffmann", "", "LU", "4", "300000", str(LAST_YEAR), "10.71", "company", ""],
]


def csv_bytes(
    rows: list[list[str]], header: list[str] = HEADER, delimiter: str = ",", encoding: str = "utf-8"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def check(data: bytes, filename: str = "companies.csv", **options: Any) -> ImportRun:
    return imports.import_check(
        actor=None, kind=ImportRun.Kind.ORGANISATIONS, filename=filename, data=data, options=options
    )


def commit(run: ImportRun) -> ImportRun:
    return imports.import_commit(actor=None, run=run)


def registry() -> dict[str, Any]:
    """The registry as an import may change it, with the audit entries of everything but the imports."""
    return {
        "organisations": sorted(
            Organisation.objects.values_list("id", "name", "vat", "country", "locality", "primary_nace__code")
        ),
        "years": sorted(FinancialYear.objects.values_list("organisation_id", "year", "staff", "turnover")),
        "audit": AuditEntry.objects.exclude(action__startswith="import.").count(),
    }


def refusal(data: bytes, **options: Any) -> dict[str, list[str]]:
    before = (registry(), ImportRun.objects.count())
    with pytest.raises(ValidationError) as caught:
        check(data, **options)
    assert (registry(), ImportRun.objects.count()) == before
    return caught.value.message_dict


@pytest.fixture
def taxonomy(db: Any) -> None:
    seed_taxonomy()


def test_it_creates_organisations_with_a_year_of_figures(taxonomy: None) -> None:
    run = check(csv_bytes(GOOD_ROWS))
    assert run.report["counts"] == {"create": 2}
    assert run.report["problems"] == []
    assert run.report["mapping"]["Company"] == "name"
    assert run.report["mapping"]["Code NACE"] == "primary_nace"
    committed = commit(run)
    assert committed.status == ImportRun.Status.COMMITTED
    acier = Organisation.objects.get(vat=LU_VAT)
    assert (acier.name, acier.country, acier.locality, acier.source) == ("Acier Wiltz S.A.", "LU", "Wiltz", "import")
    assert acier.primary_nace is not None
    assert (acier.primary_nace.code, acier.primary_nace.revision) == ("25.62", "2.1")
    assert acier.kinds == ["company"]
    year = FinancialYear.objects.get(organisation=acier)
    assert (year.year, year.staff, year.turnover, year.source) == (
        LAST_YEAR,
        Decimal("12.00"),
        Decimal("1250000.50"),
        "import",
    )
    assert acier.size_class == "small"
    bakery = Organisation.objects.get(name="Boulangerie Hoffmann")
    assert FinancialYear.objects.get(organisation=bakery).staff == Decimal("4.00")


def test_it_takes_a_country_by_its_name_and_luxembourg_when_the_cell_is_empty(db: Any) -> None:
    data = csv_bytes(
        [["Acier Wiltz", "Luxembourg"], ["Aciéries de Longwy", "france"], ["Boulangerie Hoffmann", ""]],
        header=["Company", "Country"],
    )
    run = check(data)
    assert run.report["problems"] == []
    commit(run)
    assert dict(Organisation.objects.values_list("name", "country")) == {
        "Acier Wiltz": "LU",
        "Aciéries de Longwy": "FR",
        "Boulangerie Hoffmann": "LU",
    }
    problems = check(csv_bytes([["Acier Wiltz", "Atlantis"]], header=["Company", "Country"])).report["problems"]
    assert [(p["line"], p["column"]) for p in problems] == [(2, "Country")]


def test_it_writes_nothing_to_the_registry_in_a_dry_run(taxonomy: None) -> None:
    before = registry()
    run = check(csv_bytes(GOOD_ROWS))
    assert registry() == before
    assert run.status == ImportRun.Status.CHECKED
    assert bytes(run.content) == csv_bytes(GOOD_ROWS)
    assert list(AuditEntry.objects.filter(action__startswith="import.").values_list("action", flat=True)) == [
        "import.check"
    ]


def test_it_lists_every_bad_row_by_line_column_and_reason_and_refuses_to_commit(taxonomy: None) -> None:
    rows = [
        GOOD_ROWS[0],
        ["Bad VAT", "LU15027443", "LU", "3", "", str(LAST_YEAR), "", "company", ""],
        ["Negative Staff", "", "LU", "-3", "", str(LAST_YEAR), "", "company", ""],
        ["Future Year", "", "LU", "3", "", str(LAST_YEAR + 2), "", "company", ""],
        ["Unknown Code", "", "LU", "3", "", str(LAST_YEAR), "99.99", "company", ""],
        ["Unknown Kind", "", "LU", "3", "", str(LAST_YEAR), "", "spaceship", ""],
        ["Two Faults", "LU1", "LU", "-1", "", str(LAST_YEAR), "", "", ""],
    ]
    before = registry()
    run = check(csv_bytes(rows))
    found = {(p["line"], p["column"]) for p in run.report["problems"]}
    assert found == {
        (3, "TVA"),
        (4, "Effectif"),
        (5, "Year"),
        (6, "Code NACE"),
        (7, "Type"),
        (8, "TVA"),
        (8, "Effectif"),
    }
    reasons = {p["line"]: p["reason"] for p in run.report["problems"]}
    assert "VAT" in reasons[3]
    assert "negative" in reasons[4]
    assert "future" in reasons[5]
    assert "99.99" in reasons[6]
    assert "spaceship" in reasons[7]
    assert run.report["counts"] == {"create": 1}
    with pytest.raises(ValidationError) as caught:
        commit(run)
    assert "import" in caught.value.message_dict
    assert "7 problem(s)" in caught.value.message_dict["import"][0]
    assert registry() == before
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED


def test_it_changes_nothing_when_the_same_file_comes_again(taxonomy: None) -> None:
    data = csv_bytes(GOOD_ROWS)
    commit(check(data))
    after_first = registry()
    again = check(data)
    assert again.report["counts"] == {"unchanged": 2}
    assert again.report["problems"] == []
    commit(again)
    assert registry() == after_first


def test_it_updates_the_organisation_a_row_matches_by_vat(taxonomy: None) -> None:
    existing = actions.organisation_create(
        actor=None, name="Acier de Wiltz", details={"vat": LU_VAT, "website": "acier-wiltz.lu"}
    )
    run = check(csv_bytes(GOOD_ROWS[:1]))
    assert run.report["counts"] == {"update": 1}
    commit(run)
    existing.refresh_from_db()
    assert Organisation.objects.count() == 1
    assert (existing.name, existing.locality, existing.website) == (
        "Acier Wiltz S.A.",
        "Wiltz",
        "https://acier-wiltz.lu",
    )
    assert FinancialYear.objects.get(organisation=existing).staff == Decimal("12.00")
    assert AuditEntry.objects.filter(action="organisation.update", organisation=existing).count() == 1


def test_it_leaves_values_alone_where_the_file_has_an_empty_cell(taxonomy: None) -> None:
    existing = actions.organisation_create(
        actor=None, name="Boulangerie Hoffmann", details={"locality": "Ettelbruck", "primary_nace": "10.71"}
    )
    row = ["Boulangerie Hoffmann", "", "LU", "4", "300000", str(LAST_YEAR), "", "company", ""]
    commit(check(csv_bytes([row])))
    existing.refresh_from_db()
    assert existing.locality == "Ettelbruck"
    assert existing.primary_nace is not None
    assert existing.kinds == ["company"]


def test_it_lists_a_second_row_for_the_same_organisation(taxonomy: None) -> None:
    rows = [
        GOOD_ROWS[0],
        GOOD_ROWS[1],
        ["acier wiltz sa", "", "LU", "13", "", str(LAST_YEAR), "", "company", ""],
        ["Wiltz Steel", LU_VAT, "LU", "13", "", str(LAST_YEAR), "", "company", ""],
    ]
    run = check(csv_bytes(rows))
    problems = run.report["problems"]
    assert [(p["line"], p["column"]) for p in problems] == [(4, "Company"), (5, "Company")]
    assert all("line 2" in p["reason"] for p in problems)


def test_it_lists_a_second_row_for_an_organisation_already_in_the_registry(taxonomy: None) -> None:
    actions.organisation_create(actor=None, name="Acier de Wiltz", details={"vat": LU_VAT})
    rows = [GOOD_ROWS[0], ["Acier de Wiltz", "", "LU", "13", "", str(LAST_YEAR), "", "company", ""]]
    problems = check(csv_bytes(rows)).report["problems"]
    assert [(p["line"], p["column"]) for p in problems] == [(3, "Company")]


@pytest.mark.parametrize(
    ("mapping", "reason"),
    [
        ({"Company": "name", "TVA": "colour"}, "Unknown field"),
        ({"Company": "name", "Firm": "trade_name"}, "no column “Firm”"),
        ({"Company": "name", "TVA": "vat", "Type": "vat"}, "same field"),
        ({"TVA": "vat"}, "legal name"),
        ({}, "legal name"),
        (["Company"], "pairs each column"),
    ],
)
def test_it_refuses_a_bad_column_mapping(db: Any, mapping: Any, reason: str) -> None:
    errors = refusal(csv_bytes(GOOD_ROWS), mapping=mapping)
    assert list(errors) == ["mapping"]
    assert reason in errors["mapping"][0]


def test_it_keeps_a_file_without_a_name_column_to_guess_for_a_person_to_map(db: Any) -> None:
    run = check(csv_bytes([["Acier Wiltz", "LU"]], header=["Firm", "Country"]))
    assert [p["column"] for p in run.report["problems"]] == ["mapping"]
    assert "legal name" in run.report["problems"][0]["reason"]
    assert run.report["mapping"] == {"Country": "country"}
    with pytest.raises(ValidationError):
        commit(run)
    run = imports.import_recheck(actor=None, run=run, options={"mapping": {"Firm": "name", "Country": "country"}})
    assert run.report["problems"] == []
    commit(run)
    assert Organisation.objects.get().name == "Acier Wiltz"


def test_it_imports_a_file_with_the_mapping_a_person_chose(db: Any) -> None:
    data = csv_bytes([["Acier Wiltz", "Wiltz"]], header=["Firm", "Town"])
    run = check(data, mapping={"Firm": "name", "Town": "locality"})
    assert run.report["counts"] == {"create": 1}
    commit(run)
    assert Organisation.objects.get().locality == "Wiltz"


def test_it_checks_a_file_again_with_another_mapping(db: Any) -> None:
    data = csv_bytes([["Acier Wiltz", "Wiltz"]], header=["Company", "Seat"])
    run = check(data)
    assert run.report["mapping"] == {"Company": "name"}
    run = imports.import_recheck(actor=None, run=run, options={"mapping": {"Company": "name", "Seat": "locality"}})
    assert run.report["mapping"] == {"Company": "name", "Seat": "locality"}
    commit(run)
    assert Organisation.objects.get().locality == "Wiltz"


@pytest.mark.parametrize(("delimiter", "option"), [(";", "auto"), ("\t", "auto"), (";", ";"), ("\t", "tab")])
def test_it_reads_semicolon_and_tab_delimited_files(taxonomy: None, delimiter: str, option: str) -> None:
    run = check(csv_bytes(GOOD_ROWS, delimiter=delimiter), delimiter=option)
    assert run.report["problems"] == []
    assert run.report["counts"] == {"create": 2}
    assert run.report["headers"] == HEADER


def test_it_asks_for_the_encoding_of_a_windows_file(db: Any) -> None:
    data = csv_bytes(
        [["Société Générale Bank & Trust", "Esch-sur-Alzette"]], header=["Nom", "Localité"], encoding="cp1252"
    )
    errors = refusal(data)
    assert list(errors) == ["encoding"]
    assert "Windows-1252" in errors["encoding"][0]
    commit(check(data, encoding="windows-1252"))
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.locality) == ("Société Générale Bank & Trust", "Esch-sur-Alzette")


def test_it_reads_an_xlsx_workbook(taxonomy: None) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Company", "VAT", "Staff", "Turnover", "Year", "NACE"])
    sheet.append(["Acier Wiltz S.A.", LU_VAT, 12, 1250000.5, LAST_YEAR, "C25.62"])
    sheet.append(["Boulangerie Hoffmann", OTHER_LU_VAT, 4.5, 300000, LAST_YEAR, "10.71"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    run = check(buffer.getvalue(), filename="companies.xls")  # the name says nothing: the content decides
    assert run.report["format"] == "xlsx"
    assert run.report["problems"] == []
    commit(run)
    staff = dict(FinancialYear.objects.values_list("organisation__vat", "staff"))
    assert staff == {LU_VAT: Decimal("12.00"), OTHER_LU_VAT: Decimal("4.50")}
    assert FinancialYear.objects.get(organisation__vat=LU_VAT).turnover == Decimal("1250000.50")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40, "not a table"),
        (b"", "empty"),
        (b"PK\x03\x04 not really a zip", "not a table"),
    ],
)
def test_it_refuses_a_file_of_the_wrong_kind(db: Any, data: bytes, reason: str) -> None:
    errors = refusal(data)
    assert list(errors) == ["file"]
    assert reason in errors["file"][0]


def test_it_refuses_a_file_over_the_size_limit(db: Any, settings: Any) -> None:
    settings.MOSELLE_UPLOAD_MAX_BYTES = 1024
    data = csv_bytes([["Acier Wiltz", "x" * 40]] * 40, header=["Company", "Note"])
    assert len(data) > 1024
    errors = refusal(data)
    assert list(errors) == ["file"]
    assert "larger than the limit" in errors["file"][0]


def test_it_refuses_an_unknown_kind_of_import(db: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        imports.import_check(actor=None, kind="recipes", filename="x.csv", data=csv_bytes(GOOD_ROWS))
    assert "kind" in caught.value.message_dict


def test_it_refuses_to_commit_or_recheck_a_committed_import(db: Any) -> None:
    run = commit(check(csv_bytes([["Acier Wiltz"]], header=["Company"])))
    before = registry()
    with pytest.raises(ValidationError) as caught:
        commit(run)
    assert "already committed" in caught.value.message_dict["import"][0]
    with pytest.raises(ValidationError) as caught:
        imports.import_recheck(actor=None, run=run, options={"encoding": "utf-8"})
    assert "import" in caught.value.message_dict
    assert registry() == before


def test_it_drops_the_file_after_the_commit_and_never_copies_it_to_the_audit_log(db: Any) -> None:
    run = commit(check(csv_bytes([["Acier Wiltz", "anne.weber@example.lu"]], header=["Company", "Contact"])))
    run.refresh_from_db()
    assert bytes(run.content) == b""
    assert run.report["committed"] == {"create": 1}
    for entry in AuditEntry.objects.filter(action__startswith="import."):
        assert "anne.weber" not in str(entry.changes)
        assert "content" not in entry.changes


def test_it_splits_technologies_only_where_a_name_ends(taxonomy: None) -> None:
    header = ["Company", "Technologies offered"]
    rows = [
        ["Acier Wiltz", "Chemical engineering (plants, products); Robotics"],
        ["Boulangerie Hoffmann", "Robotics, Internet of Things"],
    ]
    run = check(csv_bytes(rows, header=header))
    assert run.report["problems"] == []
    commit(run)
    offered = set(OrganisationTechnology.objects.values_list("organisation__name", "technology__name"))
    assert offered == {
        ("Acier Wiltz", "Chemical engineering (plants, products)"),
        ("Acier Wiltz", "Robotics"),
        ("Boulangerie Hoffmann", "Robotics"),
        ("Boulangerie Hoffmann", "Internet of Things"),
    }


def test_it_refuses_a_row_shifted_by_an_unquoted_comma(db: Any) -> None:
    data = b"Company,Locality\r\nAcier Wiltz,Wiltz\r\nAcier, Wiltz S.A.,Wiltz\r\n"
    run = check(data)
    assert [(p["line"], p["column"]) for p in run.report["problems"]] == [(3, "")]
    assert "beyond the last named column" in run.report["problems"][0]["reason"]
    with pytest.raises(ValidationError):
        commit(run)
    assert not Organisation.objects.exists()


def test_it_shows_in_the_dry_run_what_each_row_would_change(db: Any) -> None:
    header = ["Company", "VAT", "Year", "Staff"]
    commit(check(csv_bytes([["Reviewer Alpha SARL", "LU15027442", "2024", "12"]], header=header)))
    run = check(csv_bytes([["Reviewer One S.A.", "LU15027442", "2024", "55"]], header=header))
    assert run.report["counts"] == {"update": 1}
    (row,) = run.report["changes"]
    assert row["line"] == 2 and row["action"] == "update"
    assert "Reviewer Alpha SARL → Reviewer One S.A." in row["changes"]
    assert "12.00 → 55.00" in row["changes"]
