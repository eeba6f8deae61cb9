"""Importing the official DMA tool's results export: each row an organisation's submitted assessment at one
stage, with its six dimension scores and overall score, and no answers (spec/dma.md §1 and §5).

The file is the workbook the official tool (or ``exports``) gives, "My SMEs DMA Results" and "My PSOs DMA
Results" (either may be missing), or one of those sheets saved as CSV, its questionnaire told by the first
column ("SME name" or "PSO name"). It goes through the registry's import flow: the check lists every
problem by line and column, and the commit applies every row or none.

A row finds its organisation by the DMA ID when it has one, else by the legal name (case and accents
ignored); an organisation the registry does not know is created. The stage rules are the platform's: one
submitted assessment per stage, a T1 only after a T0 and a T2 only after a T1, of the same questionnaire,
whether the earlier stage is in the registry or earlier in the file. A row the registry holds already with
the same scores is left as it is (a monthly export repeats them); other scores for a held stage are refused.

The import flow hands the planner the file's first table and its bytes; the other sheets of a workbook
are read from the bytes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

import openpyxl  # type: ignore[import-untyped]
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from moselle.assessments import exports, questionnaires, scoring
from moselle.assessments.actions import PREVIOUS_STAGE, check_stage
from moselle.assessments.models import IMPORTED_RULE, Assessment, Result, Stage
from moselle.core import audit, tabular
from moselle.organisations import actions as organisation_actions
from moselle.organisations import imports
from moselle.organisations.access import own_hub
from moselle.organisations.models import ImportRun, Organisation
from moselle.organisations.normalise import fold

KIND = ImportRun.Kind.DMA_RESULTS
# The version an imported assessment records: its questions were the official tool's, not a file of ours.
OFFICIAL_VERSION = "official"
KIND_OF_TYPE = {questionnaires.SME: Organisation.Kind.COMPANY, questionnaires.PSO: Organisation.Kind.PUBLIC_BODY}
STAGE_ORDER = {stage: index for index, stage in enumerate(Stage.values)}
# The official overall score is the mean of the six dimensions (spec §1); rounding allows this much.
MEAN_TOLERANCE = Decimal("0.01")
_NUMBER = re.compile(r"\d{1,12}(?:\.\d{1,12})?")
MAX_ID = 40  # as Organisation.ec_dma_id
_AUDITED = ["organisation_id", "questionnaire_type", "questionnaire_version", "stage", "status", "mode"]

# --- Reading the rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Sheet:
    questionnaire_type: str
    table: tabular.Table
    where: str  # the sheet's title before a column name in a problem, or "" for a CSV file


@dataclass
class ImportedRow:
    """One row of a sheet, read and checked."""

    line: int
    questionnaire_type: str
    name: str
    dma_id: str
    stage: str
    overall: Decimal
    dimensions: dict[str, Decimal]
    columns: dict[str, str]  # canonical column name -> the column as a problem names it
    key: tuple[str, str] = ("", "")
    organisation_id: int | None = None
    ok: bool = True
    unchanged: bool = False  # the registry holds this very result already: nothing to do


def _type_of(table: tabular.Table) -> str:
    first = fold(" ".join(table.headers[0].split())) if table.headers else ""
    for questionnaire_type in questionnaires.TYPES:
        if first == fold(exports.name_column(questionnaire_type)):
            return questionnaire_type
    return ""


def _not_dma_results() -> ValidationError:
    return ValidationError(
        {"file": _("This is not an export of DMA results: its first column must be “SME name” or “PSO name”.")}
    )


def _sheets(table: tabular.Table, data: bytes, plan: imports.Plan) -> list[Sheet]:
    """The sheets of the file that hold DMA results; a workbook whose other sheets cannot be read gets a problem."""
    if table.format == "csv":
        kind = _type_of(table)
        if not kind:
            raise _not_dma_results()
        return [Sheet(kind, table, "")]
    tables = _workbook_tables(data, plan) or [table]
    found = [Sheet(kind, t, t.sheet) for t in tables if (kind := _type_of(t))]
    if not found:
        raise _not_dma_results()
    for t in tables:
        if not _type_of(t):
            _ignore(plan, t.sheet, _("Its first column is neither “SME name” nor “PSO name”."))
    return found


def _ignore(plan: imports.Plan, sheet: str, reason: str) -> None:
    plan.details.setdefault("ignored_sheets", []).append({"sheet": sheet, "reason": reason})


def _workbook_tables(data: bytes, plan: imports.Plan) -> list[tabular.Table] | None:
    """Every sheet of the workbook that has something in it; ``None`` when the bytes are no workbook."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        return None
    try:
        titles = [sheet.title for sheet in book.worksheets if _has_cells(sheet)]
    except Exception:
        return None
    finally:
        book.close()
    tables: list[tabular.Table] = []
    for title in titles:
        try:
            tables.append(tabular.read_table(data, sheet=title, check_size=False))
        except ValidationError as error:
            if title in exports.SHEETS.values():
                for messages in error.message_dict.values():
                    for message in messages:
                        plan.problem(1, title, message)
            else:
                _ignore(plan, title, " ".join(error.messages))
    return tables


def _has_cells(sheet: Any) -> bool:
    sheet.reset_dimensions()  # as tabular does: the dimension written in the file may be wrong
    return any(any(value not in (None, "") for value in row) for row in sheet.iter_rows(values_only=True))


def _unquoted(value: str) -> str:
    """A text cell without the apostrophe ``exports`` puts before a leading formula character."""
    if value.startswith("'") and value[1:].startswith(exports.FORMULA_STARTS):
        return value[1:]
    return value


def _score(text: str) -> tuple[Decimal | None, str]:
    """A score from 0 to 100, rounded half up to two decimals as Moselle keeps them, or the reason it is
    not one (the official tool may export the unrounded mean)."""
    value = text.strip()
    if not value:
        return None, _("The score is missing.")
    if "," in value and "." not in value:
        value = value.replace(",", ".")  # a decimal comma, as spreadsheets in most of Europe write it
    negative = value.startswith("-")
    if not _NUMBER.fullmatch(value.removeprefix("-")):
        return None, _("“%(value)s” is not a number.") % {"value": text.strip()[:20]}
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None, _("“%(value)s” is not a number.") % {"value": text.strip()[:20]}
    if negative and number != 0:
        return None, _("A score is between 0 and 100.")
    number = abs(number)
    if number > 100:
        return None, _("A score is between 0 and 100.")
    return number.quantize(exports.TWO_PLACES, rounding=ROUND_HALF_UP), ""


def _read_rows(sheet: Sheet, plan: imports.Plan) -> list[ImportedRow]:
    kind = sheet.questionnaire_type
    prefix = f"{sheet.where}: " if sheet.where else ""
    wanted = {
        "name": exports.name_column(kind),
        "id": exports.id_column(kind),
        "timing": exports.TIMING,
        "score": exports.SCORE,
        **dict(zip(exports.DIMENSION_KEYS, exports.dimension_columns(kind), strict=True)),
    }
    by_folded = {fold(" ".join(header.split())): header for header in sheet.table.headers}
    actual = {name: by_folded.get(fold(column), "") for name, column in wanted.items()}
    columns = {name: prefix + column for name, column in wanted.items()}
    missing = [name for name, header in actual.items() if not header and name != "id"]  # the ID may be left out
    for name in missing:
        plan.problem(1, columns[name], _("The sheet has no column “%(column)s”.") % {"column": wanted[name]})
    for problem in sheet.table.problems:
        plan.problem(problem.line, prefix + problem.column, problem.reason)
    if missing:
        return []
    found: list[ImportedRow] = []
    for row in sheet.table.rows:
        cells = {name: _unquoted(row.values.get(header, "")) if header else "" for name, header in actual.items()}
        faults: list[tuple[str, str]] = []
        name = ""
        if not cells["name"].strip():
            faults.append(("name", _("The name is missing.")))
        else:
            try:
                name = organisation_actions.clean_organisation_name(cells["name"], field="name")
            except ValidationError as error:
                faults.append(("name", " ".join(error.messages)))
        dma_id = " ".join(cells["id"].split())
        if len(dma_id) > MAX_ID:
            faults.append(("id", _("At most %(limit)d characters.") % {"limit": MAX_ID}))
        stage = cells["timing"].strip().upper()
        if stage not in Stage.values:
            faults.append(
                ("timing", _("The timing is T0, T1 or T2, not “%(value)s”.") % {"value": cells["timing"][:20]})
            )
        scores: dict[str, Decimal] = {}
        for key in ("score", *exports.DIMENSION_KEYS):
            value, reason = _score(cells[key])
            if value is None:
                faults.append((key, reason))
            else:
                scores[key] = value
        if len(scores) == 1 + len(exports.DIMENSION_KEYS):
            mean = sum((scores[key] for key in exports.DIMENSION_KEYS), Decimal(0)) / len(exports.DIMENSION_KEYS)
            if abs(scores["score"] - mean) > MEAN_TOLERANCE:
                faults.append(
                    (
                        "score",
                        _("The DMA score %(score)s is not the mean of the six dimensions (%(mean)s).")
                        % {"score": scores["score"], "mean": mean.quantize(exports.TWO_PLACES)},
                    )
                )
        for key, reason in faults:
            plan.problem(row.line, columns[key], reason)
        found.append(
            ImportedRow(
                line=row.line,
                questionnaire_type=kind,
                name=name,
                dma_id=dma_id,
                stage=stage,
                overall=scores.get("score", Decimal(0)),
                dimensions={key: scores[key] for key in exports.DIMENSION_KEYS if key in scores},
                columns=columns,
                ok=not faults,
            )
        )
    return found


# --- Matching the organisations ------------------------------------------------------------------------


@dataclass
class _Registry:
    """The live organisations of the registry, by DMA ID and by folded legal name."""

    by_id: dict[str, list[Organisation]] = field(default_factory=dict)
    by_name: dict[str, list[Organisation]] = field(default_factory=dict)

    @classmethod
    def load(cls) -> _Registry:
        registry = cls()
        live = Organisation.objects.filter(merged_into__isnull=True, is_historical=False).only(
            "id", "name", "ec_dma_id"
        )
        for organisation in live.order_by("pk"):
            if organisation.ec_dma_id:
                registry.by_id.setdefault(organisation.ec_dma_id, []).append(organisation)
            registry.by_name.setdefault(_name_key(organisation.name), []).append(organisation)
        return registry


def _name_key(name: str) -> str:
    return fold(" ".join(name.split()))


def _match(row: ImportedRow, registry: _Registry) -> tuple[list[Organisation], str]:
    """The registry's organisations the row may be, and how they were found ("id" or "name")."""
    if row.dma_id and row.dma_id in registry.by_id:
        return registry.by_id[row.dma_id], "id"
    candidates = registry.by_name.get(_name_key(row.name), [])
    if row.dma_id:
        # An organisation with another DMA ID is another customer of the official tool, whatever its name.
        candidates = [o for o in candidates if not o.ec_dma_id]
    return candidates, "name"


@dataclass
class _Customer:
    """An organisation the file speaks of: one of the registry's, or one to create."""

    key: tuple[str, str]
    name: str
    questionnaire_type: str
    dma_id: str = ""
    organisation: Organisation | None = None
    set_dma_id: str = ""  # a DMA ID the file gives an organisation of the registry that had none
    rows: list[ImportedRow] = field(default_factory=list)


def _customers(rows: list[ImportedRow], plan: imports.Plan) -> dict[tuple[str, str], _Customer]:
    registry = _Registry.load()
    customers: dict[tuple[str, str], _Customer] = {}
    new_by_name: dict[str, tuple[str, str]] = {}
    for row in rows:
        if not row.name:
            continue
        candidates, how = _match(row, registry)
        if len(candidates) > 1:
            row.ok = False
            column = "id" if how == "id" else "name"
            plan.problem(
                row.line,
                row.columns[column],
                _("Several organisations of the registry have this %(what)s: %(which)s. Merge them first.")
                % {
                    "what": _("DMA ID") if how == "id" else _("name"),
                    "which": ", ".join(f"{o.name} (#{o.pk})" for o in candidates[:5]),
                },
            )
            continue
        if candidates:
            organisation = candidates[0]
            key = ("organisation", str(organisation.pk))
            customer = customers.setdefault(
                key,
                _Customer(
                    key=key,
                    name=organisation.name,
                    questionnaire_type=row.questionnaire_type,
                    organisation=organisation,
                ),
            )
            if row.dma_id and not organisation.ec_dma_id and not customer.set_dma_id:
                customer.set_dma_id = row.dma_id
        else:
            folded = _name_key(row.name)
            key = ("id", row.dma_id) if row.dma_id else new_by_name.get(folded, ("name", folded))
            new_by_name.setdefault(folded, key)
            customer = customers.setdefault(
                key, _Customer(key=key, name=row.name, questionnaire_type=row.questionnaire_type, dma_id=row.dma_id)
            )
        row.key = customer.key
        customer.rows.append(row)
    return customers


def _check_stages(customer: _Customer, plan: imports.Plan) -> None:
    """One submitted assessment per stage; T1 after T0, T2 after T1, of the same questionnaire; the file's
    rows taken T0 first, then T1, then T2, after what the registry holds."""
    held: dict[str, tuple[str, int | None]] = {}
    scores: dict[str, set[tuple[Decimal, tuple[Decimal, ...]]]] = {}
    drafts: set[str] = set()
    if customer.organisation is not None:
        for assessment in Assessment.objects.filter(organisation=customer.organisation).prefetch_related("results"):
            if assessment.status == Assessment.Status.DRAFT:
                drafts.add(assessment.stage)
                continue
            held[assessment.stage] = (assessment.questionnaire_type, None)
            scores[assessment.stage] = {
                (r.overall, tuple(r.dimension_scores()[key] for key in sorted(r.dimensions)))
                for r in assessment.results.all()
            }
    for row in sorted(customer.rows, key=lambda r: (STAGE_ORDER.get(r.stage, 9), r.line)):
        if row.stage not in Stage.values:
            continue
        column = row.columns["timing"]
        mine = (row.overall, tuple(row.dimensions[key] for key in sorted(row.dimensions)))
        if row.stage in held and held[row.stage][1] is None and mine in scores.get(row.stage, set()):
            # The same result again, as a monthly export of the official tool repeats it: nothing to do.
            row.unchanged = True
            continue
        if row.stage in drafts:
            row.ok = False
            plan.problem(
                row.line,
                column,
                _("%(name)s has a %(stage)s assessment being filled in; submit or delete it first.")
                % {"name": customer.name, "stage": row.stage},
            )
            continue
        if row.stage in held:
            row.ok = False
            earlier_line = held[row.stage][1]
            if earlier_line is None:
                reason = _("%(name)s already has a submitted %(stage)s assessment.") % {
                    "name": customer.name,
                    "stage": row.stage,
                }
            else:
                reason = _("%(name)s has a %(stage)s assessment on line %(line)d already.") % {
                    "name": customer.name,
                    "stage": row.stage,
                    "line": earlier_line,
                }
            plan.problem(row.line, column, reason)
            continue
        previous = PREVIOUS_STAGE.get(Stage(row.stage))
        if previous is not None:
            before = held.get(previous)
            if before is None:
                row.ok = False
                plan.problem(
                    row.line,
                    column,
                    _("A %(stage)s assessment needs a %(previous)s first, in the registry or in the file.")
                    % {"stage": row.stage, "previous": previous},
                )
            elif before[0] != row.questionnaire_type:
                row.ok = False
                plan.problem(
                    row.line,
                    column,
                    _("The %(previous)s assessment used the other questionnaire; %(stage)s must use the same one.")
                    % {"stage": row.stage, "previous": previous},
                )
        held[row.stage] = (row.questionnaire_type, row.line)


# --- The plan --------------------------------------------------------------------------------------------


def plan_dma_results(table: tabular.Table, options: Mapping[str, Any], data: bytes) -> imports.Plan:
    """Assessments (and organisations the registry lacks) from the official tool's results export."""
    plan = imports.Plan()
    rows: list[ImportedRow] = []
    for sheet in _sheets(table, data, plan):
        rows.extend(_read_rows(sheet, plan))
    customers = _customers(rows, plan)
    for customer in customers.values():
        _check_stages(customer, plan)
    hub = own_hub()
    country = hub.organisation.country if hub is not None else "LU"
    changes: list[dict[str, Any]] = []
    for customer in customers.values():
        if customer.organisation is None:
            try:
                organisation_actions.clean_organisation_data(
                    {"name": customer.name, "country": country, "ec_dma_id": customer.dma_id}
                )
            except ValidationError as error:
                first = customer.rows[0]
                for messages in error.message_dict.values():
                    for message in messages:
                        first.ok = False
                        plan.problem(first.line, first.columns["name"], message)
        unchanged = [row for row in customer.rows if row.unchanged]
        if unchanged:
            plan.count("unchanged", len(unchanged))
        pending = [row for row in customer.rows if not row.unchanged]
        accepted = sorted((row for row in pending if row.ok), key=lambda r: (STAGE_ORDER[r.stage], r.line))
        if not accepted or len(accepted) != len(pending):
            continue  # a customer with a refused row waits for the file to be corrected
        if customer.organisation is None:
            plan.count("organisations_new")
        else:
            plan.count("organisations_matched")
        plan.count("assessments", len(accepted))
        plan.steps.append(_importer(customer, accepted, country))
        shown = customer.name if customer.organisation is None else f"{customer.name} (#{customer.organisation.pk})"
        action = _("new organisation") if customer.organisation is None else _("organisation of the registry")
        for row in accepted:
            changes.append(
                {
                    "line": row.line,
                    "organisation": shown,
                    "action": action,
                    "changes": f"{row.stage} {row.questionnaire_type.upper()}: {row.overall}",
                }
            )
    plan.details["changes"] = sorted(changes, key=lambda c: (c["line"], c["organisation"]))
    return plan


def _importer(customer: _Customer, rows: list[ImportedRow], country: str) -> Callable[[Any], None]:
    def step(actor: Any) -> None:
        organisation = customer.organisation
        if organisation is None:
            organisation = organisation_actions.organisation_create(
                actor=actor,
                name=customer.name,
                country=country,
                source=Organisation.Source.IMPORT,
                details={"kinds": [KIND_OF_TYPE[customer.questionnaire_type]], "ec_dma_id": customer.dma_id},
            )
        else:
            organisation = Organisation.objects.get(pk=organisation.pk)
            if customer.set_dma_id and not organisation.ec_dma_id:
                organisation = organisation_actions.organisation_update(
                    actor=actor, organisation=organisation, data={"ec_dma_id": customer.set_dma_id}
                )
        for row in rows:
            assessment_import(
                actor=actor,
                organisation=organisation,
                questionnaire_type=row.questionnaire_type,
                stage=row.stage,
                overall=row.overall,
                dimensions=row.dimensions,
            )

    return step


def assessment_import(
    *,
    actor: Any,
    organisation: Organisation,
    questionnaire_type: str,
    stage: str,
    overall: Decimal,
    dimensions: Mapping[str, Decimal],
) -> Assessment:
    """Record an assessment made in the official DMA tool: submitted, without answers, with its one result
    under the ``official`` rule. The platform's stage rules apply as to any submission."""
    if questionnaire_type not in questionnaires.TYPES:
        raise ValidationError({"questionnaire_type": _("Choose the enterprise or the public-sector questionnaire.")})
    if set(dimensions) != set(exports.DIMENSION_KEYS):
        raise ValidationError({"dimensions": _("Give the six dimension scores.")})
    with transaction.atomic():
        Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        check_stage(organisation, stage, questionnaire_type)
        now = timezone.now()
        try:
            with transaction.atomic():
                assessment = Assessment.objects.create(
                    organisation=organisation,
                    questionnaire_type=questionnaire_type,
                    questionnaire_version=OFFICIAL_VERSION,
                    stage=stage,
                    status=Assessment.Status.SUBMITTED,
                    mode=Assessment.Mode.IMPORTED,
                    started_by=actor if getattr(actor, "is_authenticated", False) else None,
                    submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
                    submitted_at=now,
                )
        except IntegrityError:
            raise ValidationError(
                {
                    "stage": _("%(name)s already has a submitted %(stage)s assessment.")
                    % {"name": organisation.name, "stage": stage}
                }
            ) from None
        overall = overall.quantize(exports.TWO_PLACES)
        Result.objects.create(
            assessment=assessment,
            organisation=organisation,
            questionnaire_type=questionnaire_type,
            questionnaire_version=OFFICIAL_VERSION,
            stage=stage,
            rule=IMPORTED_RULE,
            dimensions={key: str(dimensions[key].quantize(exports.TWO_PLACES)) for key in exports.DIMENSION_KEYS},
            overall=overall,
            band=scoring.band(overall),
        )
        audit.record(
            actor=actor,
            action="assessment.import",
            target=assessment,
            after={**audit.snapshot(assessment, fields=_AUDITED), "overall": str(overall)},
            organisation_id=organisation.pk,
        )
    return assessment


imports.register_planner(KIND, plan_dma_results)
