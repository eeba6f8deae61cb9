"""Bringing files into the registry: check first (a dry run that lists every bad row), then commit
all or nothing. The same file committed again changes nothing.

Three kinds of file: organisations in any CSV or XLSX layout (with a column mapping), the European
EDIH catalogue export, and the 2022 S3 hub catalogue. Each kind has a planner that reads the file
and says, row by row, what it would create or change; ``import_check`` stores that report with the
file, ``import_commit`` plans again inside one transaction and applies the plan.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from moselle.core import audit, tabular
from moselle.core.models_taxonomy import Technology
from moselle.organisations import actions, countries, normalise
from moselle.organisations.models import FinancialYear, ImportRun, Organisation

# Fields a column of an organisations file can be mapped to.
ORGANISATION_COLUMNS: dict[str, Any] = {
    "name": gettext_lazy("legal name"),
    "trade_name": gettext_lazy("trade name"),
    "country": gettext_lazy("country"),
    "region": gettext_lazy("region (NUTS)"),
    "street": gettext_lazy("street"),
    "postcode": gettext_lazy("postcode"),
    "locality": gettext_lazy("locality"),
    "website": gettext_lazy("website"),
    "working_languages": gettext_lazy("working languages"),
    "register_id": gettext_lazy("national register id"),
    "vat": gettext_lazy("VAT number"),
    "founded_on": gettext_lazy("founded on"),
    "pic": gettext_lazy("PIC"),
    "ec_customer_id": gettext_lazy("Commission customer id"),
    "ec_dma_id": gettext_lazy("Commission DMA id"),
    "kinds": gettext_lazy("kinds"),
    "primary_nace": gettext_lazy("primary sector (NACE)"),
    "nace_codes": gettext_lazy("NACE sectors"),
    "technologies_offered": gettext_lazy("technologies on offer"),
    "technologies_of_interest": gettext_lazy("technologies of interest"),
    "year": gettext_lazy("financial year"),
    "staff": gettext_lazy("staff (annual work units)"),
    "turnover": gettext_lazy("turnover (EUR)"),
    "balance_sheet": gettext_lazy("balance-sheet total (EUR)"),
    "estimated": gettext_lazy("estimated"),
}
_FIGURE_COLUMNS = ("year", "staff", "turnover", "balance_sheet", "estimated")
_LIST_COLUMNS = ("kinds", "nace_codes", "technologies_offered", "technologies_of_interest", "working_languages")
_TRUE = {"1", "yes", "y", "true", "x", "oui", "ja", "estimated", "estimate"}


@dataclass
class Plan:
    """What a file would do: counts, row problems, and the steps to apply on commit."""

    counts: dict[str, int] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    steps: list[Callable[[Any], None]] = field(default_factory=list)

    def count(self, what: str, by: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + by

    def problem(self, line: int, column: str, reason: str) -> None:
        self.problems.append({"line": line, "column": column, "reason": str(reason)})

    def report(self) -> dict[str, Any]:
        return {"counts": self.counts, "problems": self.problems, **self.details}


# A planner gets the file's first table and the run's options, and the file's bytes for what the table
# does not hold (e.g. the other sheets of a workbook).
Planner = Callable[[tabular.Table, Mapping[str, Any], bytes], Plan]


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Map file columns to registry fields when the header names one (in English, French or German)."""
    aliases = {
        "name": {
            "name",
            "legal name",
            "company",
            "company name",
            "organisation",
            "organization",
            "raison sociale",
            "nom",
            "firma",
            "unternehmen",
            "customer",
        },
        "trade_name": {"trade name", "nom commercial", "handelsname"},
        "country": {"country", "pays", "land", "customer country"},
        "region": {"region", "nuts", "région", "customer region"},
        "street": {"street", "address", "adresse", "rue", "strasse", "straße"},
        "postcode": {"postcode", "zip", "postal code", "code postal", "plz", "postleitzahl"},
        "locality": {"locality", "city", "town", "localité", "ville", "ort", "stadt"},
        "website": {"website", "web", "url", "site web", "webseite"},
        "working_languages": {"languages", "working languages", "langues", "sprachen"},
        "register_id": {"register id", "rcs", "register", "registre", "handelsregister", "company number"},
        "vat": {"vat", "vat number", "tva", "ust-idnr", "ust id", "numéro de tva"},
        "founded_on": {
            "founded on",
            "founded",
            "foundation date",
            "date of incorporation",
            "incorporation date",
            "date de création",
            "date de constitution",
            "gründungsdatum",
            "gegründet",
        },
        "pic": {"pic"},
        "ec_customer_id": {"customer id"},
        "ec_dma_id": {"dma id", "sme id"},
        "kinds": {"kind", "kinds", "type", "types"},
        "primary_nace": {"nace", "primary nace", "primary sector", "customer primary sector", "code nace"},
        "nace_codes": {"nace codes", "sectors"},
        "technologies_offered": {"technologies offered", "technologies on offer"},
        "technologies_of_interest": {"technologies of interest", "technologies"},
        "year": {"year", "financial year", "année", "jahr", "exercice"},
        "staff": {"staff", "awu", "employees", "headcount", "effectif", "mitarbeiter", "customer staff size"},
        "turnover": {"turnover", "chiffre d'affaires", "umsatz"},
        "balance_sheet": {"balance sheet", "balance sheet total", "total du bilan", "bilanzsumme"},
        "estimated": {"estimated", "estimate", "estimé", "geschätzt"},
    }
    mapping: dict[str, str] = {}
    for header in headers:
        key = " ".join(normalise.fold(header).replace("_", " ").split())
        for field_name, names in aliases.items():
            if key in {normalise.fold(n) for n in names} and field_name not in mapping.values():
                mapping[header] = field_name
                break
    return mapping


def _clean_mapping(table: tabular.Table, options: Mapping[str, Any]) -> dict[str, str]:
    raw = options.get("mapping")
    mapping = guess_mapping(table.headers) if raw is None else raw
    if not isinstance(mapping, Mapping):
        raise ValidationError({"mapping": _("The mapping pairs each column of the file with a field.")})
    cleaned: dict[str, str] = {}
    for column, target in mapping.items():
        if not target:
            continue
        if column not in table.headers:
            raise ValidationError({"mapping": _("The file has no column “%(column)s”.") % {"column": str(column)[:80]}})
        if target not in ORGANISATION_COLUMNS:
            raise ValidationError({"mapping": _("Unknown field “%(field)s”.") % {"field": str(target)[:40]}})
        if target in cleaned.values():
            raise ValidationError(
                {"mapping": _("Two columns are mapped to the same field “%(field)s”.") % {"field": target}}
            )
        cleaned[str(column)] = str(target)
    if "name" not in cleaned.values():
        raise ValidationError({"mapping": _("Map one column to the legal name; it is required.")})
    return cleaned


def _match_existing(data: Mapping[str, Any]) -> Organisation | None:
    """An organisation of the registry the row describes: same VAT, else register id, else name and country."""
    live = Organisation.objects.filter(merged_into__isnull=True, is_historical=False)
    if data.get("vat"):
        found = live.filter(vat=data["vat"]).order_by("pk").first()
        if found:
            return found
    if data.get("register_id"):
        found = live.filter(register_id=data["register_id"], country=data["country"]).order_by("pk").first()
        if found:
            return found
    key = normalise.name_key(data["name"])
    for candidate in live.filter(country=data["country"]).only("id", "name", "trade_name").order_by("pk"):
        if normalise.name_key(candidate.name) == key:
            return candidate
    return None


def _changed_fields(organisation: Organisation, cleaned: Mapping[str, Any]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name, value in cleaned.items():
        if value in ("", None, []):
            continue  # an empty cell says nothing: it does not erase what the registry knows
        if name == "kinds":
            held = set(organisation.kind_rows.values_list("kind", flat=True))
            if set(value) - held:  # kinds from a file are added, never taken away
                changes[name] = sorted(held | set(value))
        elif name == "nace_codes":
            if {c.pk for c in value} != set(organisation.nace_codes.values_list("pk", flat=True)):
                changes[name] = value
        elif name in ("technologies_offered", "technologies_of_interest"):
            role = "offer" if name == "technologies_offered" else "interest"
            held_ids = set(organisation.technology_rows.filter(role=role).values_list("technology_id", flat=True))
            if {t.pk for t in value} != held_ids:
                changes[name] = value
        elif name == "primary_nace":
            if (value.pk if value else None) != organisation.primary_nace_id:
                changes[name] = value
        elif getattr(organisation, name) != value:
            changes[name] = value
    return changes


def _as_input(cleaned: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned values turned back into what the organisation actions take."""
    data: dict[str, Any] = {}
    for name, value in cleaned.items():
        if name in ("nace_codes",):
            data[name] = [c.code for c in value]
            data["nace_revision"] = value[0].revision if value else "2.1"
        elif name == "primary_nace":
            data[name] = value.code if value else ""
            if value:
                data["nace_revision"] = value.revision
        elif name in ("technologies_offered", "technologies_of_interest"):
            data[name] = [t.pk for t in value]
        else:
            data[name] = value
    return data


def plan_organisations(table: tabular.Table, options: Mapping[str, Any], content: bytes) -> Plan:
    """Organisations (and a year of figures each) from any layout, matched to the registry.

    When the mapping was guessed from the headers and is not usable (no column reads as the legal
    name), the check is still kept, with that problem, so that a person can map the columns."""
    try:
        mapping = _clean_mapping(table, options)
    except ValidationError as error:
        if options.get("mapping") is not None:
            raise
        plan = Plan(details={"mapping": guess_mapping(table.headers)})
        for message in error.message_dict.get("mapping", []):
            plan.problem(1, "mapping", message)
        return plan
    revision = str(options.get("nace_revision") or "2.1")
    plan = Plan(details={"mapping": mapping})
    # A row with cells beyond the header is usually shifted by an unquoted comma: its values are in the
    # wrong columns, so it is a problem to correct rather than a warning.
    for problem in table.problems:
        plan.problem(problem.line, problem.column, problem.reason)
    technologies = (
        {normalise.fold(t.name) for t in Technology.objects.only("name")}
        if {"technologies_offered", "technologies_of_interest"} & set(mapping.values())
        else set()
    )
    column_of = {target: column for column, target in mapping.items()}
    changed_rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for row in table.rows:
        data: dict[str, Any] = {"country": "LU"}
        figures: dict[str, Any] = {}
        for column, target in mapping.items():
            value = row.values.get(column, "")
            if target in _FIGURE_COLUMNS:
                figures[target] = value
            elif target in ("technologies_offered", "technologies_of_interest"):
                data[target] = _split_technologies(value, technologies)
            elif target in _LIST_COLUMNS:
                data[target] = [v.strip() for v in value.replace(";", ",").split(",") if v.strip()]
            elif target == "country":
                # Files name the country ("Luxembourg") as often as they give its code; empty means LU.
                text = value.strip()
                data[target] = (countries.code_for(text) or text) if text else "LU"
            else:
                data[target] = value
        if "nace_codes" in data or "primary_nace" in data:
            data["nace_revision"] = revision
        cleaned: dict[str, Any] | None = None
        try:
            cleaned = actions.clean_organisation_data(data)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                for message in messages:
                    plan.problem(row.line, column_of.get(name, name), message)
        # The figures are checked even when the rest of the row is wrong, so that every fault shows at once.
        year_row = _plan_figures(plan, row.line, figures, column_of)
        if cleaned is None or year_row is False:
            continue
        existing = _match_existing(cleaned)
        keys = _identity_keys(cleaned, existing)
        first = next((seen[key] for key in keys if key in seen), None)
        if first is not None:
            plan.problem(
                row.line,
                column_of["name"],
                _("The same organisation is already on line %(line)d.") % {"line": first},
            )
            continue
        seen.update(dict.fromkeys(keys, row.line))
        if existing is None:
            plan.count("create")
            plan.steps.append(_creator(cleaned, year_row))
            changed_rows.append({"line": row.line, "organisation": cleaned["name"], "action": str(_("create"))})
            continue
        changes = _changed_fields(existing, cleaned)
        figure_change = year_row is not None and _figures_differ(existing, year_row)
        if not changes and not figure_change:
            plan.count("unchanged")
            continue
        plan.count("update")
        plan.steps.append(_updater(existing.pk, changes, year_row if figure_change else None))
        changed_rows.append(
            {
                "line": row.line,
                "organisation": f"{existing.name} (#{existing.pk})",
                "action": str(_("update")),
                "changes": "; ".join(
                    [_describe_change(existing, name, value) for name, value in changes.items()]
                    + ([_describe_figures(existing, year_row)] if figure_change and year_row else [])
                ),
            }
        )
    # What each row would do, so that a renamed organisation or replaced figures are seen before the commit.
    plan.details["changes"] = changed_rows
    return plan


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(sorted(str(getattr(v, "code", None) or getattr(v, "name", None) or v) for v in value))
    if value is None or value == "":
        return "—"
    return str(getattr(value, "code", None) or value)


def _describe_change(organisation: Organisation, name: str, value: Any) -> str:
    label = ORGANISATION_COLUMNS.get(name, name)
    if name in ("kinds", "nace_codes", "technologies_offered", "technologies_of_interest", "primary_nace"):
        return f"{label}: {_shown(value)}"
    return f"{label}: {_shown(getattr(organisation, name))} → {_shown(value)}"


def _describe_figures(organisation: Organisation, year_row: Mapping[str, Any]) -> str:
    current = FinancialYear.objects.filter(organisation=organisation, year=year_row["year"]).first()
    before = f"{_shown(current.staff)}" if current else "—"
    return str(
        _("figures %(year)s: staff %(before)s → %(after)s")
        % {"year": year_row["year"], "before": before, "after": _shown(year_row["staff"])}
    )


def _identity_keys(cleaned: Mapping[str, Any], existing: Organisation | None) -> list[tuple[str, str]]:
    """Whatever makes two rows the same organisation: the one they match, the VAT, the register
    number or the name in the country."""
    keys = [("name", f"{cleaned['country']}:{normalise.name_key(cleaned['name'])}")]
    if existing is not None:
        keys.append(("organisation", str(existing.pk)))
    if cleaned.get("vat"):
        keys.append(("vat", cleaned["vat"]))
    if cleaned.get("register_id"):
        keys.append(("register_id", f"{cleaned['country']}:{cleaned['register_id']}"))
    return keys


def _split_technologies(value: str, known: set[str]) -> list[str]:
    """Technology names from a cell: separated by semicolons, or by commas where the comma is not part of
    a catalogue name ("Chemical engineering (plants, products)")."""
    names: list[str] = []
    for part in value.split(";"):
        pieces = [piece.strip() for piece in part.split(",")]
        start = 0
        while start < len(pieces):
            end = next(
                (e for e in range(len(pieces), start + 1, -1) if normalise.fold(", ".join(pieces[start:e])) in known),
                start + 1,
            )
            name = ", ".join(pieces[start:end]).strip()
            if name:
                names.append(name)
            start = end
    return names


def _plan_figures(
    plan: Plan, line: int, figures: dict[str, Any], column_of: dict[str, str]
) -> dict[str, Any] | Literal[False] | None:
    """A year of figures from the row, or None when the row has none, or False when they are wrong."""
    if not any(str(v).strip() for v in figures.values()):
        return None
    year_row = {
        "year": figures.get("year", ""),
        "staff": figures.get("staff", ""),
        "turnover": figures.get("turnover") or None,
        "balance_sheet": figures.get("balance_sheet") or None,
        "estimated": normalise.fold(str(figures.get("estimated", ""))).strip() in _TRUE,
    }
    try:
        checked = actions.check_financial_year(**year_row)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                plan.problem(line, column_of.get(name, name), message)
        return False
    return {**checked, "estimated": year_row["estimated"]}


def _figures_differ(organisation: Organisation, year_row: Mapping[str, Any]) -> bool:
    current = FinancialYear.objects.filter(organisation=organisation, year=year_row["year"]).first()
    if current is None:
        return True
    return (current.staff, current.turnover, current.balance_sheet, current.estimated) != (
        year_row["staff"],
        year_row["turnover"],
        year_row["balance_sheet"],
        year_row["estimated"],
    )


def _creator(cleaned: dict[str, Any], year_row: Mapping[str, Any] | None) -> Callable[[Any], None]:
    def step(actor: Any) -> None:
        data = _as_input(cleaned)
        name, country = data.pop("name"), data.pop("country")
        organisation = actions.organisation_create(
            actor=actor, name=name, country=country, source=Organisation.Source.IMPORT, details=data
        )
        if year_row is not None:
            actions.financial_year_set(actor=actor, organisation=organisation, source="import", **year_row)

    return step


def _updater(pk: int, changes: dict[str, Any], year_row: Mapping[str, Any] | None) -> Callable[[Any], None]:
    def step(actor: Any) -> None:
        organisation = Organisation.objects.get(pk=pk)
        if changes:
            actions.organisation_update(actor=actor, organisation=organisation, data=_as_input(changes))
        if year_row is not None:
            actions.financial_year_set(actor=actor, organisation=organisation, source="import", **year_row)

    return step


PLANNERS: dict[str, Planner] = {ImportRun.Kind.ORGANISATIONS: plan_organisations}


def register_planner(kind: str, planner: Planner) -> None:
    PLANNERS[kind] = planner


def _read(data: bytes, filename: str, options: Mapping[str, Any]) -> tabular.Table:
    return tabular.read_table(
        data,
        filename=filename,
        encoding=str(options.get("encoding") or "auto"),
        delimiter=str(options.get("delimiter") or "auto"),
        check_size=False,  # import_check holds an upload to the limit; a stored run is read again as it is
    )


def _plan(kind: str, data: bytes, filename: str, options: Mapping[str, Any]) -> tuple[tabular.Table, Plan]:
    planner = PLANNERS.get(kind)
    if planner is None:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    table = _read(data, filename, options)
    return table, planner(table, options, data)


# What the audit log keeps of an import: never the file itself, which may hold personal data and is
# dropped once committed, nor the report, which repeats the file's values.
_AUDITED_FIELDS = ["kind", "filename", "sha256", "options", "status", "created_by_id", "committed_at"]


def _audit(actor: Any, action: str, run: ImportRun) -> None:
    audit.record(actor=actor, action=action, target=run, after=audit.snapshot(run, fields=_AUDITED_FIELDS))


def import_check(
    *,
    actor: Any,
    kind: str,
    filename: str,
    data: bytes,
    options: Mapping[str, Any] | None = None,
    uploaded: bool = True,
) -> ImportRun:
    """Read the file and report what committing it would do, row by row; nothing in the registry changes.

    An uploaded file is held to the upload limit; the files shipped with Moselle (``uploaded=False``) are not."""
    options = dict(options or {})
    limit = settings.MOSELLE_UPLOAD_MAX_BYTES
    if not data:
        raise ValidationError({"file": _("The file is empty.")})
    if uploaded and len(data) > limit:
        raise ValidationError(
            {"file": _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)}}
        )
    table, plan = _plan(kind, data, filename, options)
    if "mapping" in plan.details:
        options["mapping"] = plan.details["mapping"]
    report = {**plan.report(), "headers": table.headers, "rows": len(table.rows), "format": table.format}
    with transaction.atomic():
        run = ImportRun.objects.create(
            kind=kind,
            filename=filename[:200],
            sha256=hashlib.sha256(data).hexdigest(),
            content=data,
            options=options,
            report=report,
            created_by=actor
            if getattr(actor, "is_authenticated", False) and not getattr(actor, "token_role", None)
            else None,
        )
        _audit(actor, "import.check", run)
    return run


def import_recheck(*, actor: Any, run: ImportRun, options: Mapping[str, Any]) -> ImportRun:
    """Check the same file again with other options (a new column mapping, encoding or delimiter)."""
    if run.status != ImportRun.Status.CHECKED:
        raise ValidationError({"import": _("This import was already committed.")})
    merged = {**run.options, **options}
    table, plan = _plan(run.kind, bytes(run.content), run.filename, merged)
    if "mapping" in plan.details:
        merged["mapping"] = plan.details["mapping"]
    with transaction.atomic():
        run.options = merged
        run.report = {**plan.report(), "headers": table.headers, "rows": len(table.rows), "format": table.format}
        run.save(update_fields=["options", "report"])
        _audit(actor, "import.check", run)
    return run


def import_commit(*, actor: Any, run: ImportRun) -> ImportRun:
    """Apply the file in one transaction: every row or none. Refused while the check lists problems."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != ImportRun.Status.CHECKED:
            raise ValidationError({"import": _("This import was already committed.")})
        _table, plan = _plan(locked.kind, bytes(locked.content), locked.filename, locked.options)
        if plan.problems:
            raise ValidationError(
                {
                    "import": _("The file has %(count)d problem(s); correct them and upload it again.")
                    % {"count": len(plan.problems)}
                }
            )
        for step in plan.steps:
            step(actor)
        locked.status = ImportRun.Status.COMMITTED
        locked.committed_at = timezone.now()
        locked.report = {**locked.report, **plan.report(), "committed": plan.counts}
        locked.content = b""  # the registry now holds what mattered; the file may carry personal data
        locked.save()
        _audit(actor, "import.commit", locked)
    run.refresh_from_db()
    return run


__all__ = [
    "ORGANISATION_COLUMNS",
    "Plan",
    "guess_mapping",
    "import_check",
    "import_commit",
    "import_recheck",
    "register_planner",
]
