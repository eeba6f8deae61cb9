"""The Commission's "services delivered" report (spec/hub-facts.md §2): the hub's service records in the
columns of the KPI tool's export, written as CSV or XLSX, and such a sheet read back into the platform.

The file keeps the official tool's English column names and values whatever the person's language, so that
a hub's own scripts, reviews and re-keying read Moselle's file as they read the tool's. Only counted records
(ongoing, finalised, finalised and invoiced) are written, never a demo organisation's.

The import goes through the registry's import flow (``organisations.imports``) under the kind ``KIND``: the
check lists every bad row with its line, column and reason; the commit creates every record or none, each
through ``actions.record_create``; a row imported before (same customer, category, dates and description)
is skipped, so the same file committed twice creates nothing the second time. The customer of every row
must be registered already (the Commission's rule too): it is found by Customer ID (the Commission customer
id, else the platform id the export writes), else by VAT number, else by exact legal name. The customer's
own columns (type, country, region, sector, staff size) describe the registered organisation: they are
written by the export and not read by the import, nor are the EDIH name and country.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, TypeAlias

import openpyxl  # type: ignore[import-untyped]
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.styles import Font  # type: ignore[import-untyped]

from moselle.accounts.access import is_hub_staff
from moselle.assessments.exports import FORMULA_STARTS
from moselle.core import tabular
from moselle.core.i18n import pick
from moselle.core.models_taxonomy import Technology
from moselle.journeys.actions.checks import Checked, check_text
from moselle.organisations import countries, imports
from moselle.organisations.access import own_hub
from moselle.organisations.models import EdihCategory, FinancialYear, HubProfile, ImportRun, Organisation
from moselle.organisations.normalise import fold
from moselle.reporting import actions
from moselle.reporting.models import AidBasis, ServiceRecord

# --- The layout ------------------------------------------------------------------------------------------

CUSTOMER = "Customer"
CUSTOMER_ID = "Customer ID"
VAT = "VAT"
CUSTOMER_TYPE = "Customer type (SME/PSO)"
CATEGORY = "Service category delivered"
DESCRIPTION = "Short description of the service"
TECHNOLOGIES = "Technology type used"
ATTENDEES = "Number of attendees"
PRICE = "Service price (€)"
INVOICED = "Price invoiced to customer (€)"
AID = "Amount of the service price to be reported as aid of national or regional public nature (€)"
AID_INFO = "Specific information on State Aid"
STATUS = "Status"
DATES = "Dates"

# The columns of the official "services delivered" export, in its order (spec/hub-facts.md §2).
COLUMNS: tuple[str, ...] = (
    CUSTOMER,
    CUSTOMER_ID,
    VAT,
    CUSTOMER_TYPE,
    "Customer country",
    "Customer region",
    "Customer primary sector",
    "Customer staff size",
    CATEGORY,
    DESCRIPTION,
    TECHNOLOGIES,
    ATTENDEES,
    PRICE,
    INVOICED,
    AID,
    AID_INFO,
    "Amount and type of investment triggered",
    STATUS,
    DATES,
    "EDIH name",
    "EDIH country",
)
# A sheet to import must have these; the others may be left out.
REQUIRED_COLUMNS = (CUSTOMER, CATEGORY, DESCRIPTION, STATUS, DATES)
# Columns of the official exports that are not in the layout and that the import accepts and leaves aside.
IGNORED_COLUMNS = ("Content ID",)
# Other names the official exports give the layout's columns (spec/dma.md §6.3).
COLUMN_ALIASES = {"Customer type": CUSTOMER_TYPE}

KIND = "services_delivered"  # the ImportRun kind of a services delivered sheet
SHEET_TITLE = "Services delivered"
SOURCE_REF_PREFIX = "commission:"
TWO_PLACES = Decimal("0.01")
TECHNOLOGY_SEPARATOR = ";"
DATE_SEPARATOR = " / "
AID_INFO_LIMIT = 200
# Identifiers looked up in one query at most; SQLite refuses statements with too many parameters.
LOOKUP_CHUNK = 500

# The category strings the official tool exports. The fourth was not seen in an export: it can be set with
# the setting named by ECOSYSTEM_SETTING, and the import also reads the platform's own English names.
CATEGORY_LABELS: dict[str, str] = {
    EdihCategory.TEST_BEFORE_INVEST: "Test before invest",
    EdihCategory.SKILLS_AND_TRAINING: "Training and skills development",
    EdihCategory.SUPPORT_TO_FIND_INVESTMENTS: "Support to find investment",
    EdihCategory.ECOSYSTEM_AND_NETWORKING: "Innovation ecosystem and networking",
}
ECOSYSTEM_SETTING = "MOSELLE_COMMISSION_ECOSYSTEM_LABEL"

S = ServiceRecord.Status
STATUS_LABELS: dict[str, str] = {
    S.ONGOING: "Ongoing",
    S.FINALISED: "Finalised",
    S.INVOICED: "Finalised and invoiced",
}
_STATUS_ALIASES = {
    "finalized": S.FINALISED,
    "finalized and invoiced": S.INVOICED,
    "finalised & invoiced": S.INVOICED,
    "finalized & invoiced": S.INVOICED,
    "invoiced": S.INVOICED,
}

# How "Specific information on State Aid" starts: the basis, then ": " and the hub's details.
BASIS_LABELS: dict[str, str] = {AidBasis.DE_MINIMIS: "De minimis", AidBasis.GBER: "GBER"}
_BASIS_ALIASES = {
    "de minimis": AidBasis.DE_MINIMIS,
    "gber": AidBasis.GBER,
    "general block exemption regulation": AidBasis.GBER,
    "no state aid": AidBasis.NONE,
    "none": AidBasis.NONE,
}

# Staff bands of the official tool's customer data (spec/dma.md §2), from the latest year of figures.
STAFF_BANDS: tuple[tuple[Decimal, str], ...] = ((Decimal(10), "1-9"), (Decimal(50), "10-49"), (Decimal(250), "50-249"))
LARGEST_STAFF_BAND = "250+"
# What "Customer type" says besides SME and PSO, by the size class the SME test gives.
CUSTOMER_TYPES = {"small_midcap": "Small mid-cap", "large": "Large"}

# One name per country code, the first the catalogues use ("Czechia", not "Czech Republic").
COUNTRY_NAMES: dict[str, str] = {code: name for name, code in reversed(list(countries.CODES.items()))}

Cell: TypeAlias = str | int | Decimal


def category_label(category: str) -> str:
    """The string the official tool exports for an EDIH category."""
    if category == EdihCategory.ECOSYSTEM_AND_NETWORKING:
        configured = str(getattr(settings, ECOSYSTEM_SETTING, "") or "").strip()
        if configured:
            return configured
    return CATEGORY_LABELS.get(category, category)


def category_from(text: str) -> str | None:
    """The EDIH category a cell names: the official string, the platform's English name or its code."""
    wanted = _key(text)
    with translation.override("en"):
        for category, label in EdihCategory.choices:
            names = (category, CATEGORY_LABELS[category], category_label(category), str(label))
            if wanted and wanted in {_key(name) for name in names}:
                return str(category)
    return None


def status_from(text: str) -> str | None:
    wanted = _key(text)
    for status, label in STATUS_LABELS.items():
        if wanted in (_key(label), status):
            return str(status)
    found = _STATUS_ALIASES.get(wanted)
    return str(found) if found else None


def country_name(code: str) -> str:
    return COUNTRY_NAMES.get(code, code)


def customer_type(organisation: Organisation) -> str:
    """PSO for a public body; otherwise SME, or what the size class says when it is not an SME."""
    if Organisation.Kind.PUBLIC_BODY in organisation.kinds:
        return "PSO"
    return CUSTOMER_TYPES.get(organisation.size_class, "SME")


def staff_size(organisation: Organisation) -> str:
    """The staff band of the latest year of figures (``financial_years`` come latest first), or "" without any."""
    latest = next(iter(organisation.financial_years.all()), None)
    if latest is None:
        return ""
    return next((band for limit, band in STAFF_BANDS if latest.staff < limit), LARGEST_STAFF_BAND)


def primary_sector(organisation: Organisation) -> str:
    nace = organisation.primary_nace
    return f"{nace.code} {pick(nace.title, 'en')}".strip() if nace is not None else ""


def aid_text(record: ServiceRecord) -> str:
    """The state-aid basis and the hub's details, e.g. "De minimis: notice DM-2026-0001"."""
    label = BASIS_LABELS.get(record.aid_basis, "")
    if label and record.aid_info:
        return f"{label}: {record.aid_info}"
    return label or record.aid_info


def dates_text(started_on: date, ended_on: date | None) -> str:
    """Start and end as "YYYY-MM-DD / YYYY-MM-DD"; the end is left empty while the service has none (ongoing)."""
    return f"{started_on.isoformat()}{DATE_SEPARATOR}{ended_on.isoformat() if ended_on else ''}".rstrip()


# --- Export ----------------------------------------------------------------------------------------------


def export_queryset(records: QuerySet[ServiceRecord]) -> QuerySet[ServiceRecord]:
    """The records a report holds, with everything a row reads loaded in a fixed number of queries, ordered
    by start date, then by when they were logged (the database's id, the same on SQLite and PostgreSQL)."""
    return (
        records.filter(status__in=ServiceRecord.COUNTED, customer__is_demo=False)
        .select_related("customer", "customer__primary_nace", "hub_service", "partner")
        .prefetch_related(
            Prefetch("technologies", queryset=Technology.objects.order_by("position", "name")),
            "customer__kind_rows",
            Prefetch("customer__financial_years", queryset=FinancialYear.objects.order_by("-year")),
        )
        .order_by("started_on", "pk")
    )


def services_rows(records: QuerySet[ServiceRecord]) -> Iterator[list[Cell]]:
    """One row per counted record in the order of ``COLUMNS``: text, the attendees as a whole number and the
    amounts as Decimals with two places.

    "Amount and type of investment triggered" sums the investments linked to the record (``funding.Investment``,
    the one table the KPIs read too) by type, in the types' order and in English whatever the language, e.g.
    "15000.00 EUR public grant; 5000.00 EUR own funds"; empty when none is linked. The sums are read with the
    records, in the same query (one subquery per type), so the export keeps its fixed number of queries.
    """
    from moselle.funding.models import Investment  # funding's table; funding itself builds on reporting

    hub: HubProfile | None = own_hub()
    edih_name, edih_country = (hub.edih_name, country_name(hub.country)) if hub is not None else ("", "")
    with translation.override("en"):
        kinds = [(f"investment_{kind}", str(label)) for kind, label in Investment.Kind.choices]
    sums = {
        name: Subquery(
            Investment.objects.filter(service_record=OuterRef("pk"), kind=name.removeprefix("investment_"))
            .order_by()
            .values("service_record")
            .annotate(total=Sum("amount"))
            .values("total"),
            output_field=DecimalField(max_digits=16, decimal_places=2),
        )
        for name, _label in kinds
    }
    for record in export_queryset(records).annotate(**sums):
        customer = record.customer
        investments = "; ".join(
            f"{Decimal(getattr(record, name)).quantize(TWO_PLACES)} EUR {label}"
            for name, label in kinds
            if getattr(record, name) is not None
        )
        yield [
            customer.name,
            customer.ec_customer_id or str(customer.pk),
            customer.vat,
            customer_type(customer),
            country_name(customer.country),
            customer.region,
            primary_sector(customer),
            staff_size(customer),
            category_label(record.category),
            record.description,
            TECHNOLOGY_SEPARATOR.join(technology.name for technology in record.technologies.all()),
            record.attendees,
            Decimal(record.price).quantize(TWO_PLACES),
            Decimal(record.invoiced).quantize(TWO_PLACES),
            Decimal(record.aid).quantize(TWO_PLACES),
            aid_text(record),
            investments,
            STATUS_LABELS[record.status],
            dates_text(record.started_on, record.ended_on),
            edih_name,
            edih_country,
        ]


def csv_cell(value: Cell) -> str:
    """A cell as CSV text; a text a spreadsheet would run as a formula gets an apostrophe before it, which the
    import removes again."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, int):
        return str(value)
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_bytes(rows: Iterable[Iterable[Cell]]) -> bytes:
    """A sheet in the layout as CSV: the header, then the rows; UTF-8 with a byte-order mark (so that Excel
    reads the accents right), commas, CRLF."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def services_csv(records: QuerySet[ServiceRecord]) -> bytes:
    """The report as CSV."""
    return csv_bytes(services_rows(records))


def _xlsx_cell(sheet: object, value: Cell, *, bold: bool = False) -> WriteOnlyCell:
    if isinstance(value, Decimal):
        cell = WriteOnlyCell(sheet, value=float(value))
        cell.number_format = "0.00"
        return cell
    if isinstance(value, int):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=value or None)
    if value:
        cell.data_type = "s"  # never a formula, even when a description starts with "="
    if bold:
        cell.font = Font(bold=True)
    return cell


def services_xlsx(records: QuerySet[ServiceRecord]) -> bytes:
    """The report as an XLSX workbook of one sheet: a bold header row, amounts as numbers with two decimals,
    the dates as text in the "Dates" column."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=SHEET_TITLE)
    sheet.append([_xlsx_cell(sheet, column, bold=True) for column in COLUMNS])
    for row in services_rows(records):
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def services_filename(extension: str) -> str:
    """E.g. ``services-delivered-l-dih-2026-05-04.xlsx``."""
    hub = own_hub()
    name = slugify(hub.edih_name if hub is not None else "")[:60] or "hub"
    return f"services-delivered-{name}-{timezone.localdate().isoformat()}.{extension}"


# --- Import: reading a row -------------------------------------------------------------------------------

# The field of ``actions.record_create`` each column is read into, for naming the column of a problem.
FIELD_COLUMNS = {
    "customer": CUSTOMER,
    "customer_id": CUSTOMER_ID,
    "vat": VAT,
    "category": CATEGORY,
    "description": DESCRIPTION,
    "technologies": TECHNOLOGIES,
    "attendees": ATTENDEES,
    "price": PRICE,
    "invoiced": INVOICED,
    "aid": AID,
    "aid_basis": AID_INFO,
    "aid_info": AID_INFO,
    "status": STATUS,
    "started_on": DATES,
    "ended_on": DATES,
    "dates": DATES,
}


def _key(text: str) -> str:
    """A header or value compared without case, accents, brackets, commas or the euro sign's spelling:
    "Service price (€)" and "Service price, €" are one column."""
    folded = fold(text).replace("€", " eur ").replace("(", " ").replace(")", " ").replace(",", " ")
    return " ".join(folded.split())


_COLUMN_KEYS = {_key(column): column for column in COLUMNS} | {
    _key(alias): column for alias, column in COLUMN_ALIASES.items()
}
_IGNORED_KEYS = {_key(column) for column in IGNORED_COLUMNS}


def _unquoted(value: str) -> str:
    """A text cell without the apostrophe the export puts before a leading formula character."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _amount_text(value: str) -> str:
    """An amount as ``actions.money`` reads it: without a euro sign or spaces, with a decimal point (a
    spreadsheet in most of Europe writes 1.250,50)."""
    text = value.replace("€", "").replace("EUR", "").replace(" ", "").replace("\u00a0", "").strip()
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif "," in text:
        text = text.replace(",", ".")
    return text


def _aid_from(text: str) -> tuple[str | None, str]:
    """The basis the cell names (None when it does not say) and the hub's details after it."""
    text = " ".join(text.split())
    head, colon, rest = text.partition(":")
    named = _BASIS_ALIASES.get(_key(head))
    if named is not None:
        return str(named), rest.strip() if colon else ""
    folded = fold(text)
    if "de minimis" in folded:
        return str(AidBasis.DE_MINIMIS), text
    if "gber" in folded or "block exemption" in folded:
        return str(AidBasis.GBER), text
    return None, text


def _dates_from(text: str) -> tuple[date | None, date | None]:
    """Start and end from "YYYY-MM-DD / YYYY-MM-DD"; the end may be left empty."""
    parts = [part.strip() for part in text.split("/")]
    if not text.strip() or len(parts) > 2:
        raise ValidationError(
            {
                "started_on": _(
                    "Give the dates as “YYYY-MM-DD / YYYY-MM-DD” (start / end; leave the end empty while the "
                    "service is ongoing)."
                )
            }
        )
    checked = Checked({"started_on": parts[0], "ended_on": parts[1] if len(parts) == 2 else ""})
    started = checked.take("started_on", lambda v: actions.a_date(v, "started_on"))
    ended = checked.take("ended_on", lambda v: actions.a_date(v, "ended_on", required=False))
    checked.done()
    return started, ended


def _technology_names(text: str, known: Mapping[str, Technology]) -> list[str]:
    names = [name.strip() for name in text.split(TECHNOLOGY_SEPARATOR) if name.strip()]
    unknown = [name for name in names if name.casefold() not in known]
    if unknown:
        raise ValidationError(
            {"technologies": _("Unknown technology: %(names)s.") % {"names": ", ".join(unknown)[:120]}}
        )
    return [known[name.casefold()].name for name in names]


@dataclass
class _Registry:
    """The registered organisations a file's rows may name, by Commission id, platform id, VAT and name."""

    by_ec_id: dict[str, list[Organisation]] = field(default_factory=dict)
    by_pk: dict[int, Organisation] = field(default_factory=dict)
    by_vat: dict[str, list[Organisation]] = field(default_factory=dict)
    by_name: dict[str, list[Organisation]] = field(default_factory=dict)

    @classmethod
    def load(cls, ids: set[str], vats: set[str], names: set[str]) -> _Registry:
        registry = cls()
        live = Organisation.objects.filter(merged_into__isnull=True, is_historical=False, is_demo=False)
        pks = {int(value) for value in ids if value.isdecimal() and len(value) < 12}
        lookups: list[tuple[str, set[Any]]] = [
            ("ec_customer_id__in", ids),
            ("pk__in", pks),
            ("vat__in", vats),
            ("name__in", names),
        ]
        found: dict[int, Organisation] = {}
        for lookup, values in lookups:
            for chunk in _chunks(sorted(values)):
                found.update((o.pk, o) for o in live.filter(Q(**{lookup: chunk})))
        for organisation in sorted(found.values(), key=lambda o: o.pk):
            if organisation.ec_customer_id:
                registry.by_ec_id.setdefault(organisation.ec_customer_id, []).append(organisation)
            registry.by_pk[organisation.pk] = organisation
            if organisation.vat:
                registry.by_vat.setdefault(organisation.vat, []).append(organisation)
            registry.by_name.setdefault(" ".join(organisation.name.split()), []).append(organisation)
        return registry

    def match(self, customer_id: str, vat: str, name: str) -> tuple[list[Organisation], str]:
        """The organisations the row names, and the field that named them."""
        if customer_id:
            if customer_id in self.by_ec_id:
                return self.by_ec_id[customer_id], "customer_id"
            # The export writes the platform's id only for an organisation without a Commission id.
            by_pk = self.by_pk.get(int(customer_id)) if customer_id.isdecimal() and len(customer_id) < 12 else None
            if by_pk is not None and not by_pk.ec_customer_id:
                return [by_pk], "customer_id"
        if vat and vat in self.by_vat:
            return self.by_vat[vat], "vat"
        if name and name in self.by_name:
            return self.by_name[name], "customer"
        return [], "customer"


def _chunks(values: list[Any]) -> Iterator[list[Any]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def _compact_vat(value: str) -> str:
    return value.strip().upper().replace(" ", "").replace(".", "").replace("-", "")


def source_ref(customer_id: int, category: str, started_on: date, ended_on: date | None, description: str) -> str:
    """The stable key of an imported row: its customer, category, dates and description (spaces evened out)."""
    content = "\x1f".join(
        [
            str(customer_id),
            category,
            started_on.isoformat(),
            ended_on.isoformat() if ended_on else "",
            " ".join(description.split()),
        ]
    )
    return SOURCE_REF_PREFIX + hashlib.sha256(content.encode("utf-8")).hexdigest()[:40]


@dataclass
class _Row:
    """One row of the sheet, read and checked: what ``record_create`` gets, or why it cannot."""

    line: int
    customer: Organisation | None = None
    data: dict[str, Any] = field(default_factory=dict)
    ref: str = ""
    ok: bool = True


class _Reader:
    """Reads the rows of one sheet against the registry, the technologies and the hub's state-aid basis."""

    def __init__(self, table: tabular.Table, columns: dict[str, str], plan: imports.Plan) -> None:
        self.columns = columns  # layout column -> the header as the file writes it
        self.plan = plan
        self.cells = [
            (row.line, {column: _unquoted(row.values.get(header, "")) for column, header in columns.items()})
            for row in table.rows
        ]
        self.registry = _Registry.load(
            {cells.get(CUSTOMER_ID, "").strip() for _line, cells in self.cells} - {""},
            {_compact_vat(cells.get(VAT, "")) for _line, cells in self.cells} - {""},
            {" ".join(cells.get(CUSTOMER, "").split()) for _line, cells in self.cells} - {""},
        )
        self.technologies = {t.name.casefold(): t for t in Technology.objects.only("id", "name")}
        hub = own_hub()
        self.default_basis = hub.state_aid_basis if hub is not None else AidBasis.DE_MINIMIS
        self.today = timezone.localdate()

    def problem(self, line: int, column: str, reason: str) -> None:
        self.plan.problem(line, self.columns.get(column, column), reason)

    def rows(self) -> list[_Row]:
        return [self.read(line, cells) for line, cells in self.cells]

    def read(self, line: int, cells: Mapping[str, str]) -> _Row:
        row = _Row(line=line)
        basis, info = _aid_from(cells.get(AID_INFO, ""))
        checked = Checked(
            {
                "customer": cells,
                "category": cells.get(CATEGORY, ""),
                "description": cells.get(DESCRIPTION, ""),
                "technologies": cells.get(TECHNOLOGIES, ""),
                "attendees": cells.get(ATTENDEES, ""),
                "price": _amount_text(cells.get(PRICE, "")),
                "invoiced": _amount_text(cells.get(INVOICED, "")),
                "aid": _amount_text(cells.get(AID, "")),
                "aid_info": info,
                "status": cells.get(STATUS, ""),
                "dates": cells.get(DATES, ""),
            }
        )
        row.customer = checked.take("customer", self.customer)
        category = checked.take("category", self.category)
        description = checked.take(
            "description",
            lambda v: check_text(
                v, "description", actions.DESCRIPTION_LIMIT, required=True, missing=_("Say what was delivered.")
            ),
        )
        checked.take("technologies", lambda v: _technology_names(v, self.technologies))
        checked.take("attendees", actions.attendees_of)
        price = checked.take("price", lambda v: actions.money(v, "price"))
        invoiced = checked.take("invoiced", lambda v: actions.money(v, "invoiced"))
        aid = checked.take("aid", lambda v: actions.money(v, "aid"))
        if basis is None:
            # The sheet does not say: aid given is under the scheme the hub grants by (spec §4).
            basis = str(self.default_basis) if aid else str(AidBasis.NONE)
        checked.take("aid_info", lambda v: check_text(v, "aid_info", AID_INFO_LIMIT))
        status = checked.take("status", self.status)
        dates = checked.take("dates", _dates_from)
        started, ended = dates if dates is not None else (None, None)
        if started and ended and ended < started:
            checked.add("ended_on", _("The service cannot end before it started."))
        if started and started > self.today and status in (S.FINALISED, S.INVOICED):
            checked.add("status", _("A service that has not started cannot be finalised."))
        if price is not None and invoiced is not None and invoiced > price:
            checked.add("invoiced", _("More was invoiced than the service's price."))
        if price is not None and aid is not None and aid > price:
            checked.add("aid", _("The aid cannot be more than the service's price."))
        if aid and basis == AidBasis.NONE:
            checked.add("aid_basis", _("Aid was given: say under which basis (de minimis or the GBER)."))
        for name, messages in checked.errors.items():
            for message in messages:
                self.problem(line, FIELD_COLUMNS.get(name, name), message)
        if checked.errors or row.customer is None or category is None or started is None:
            row.ok = False
            return row
        row.data = {
            "customer": row.customer,
            "category": category,
            "description": description,
            "technologies": checked.values["technologies"],
            "started_on": started,
            "ended_on": ended,
            "attendees": checked.values["attendees"],
            "price": price,
            "invoiced": invoiced,
            "aid": aid,
            "aid_basis": basis,
            "aid_info": checked.values["aid_info"],
            "status": status,
        }
        row.ref = source_ref(row.customer.pk, category, started, ended, description)
        return row

    def customer(self, cells: Mapping[str, str]) -> Organisation:
        name = " ".join(cells.get(CUSTOMER, "").split())
        customer_id = cells.get(CUSTOMER_ID, "").strip()
        vat = _compact_vat(cells.get(VAT, ""))
        if not (name or customer_id or vat):
            raise ValidationError({"customer": _("Name the customer.")})
        candidates, by = self.registry.match(customer_id, vat, name)
        if len(candidates) > 1:
            which = ", ".join(f"{o.name} (#{o.pk})" for o in candidates[:5])
            raise ValidationError(
                {
                    by: _("Several registered organisations match this customer: %(which)s. Merge them first.")
                    % {"which": which}
                }
            )
        if not candidates:
            shown = name or customer_id or vat
            raise ValidationError(
                {
                    "customer": _(
                        "Unknown customer “%(customer)s”: no registered organisation has this Customer ID, VAT "
                        "number or name. Register it first."
                    )
                    % {"customer": shown[:80]}
                }
            )
        return candidates[0]

    @staticmethod
    def category(value: str) -> str:
        category = category_from(value)
        if category is None:
            choices = ", ".join(f"“{category_label(c)}”" for c in EdihCategory.values)
            if not value.strip():
                raise ValidationError({"category": _("Give the category: one of %(choices)s.") % {"choices": choices}})
            raise ValidationError(
                {
                    "category": _("Unknown category “%(value)s”: use one of %(choices)s.")
                    % {"value": value.strip()[:60], "choices": choices}
                }
            )
        return category

    @staticmethod
    def status(value: str) -> str:
        status = status_from(value)
        if status is None:
            choices = ", ".join(f"“{label}”" for label in STATUS_LABELS.values())
            if not value.strip():
                raise ValidationError({"status": _("Give the status: one of %(choices)s.") % {"choices": choices}})
            raise ValidationError(
                {
                    "status": _("Unknown status “%(value)s”: use one of %(choices)s.")
                    % {"value": value.strip()[:40], "choices": choices}
                }
            )
        return status


# --- Import: the plan ------------------------------------------------------------------------------------


def _columns(table: tabular.Table, plan: imports.Plan) -> dict[str, str] | None:
    """The layout's columns the file has (layout name -> the file's header), or None when a required one is
    missing. A header outside the layout is a problem of line 1; every one is listed."""
    found: dict[str, str] = {}
    for header in table.headers:
        key = _key(header)
        column = _COLUMN_KEYS.get(key)
        if column is None:
            if key not in _IGNORED_KEYS:
                plan.problem(
                    1,
                    header,
                    _("“%(header)s” is not a column of the services delivered report.") % {"header": header[:80]},
                )
            continue
        if column in found:
            plan.problem(1, header, _("The column “%(column)s” appears twice.") % {"column": column})
            continue
        found[column] = header
    missing = [column for column in REQUIRED_COLUMNS if column not in found]
    for column in missing:
        plan.problem(1, column, _("The sheet has no column “%(column)s”.") % {"column": column})
    return None if missing else found


def plan_services(table: tabular.Table, options: Mapping[str, Any], data: bytes) -> imports.Plan:
    """Service records from a sheet in the layout of the Commission's services delivered report."""
    del options, data  # the layout is fixed; the first sheet of a workbook is the one read
    plan = imports.Plan()
    columns = _columns(table, plan)
    for problem in table.problems:
        plan.problem(problem.line, problem.column, problem.reason)
    if columns is None:
        return plan
    reader = _Reader(table, columns, plan)
    rows = reader.rows()
    refs = sorted({row.ref for row in rows if row.ok})
    imported: set[str] = set()
    for chunk in _chunks(refs):
        imported.update(ServiceRecord.objects.filter(source_ref__in=chunk).values_list("source_ref", flat=True))
    seen: dict[str, int] = {}
    changes: list[dict[str, Any]] = []
    for row in rows:
        if not row.ok or row.customer is None:
            continue
        if row.ref in seen:
            reader.problem(
                row.line,
                DESCRIPTION,
                _("The same service (customer, category, dates and description) is already on line %(line)d.")
                % {"line": seen[row.ref]},
            )
            continue
        seen[row.ref] = row.line
        change = {
            "line": row.line,
            "organisation": f"{row.customer.name} (#{row.customer.pk})",
            "changes": f"{category_label(row.data['category'])}, "
            f"{dates_text(row.data['started_on'], row.data['ended_on'])}",
        }
        if row.ref in imported:
            plan.count("unchanged")
            changes.append({**change, "action": str(_("imported before"))})
            continue
        plan.count("create")
        plan.steps.append(_creator(row, columns))
        changes.append({**change, "action": str(_("create"))})
    plan.details["changes"] = changes
    return plan


def _creator(row: _Row, columns: Mapping[str, str]) -> Callable[[Any], None]:
    def step(actor: Any) -> None:
        try:
            actions.record_create(actor=actor, data=row.data, source=ServiceRecord.Source.IMPORT, source_ref=row.ref)
        except ValidationError as error:
            # The check passed, so this is the actor's right or a change since the check: say which row.
            faults = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
            raise ValidationError(
                {
                    "import": [
                        _("Line %(line)d, %(column)s: %(reason)s")
                        % {
                            "line": row.line,
                            "column": columns.get(FIELD_COLUMNS.get(name, name), FIELD_COLUMNS.get(name, name)),
                            "reason": message,
                        }
                        for name, messages in faults
                        for message in messages
                    ]
                }
            ) from error

    return step


imports.register_planner(KIND, plan_services)


# --- What a view calls -----------------------------------------------------------------------------------


def _require_staff(actor: Any) -> None:
    if not is_hub_staff(actor):
        raise ValidationError({"file": _("Only the hub's staff import the services delivered.")})


def services_import_check(
    *, actor: Any, filename: str, data: bytes, options: Mapping[str, Any] | None = None
) -> ImportRun:
    """The dry run: read the sheet and store the report of every row (``run.report["problems"]`` lists each bad
    row's line, column and reason; ``run.report["counts"]`` what the commit would create); nothing is written.
    ``options`` may give the CSV's ``encoding`` and ``delimiter`` (by default both are recognised)."""
    _require_staff(actor)
    return imports.import_check(actor=actor, kind=KIND, filename=filename, data=data, options=options)


def services_import_commit(*, actor: Any, run: ImportRun) -> ImportRun:
    """Create the sheet's records, every one or none; refused while the check lists problems."""
    _require_staff(actor)
    if run.kind != KIND:
        raise ValidationError({"import": _("This import is not a services delivered report.")})
    return imports.import_commit(actor=actor, run=run)
