"""The Commission's "services delivered" report (spec/hub-facts.md §2): the export's columns and rows, and a
sheet in that layout imported back: the dry run naming every bad row, all or nothing, safe to repeat."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest
from django.core.exceptions import ValidationError

from moselle.accounts.models import Role, User
from moselle.core.models_taxonomy import NaceCode, Technology
from moselle.organisations.models import FinancialYear, HubProfile, ImportRun, Organisation, OrganisationKind
from moselle.reporting import actions, commission
from moselle.reporting.models import ServiceRecord

pytestmark = pytest.mark.django_db

EXPECTED_COLUMNS = [
    "Customer",
    "Customer ID",
    "VAT",
    "Customer type (SME/PSO)",
    "Customer country",
    "Customer region",
    "Customer primary sector",
    "Customer staff size",
    "Service category delivered",
    "Short description of the service",
    "Technology type used",
    "Number of attendees",
    "Service price (€)",
    "Price invoiced to customer (€)",
    "Amount of the service price to be reported as aid of national or regional public nature (€)",
    "Specific information on State Aid",
    "Amount and type of investment triggered",
    "Status",
    "Dates",
    "EDIH name",
    "EDIH country",
]
AI = "Artificial Intelligence & Decision support"
CYBER = "Cybersecurity"
HPC = "High performance computing"
QUANTUM = "Quantum Technologies (computing/communication)"


# --- Fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture
def technologies(db: Any) -> None:
    for position, name in enumerate((AI, CYBER, HPC, QUANTUM)):
        Technology.objects.create(name=name, label={"en": name}, position=position)


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.HUB_ADVISOR)


def _organisation(name: str, *, kinds: tuple[str, ...] = ("company",), staff: str = "", **fields: Any) -> Organisation:
    organisation = Organisation.objects.create(name=name, **{"country": "LU", **fields})
    for kind in kinds:
        OrganisationKind.objects.create(organisation=organisation, kind=kind)
    if staff:
        FinancialYear.objects.create(organisation=organisation, year=2023, staff=Decimal("1"))
        FinancialYear.objects.create(organisation=organisation, year=2024, staff=Decimal(staff))
    return organisation


@pytest.fixture
def customers(hub: HubProfile, technologies: None) -> dict[str, Organisation]:
    """Registered customers with awkward names: accents, a public body without a Commission id, a small
    mid-cap abroad, and a demo company that must never be reported."""
    metal = NaceCode.objects.create(
        revision="2.1", code="C25", level=2, title={"en": "Manufacture of fabricated metal products"}
    )
    return {
        "precision": _organisation(
            "Société Générale de Précision Sàrl",
            vat="LU12345678",
            ec_customer_id="EC-000123",
            region="LU00",
            primary_nace=metal,
            size_class="small",
            staff="42",
        ),
        "commune": _organisation("Commune de Käerjeng", kinds=("public_body",), region="LU00", staff="120"),
        "oelmuehle": _organisation(
            "Ölmühle Müller & Söhne GmbH",
            country="DE",
            region="DEC0",
            vat="DE136695976",
            ec_customer_id="EC-000777",
            size_class="small_midcap",
            staff="260.5",
        ),
        "demo": _organisation("Demo Widgets SA", is_demo=True, staff="5"),
    }


def _record(actor: User, customer: Organisation, **data: Any) -> ServiceRecord:
    values = {
        "customer": customer,
        "category": "test_before_invest",
        "description": "Proof of concept",
        "started_on": date(2025, 3, 1),
        "ended_on": date(2025, 4, 30),
        "status": "finalised",
        **data,
    }
    return actions.record_create(actor=actor, data=values)


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:], newline="")))


def _sheet(rows: list[list[Any]], *, delimiter: str = ",", header: list[str] | None = None) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(EXPECTED_COLUMNS if header is None else header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _check(actor: User, data: bytes, filename: str = "services.csv") -> ImportRun:
    return commission.services_import_check(actor=actor, filename=filename, data=data)


def _problems(run: ImportRun) -> list[tuple[int, str, str]]:
    return [(p["line"], p["column"], p["reason"]) for p in run.report["problems"]]


# --- The export --------------------------------------------------------------------------------------------


def test_it_lists_the_columns_of_the_commission_report_in_order() -> None:
    assert list(commission.COLUMNS) == EXPECTED_COLUMNS


def test_it_writes_a_row_as_the_commission_tool_exports_it(staff: User, customers: dict[str, Organisation]) -> None:
    _record(
        staff,
        customers["precision"],
        category="skills_and_training",
        description="Cybersecurity training for the shop floor",
        technologies=[CYBER, AI],
        attendees=12,
        price="10000",
        invoiced="5000",
        aid="2500",
        aid_basis="de_minimis",
        aid_info="notice DM-2025-0001",
        status="invoiced",
    )
    _record(staff, customers["commune"], category="ecosystem_and_networking", ended_on=None, status="ongoing")
    header, precision, commune = _csv_rows(commission.services_csv(ServiceRecord.objects.all()))
    assert header == EXPECTED_COLUMNS
    assert precision == [
        "Société Générale de Précision Sàrl",
        "EC-000123",
        "LU12345678",
        "SME",
        "Luxembourg",
        "LU00",
        "C25 Manufacture of fabricated metal products",
        "10-49",
        "Training and skills development",
        "Cybersecurity training for the shop floor",
        f"{AI};{CYBER}",  # catalogue order, whatever the order they were given in
        "12",
        "10000.00",
        "5000.00",
        "2500.00",
        "De minimis: notice DM-2025-0001",
        "",
        "Finalised and invoiced",
        "2025-03-01 / 2025-04-30",
        "L-DIH",
        "Luxembourg",
    ]
    commune_pk = str(customers["commune"].pk)  # no Commission id: the platform's id stands in
    assert commune[:4] == ["Commune de Käerjeng", commune_pk, "", "PSO"]
    assert commune[7:9] == ["50-249", "Innovation ecosystem and networking"]
    assert commune[17:19] == ["Ongoing", "2025-03-01 /"]


def test_it_names_the_small_mid_cap_and_the_other_categories(staff: User, customers: dict[str, Organisation]) -> None:
    _record(staff, customers["oelmuehle"], category="support_to_find_investments")
    _record(staff, customers["oelmuehle"], category="test_before_invest", started_on=date(2025, 5, 1), ended_on=None)
    rows = list(commission.services_rows(ServiceRecord.objects.all()))
    assert [row[3:8] for row in rows] == [["Small mid-cap", "Germany", "DEC0", "", "250+"]] * 2
    assert [row[8] for row in rows] == ["Support to find investment", "Test before invest"]


def test_it_reports_counted_records_only_and_never_demo_organisations(
    staff: User, customers: dict[str, Organisation]
) -> None:
    counted = [
        _record(staff, customers["precision"], status="ongoing", ended_on=None),
        _record(staff, customers["precision"], status="finalised"),
        _record(staff, customers["commune"], status="invoiced"),
    ]
    _record(staff, customers["demo"], status="invoiced")
    proposed, rejected = (
        actions.record_propose(
            actor=staff, source="event", customer=customers["commune"], category="", description=name, started_on=day
        )
        for name, day in (("Webinar", date(2025, 2, 1)), ("Fair", date(2025, 2, 2)))
    )
    assert proposed is not None and rejected is not None
    actions.record_reject(actor=staff, record=rejected, reason="Did not attend")
    rows = list(commission.services_rows(ServiceRecord.objects.all()))
    assert len(rows) == len(counted)
    assert "Demo Widgets SA" not in {row[0] for row in rows}
    assert "Webinar" not in {row[9] for row in rows} and "Fair" not in {row[9] for row in rows}
    assert sorted(row[17] for row in rows) == ["Finalised", "Finalised and invoiced", "Ongoing"]


def test_it_orders_rows_by_start_then_by_when_they_were_logged(staff: User, customers: dict[str, Organisation]) -> None:
    _record(staff, customers["commune"], description="third", started_on=date(2025, 6, 1), ended_on=None)
    _record(staff, customers["precision"], description="first", started_on=date(2025, 1, 1))
    _record(staff, customers["oelmuehle"], description="second", started_on=date(2025, 1, 1))
    rows = list(commission.services_rows(ServiceRecord.objects.all()))
    assert [row[9] for row in rows] == ["first", "second", "third"]


def test_it_exports_in_a_fixed_number_of_queries(
    staff: User, customers: dict[str, Organisation], django_assert_num_queries: Any
) -> None:
    def export() -> list[list[commission.Cell]]:
        return list(commission.services_rows(ServiceRecord.objects.all()))

    _record(staff, customers["precision"], technologies=[AI])
    # The hub, the records with their customers, then technologies, customers' kinds and figures: five queries.
    with django_assert_num_queries(5):
        assert len(export()) == 1
    for number, customer in enumerate(list(customers.values()) * 4):
        _record(staff, customer, description=f"Service {number}", technologies=[AI, HPC, CYBER])
    with django_assert_num_queries(5):
        assert len(export()) == 13  # 16 logged, 4 of them for the demo organisation


def test_it_writes_the_workbook_with_a_bold_header_and_amounts_as_numbers(
    staff: User, customers: dict[str, Organisation]
) -> None:
    _record(staff, customers["precision"], price="1250.5", invoiced="0", aid="600", aid_basis="gber")
    _record(staff, customers["commune"], description="=HYPERLINK(1)", ended_on=None, status="ongoing")
    book = openpyxl.load_workbook(io.BytesIO(commission.services_xlsx(ServiceRecord.objects.all())))
    sheet = book.worksheets[0]
    header = sheet[1]
    assert [cell.value for cell in header] == EXPECTED_COLUMNS
    assert all(cell.font.bold for cell in header)
    price, invoiced, aid = (sheet.cell(row=2, column=number) for number in (13, 14, 15))
    assert (price.value, invoiced.value, aid.value) == (1250.5, 0, 600)
    assert {price.number_format, invoiced.number_format, aid.number_format} == {"0.00"}
    assert sheet.cell(row=2, column=12).value == 1  # attendees, a whole number
    assert sheet.cell(row=2, column=16).value == "GBER"
    assert sheet.cell(row=2, column=19).value == "2025-03-01 / 2025-04-30"
    assert sheet.cell(row=3, column=19).value == "2025-03-01 /"
    formula = sheet.cell(row=3, column=10)
    assert formula.value == "=HYPERLINK(1)" and formula.data_type == "s"  # text, never run as a formula
    csv_rows = _csv_rows(commission.services_csv(ServiceRecord.objects.all()))
    assert csv_rows[2][9] == "'=HYPERLINK(1)"
    assert commission.services_filename("xlsx").startswith("services-delivered-l-dih-")


def test_it_uses_the_configured_string_of_the_fourth_category(
    staff: User, customers: dict[str, Organisation], settings: Any
) -> None:
    settings.MOSELLE_COMMISSION_ECOSYSTEM_LABEL = "Ecosystem building and networking"
    _record(staff, customers["precision"], category="ecosystem_and_networking")
    assert next(commission.services_rows(ServiceRecord.objects.all()))[8] == "Ecosystem building and networking"
    assert commission.category_from("Ecosystem building and networking") == "ecosystem_and_networking"
    assert commission.category_from("Innovation ecosystem and networking") == "ecosystem_and_networking"


# --- The import: the round trip ----------------------------------------------------------------------------


def _input_rows(customers: dict[str, Organisation]) -> list[list[str]]:
    """Six rows in the export's own text: accents, an ongoing service, zero aid, a co-funded service, the
    platform's id for a customer without a Commission id, a description a spreadsheet would run."""
    precision = [
        "Société Générale de Précision Sàrl",
        "EC-000123",
        "LU12345678",
        "SME",
        "Luxembourg",
        "LU00",
        "C25 Manufacture of fabricated metal products",
        "10-49",
    ]
    commune = ["Commune de Käerjeng", str(customers["commune"].pk), "", "PSO", "Luxembourg", "LU00", "", "50-249"]
    oelmuehle = [
        "Ölmühle Müller & Söhne GmbH",
        "EC-000777",
        "DE136695976",
        "Small mid-cap",
        "Germany",
        "DEC0",
        "",
        "250+",
    ]
    hub = ["L-DIH", "Luxembourg"]
    return [
        [
            *precision,
            "Test before invest",
            "Digital twin of the stamping line, co-funded; phase 1 « pilote »",
            f"{AI};{HPC}",
            "1",
            "20000.00",
            "10000.00",
            "5000.00",
            "De minimis: notice DM-2025-0007",
            "",
            "Finalised and invoiced",
            "2025-01-15 / 2025-03-31",
            *hub,
        ],
        [
            *commune,
            "Training and skills development",
            'Cybersecurity awareness "basics", two sessions',
            CYBER,
            "25",
            "3000.00",
            "0.00",
            "0.00",
            "",
            "",
            "Finalised",
            "2025-02-01 / 2025-02-08",
            *hub,
        ],
        [
            *oelmuehle,
            "Support to find investment",
            "Coaching towards the EIC Accelerator",
            "",
            "2",
            "4000.00",
            "1000.00",
            "1500.00",
            "GBER: Art. 28",
            "",
            "Ongoing",
            "2025-03-01 /",
            *hub,
        ],
        [
            *precision,
            "Innovation ecosystem and networking",
            "=Matchmaking with a Saarland provider",
            QUANTUM,
            "3",
            "0.00",
            "0.00",
            "0.00",
            "",
            "",
            "Finalised",
            "2025-03-01 / 2025-03-01",
            *hub,
        ],
        [
            *commune,
            "Test before invest",
            "Pilote de jumeau numérique à Bascharage",
            f"{AI};{CYBER};{QUANTUM}",
            "4",
            "12500.50",
            "6250.25",
            "0.00",
            "De minimis",
            "",
            "Ongoing",
            "2025-04-01 / 2025-12-31",
            *hub,
        ],
        [
            *oelmuehle,
            "Test before invest",
            "Proof of concept, “predictive maintenance”",
            HPC,
            "1",
            "8000.00",
            "8000.00",
            "0.00",
            "",
            "",
            "Finalised and invoiced",
            "2025-04-01 / 2025-06-30",
            *hub,
        ],
    ]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_a_sheet_imported_then_exported_gives_the_same_rows(
    staff: User, customers: dict[str, Organisation], delimiter: str
) -> None:
    rows = _input_rows(customers)
    sheet = [row[:] for row in rows]
    sheet[3][9] = "'" + sheet[3][9]  # as the export quotes a cell a spreadsheet would run
    run = _check(staff, _sheet(sheet, delimiter=delimiter))
    assert run.report["problems"] == []
    assert run.report["counts"] == {"create": 6}
    assert ServiceRecord.objects.count() == 0  # the dry run writes nothing
    commission.services_import_commit(actor=staff, run=run)
    exported = _csv_rows(commission.services_csv(ServiceRecord.objects.all()))
    assert exported[0] == EXPECTED_COLUMNS
    assert exported[1:] == sheet  # column for column
    records = list(ServiceRecord.objects.all())
    assert {r.source for r in records} == {"import"}
    assert all(r.source_ref.startswith("commission:") for r in records)
    assert len({r.source_ref for r in records}) == 6


def test_a_workbook_imported_then_exported_gives_the_same_cells(
    staff: User, customers: dict[str, Organisation]
) -> None:
    rows = _input_rows(customers)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(EXPECTED_COLUMNS)
    for row in rows:
        sheet.append([float(v) if 12 <= n <= 14 else int(v) if n == 11 else (v or None) for n, v in enumerate(row)])
    for cell in sheet["J"]:
        cell.data_type = "s"  # the description starting with "=" is text, not a formula
    out = io.BytesIO()
    book.save(out)
    run = _check(staff, out.getvalue(), "services.xlsx")
    assert run.report["problems"] == [] and run.report["format"] == "xlsx"
    commission.services_import_commit(actor=staff, run=run)
    exported = openpyxl.load_workbook(io.BytesIO(commission.services_xlsx(ServiceRecord.objects.all())))
    given = [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]
    assert [[cell.value for cell in row] for row in exported.worksheets[0].iter_rows()] == given


def test_the_same_sheet_imported_twice_creates_nothing_the_second_time(
    staff: User, customers: dict[str, Organisation]
) -> None:
    data = _sheet(_input_rows(customers))
    commission.services_import_commit(actor=staff, run=_check(staff, data))
    assert ServiceRecord.objects.count() == 6
    again = _check(staff, data)
    assert again.report["problems"] == []
    assert again.report["counts"] == {"unchanged": 6}
    committed = commission.services_import_commit(actor=staff, run=again)
    assert committed.status == ImportRun.Status.COMMITTED
    assert ServiceRecord.objects.count() == 6
    # A new row beside the old ones: only it is created.
    more = [
        *_input_rows(customers),
        [*_input_rows(customers)[1][:9], "A second training", *_input_rows(customers)[1][10:]],
    ]
    third = _check(staff, _sheet(more))
    assert third.report["counts"] == {"unchanged": 6, "create": 1}
    commission.services_import_commit(actor=staff, run=third)
    assert ServiceRecord.objects.count() == 7


def test_it_finds_the_customer_by_id_then_vat_then_exact_name(staff: User, customers: dict[str, Organisation]) -> None:
    base = _input_rows(customers)[1]
    by_vat = ["Another name", "", "LU 1234 5678", *base[3:9], "By VAT", *base[10:]]
    by_name = ["Commune de Käerjeng", "", "", *base[3:9], "By name", *base[10:]]
    unknown_id_known_name = ["Commune de Käerjeng", "EC-999999", "", *base[3:9], "By name again", *base[10:]]
    # The platform id of an organisation that has a Commission id is not what the export writes for it.
    pk_of_precision = ["Nobody", str(customers["precision"].pk), "", *base[3:9], "By platform id", *base[10:]]
    run = _check(staff, _sheet([by_vat, by_name, unknown_id_known_name, pk_of_precision]))
    assert [(line, column) for line, column, _reason in _problems(run)] == [(5, "Customer")]
    commission.services_import_commit(actor=staff, run=_check(staff, _sheet([by_vat, by_name, unknown_id_known_name])))
    found = dict(ServiceRecord.objects.values_list("description", "customer_id"))
    assert found == {
        "By VAT": customers["precision"].pk,
        "By name": customers["commune"].pk,
        "By name again": customers["commune"].pk,
    }


def test_a_customer_two_organisations_could_be_is_a_problem(staff: User, customers: dict[str, Organisation]) -> None:
    twin = _organisation("Commune de Käerjeng", kinds=("public_body",))
    row = ["Commune de Käerjeng", "", "", *_input_rows(customers)[1][3:]]
    ((line, column, reason),) = _problems(_check(staff, _sheet([row])))
    assert (line, column) == (2, "Customer")
    assert reason.startswith("Several registered organisations match this customer") and f"#{twin.pk}" in reason


# --- The import: every bad row named ----------------------------------------------------------------------


def test_the_dry_run_names_the_line_column_and_reason_of_every_bad_row(
    staff: User, customers: dict[str, Organisation]
) -> None:
    good = _input_rows(customers)[0]

    def row(**changes: str) -> list[str]:
        changed = good[:]
        for column, value in changes.items():
            changed[EXPECTED_COLUMNS.index(column)] = value
        return changed

    rows = [
        good,  # line 2
        row(Customer="Unregistered Sàrl", **{"Customer ID": "EC-404", "VAT": ""}),  # line 3
        row(**{"Service category delivered": "Awareness raising"}),  # line 4
        row(Dates="2025-05-01 / 2025-04-01"),  # line 5
        row(**{"Service price (€)": "-100"}),  # line 6
        row(**{EXPECTED_COLUMNS[14]: "25000"}),  # line 7: aid above the 20000 price
        row(Dates="15/01/2025 / 31/03/2025"),  # line 8
        row(Dates="2025-13-01 /"),  # line 9
        row(Customer="Demo Widgets SA", **{"Customer ID": "", "VAT": ""}),  # line 10: demo data is no customer
        row(Status="Proposed"),  # line 11
        row(**{"Technology type used": "Telepathy"}),  # line 12
        row(**{"Price invoiced to customer (€)": "25000"}),  # line 13
    ]
    run = _check(staff, _sheet(rows))
    problems = _problems(run)
    by_line = {line: (column, reason) for line, column, reason in problems}
    assert len(problems) == len(by_line) == 11
    assert 2 not in by_line
    assert by_line[3][0] == "Customer" and "Unknown customer" in by_line[3][1] and "Register it first" in by_line[3][1]
    assert by_line[4][0] == "Service category delivered" and "Unknown category" in by_line[4][1]
    assert by_line[5] == ("Dates", "The service cannot end before it started.")
    assert by_line[6] == ("Service price (€)", "An amount cannot be negative.")
    assert by_line[7] == (EXPECTED_COLUMNS[14], "The aid cannot be more than the service's price.")
    assert by_line[8][0] == "Dates" and "YYYY-MM-DD" in by_line[8][1]
    assert by_line[9][0] == "Dates" and "YYYY-MM-DD" in by_line[9][1]
    assert by_line[10][0] == "Customer" and "Unknown customer" in by_line[10][1]
    assert by_line[11][0] == "Status" and "Unknown status" in by_line[11][1]
    assert by_line[12] == ("Technology type used", "Unknown technology: Telepathy.")
    assert by_line[13] == ("Price invoiced to customer (€)", "More was invoiced than the service's price.")
    assert run.report["counts"] == {"create": 1}
    with pytest.raises(ValidationError, match="11 problem"):
        commission.services_import_commit(actor=staff, run=run)
    assert ServiceRecord.objects.count() == 0  # not even the good row


def test_a_row_with_several_faults_names_each(staff: User, customers: dict[str, Organisation]) -> None:
    good = _input_rows(customers)[0]
    bad = [*good[:8], "", "", "", "many", "abc", "1,5,5", "-1", "", "", "", "", *good[19:]]
    columns = {column for _line, column, _reason in _problems(_check(staff, _sheet([bad])))}
    assert columns == {
        "Service category delivered",
        "Short description of the service",
        "Number of attendees",
        "Service price (€)",
        "Price invoiced to customer (€)",
        EXPECTED_COLUMNS[14],
        "Status",
        "Dates",
    }


def test_the_same_service_twice_in_a_sheet_is_a_problem(staff: User, customers: dict[str, Organisation]) -> None:
    row = _input_rows(customers)[1]
    run = _check(staff, _sheet([row, row]))
    assert _problems(run) == [
        (
            3,
            "Short description of the service",
            "The same service (customer, category, dates and description) is already on line 2.",
        )
    ]


def test_missing_and_unknown_columns_are_named(staff: User, customers: dict[str, Organisation]) -> None:
    header = [c for c in EXPECTED_COLUMNS if c not in ("Dates", "Status")] + ["Comments"]
    rows = [[*row[:17], *row[19:], "x"] for row in _input_rows(customers)]
    problems = _problems(_check(staff, _sheet(rows, header=header)))
    assert (1, "Comments", "“Comments” is not a column of the services delivered report.") in problems
    assert (1, "Status", "The sheet has no column “Status”.") in problems
    assert (1, "Dates", "The sheet has no column “Dates”.") in problems
    assert len(problems) == 3  # with a required column missing, the rows are not read


def test_the_official_tools_spellings_of_columns_are_read(staff: User, customers: dict[str, Organisation]) -> None:
    header = [
        "Content ID",
        *EXPECTED_COLUMNS[:3],
        "Customer type",
        *EXPECTED_COLUMNS[4:12],
        "Service price, €",
        "Price invoiced to customer, €",
        "Amount of the service price to be reported as Aid of national or regional public nature, €",
        *EXPECTED_COLUMNS[15:],
    ]
    rows = [["C-1", *row] for row in _input_rows(customers)]
    run = _check(staff, _sheet(rows, header=header))
    assert run.report["problems"] == [] and run.report["counts"] == {"create": 6}


def test_european_amounts_and_a_missing_basis_use_the_hubs_scheme(
    staff: User, customers: dict[str, Organisation]
) -> None:
    row = _input_rows(customers)[0]
    row[12:16] = ["20.000,00 €", "10 000", "5000,5", ""]
    commission.services_import_commit(actor=staff, run=_check(staff, _sheet([row], delimiter=";")))
    record = ServiceRecord.objects.get()
    assert (record.price, record.invoiced, record.aid) == (Decimal("20000"), Decimal("10000"), Decimal("5000.50"))
    assert record.aid_basis == "de_minimis"  # the seeded hub grants under de minimis


def test_nothing_is_written_when_a_row_fails_during_the_commit(
    staff: User, customers: dict[str, Organisation], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = _check(staff, _sheet(_input_rows(customers)))
    real = actions.record_create
    calls = {"n": 0}

    def failing(**kwargs: Any) -> ServiceRecord:
        calls["n"] += 1
        if calls["n"] == 4:
            raise ValidationError({"customer": "Changed since the check."})
        return real(**kwargs)

    monkeypatch.setattr(actions, "record_create", failing)
    with pytest.raises(ValidationError, match=re.escape("Line 5, Customer: Changed since the check.")):
        commission.services_import_commit(actor=staff, run=run)
    assert ServiceRecord.objects.count() == 0
    run.refresh_from_db()
    assert run.status == ImportRun.Status.CHECKED


def test_only_the_hubs_staff_import_services(
    make_user: Callable[..., User], customers: dict[str, Organisation], staff: User
) -> None:
    member = make_user(Role.COMPANY_MEMBER, customers["precision"])
    data = _sheet(_input_rows(customers))
    with pytest.raises(ValidationError):
        commission.services_import_check(actor=member, filename="s.csv", data=data)
    run = _check(staff, data)
    with pytest.raises(ValidationError):
        commission.services_import_commit(actor=member, run=run)
    assert ServiceRecord.objects.count() == 0
