"""The hub's DMA results in the layout of the official DMA tool's export (spec/dma.md §1).

The official tool gives a workbook with one sheet per questionnaire, "My SMEs DMA Results" and "My PSOs DMA
Results", and hubs feed it to their own reporting (EDIH ADRIA's scripts read it by column name). Moselle
writes the same sheets, with the same English column names whatever the person's language, so that those
scripts read Moselle's file too, and so that the file can be imported back (``dma_import``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

import openpyxl  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

from moselle.assessments import questionnaires
from moselle.assessments.models import Assessment, Result
from moselle.organisations.access import own_hub
from moselle.organisations.normalise import fold

SHEETS = {questionnaires.SME: "My SMEs DMA Results", questionnaires.PSO: "My PSOs DMA Results"}
# What the official export calls the organisation in each sheet's first two columns.
SUBJECTS = {questionnaires.SME: "SME", questionnaires.PSO: "PSO"}
TIMING, SCORE, EDIH = "DMA Timing", "DMA Score", "EDIH Name"
DIMENSION_KEYS = ("d1", "d2", "d3", "d4", "d5", "d6")
TWO_PLACES = Decimal("0.01")
# A cell starting with one of these is run as a formula by spreadsheets (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def name_column(questionnaire_type: str) -> str:
    return f"{SUBJECTS[questionnaire_type]} name"


def id_column(questionnaire_type: str) -> str:
    return f"{SUBJECTS[questionnaire_type]} ID"


def dimension_columns(questionnaire_type: str) -> list[str]:
    """The six dimension columns, d1 to d6, as the official export names them."""
    questionnaire = questionnaires.current(questionnaire_type)
    by_key = {dimension.key: dimension.export_column for dimension in questionnaire.dimensions}
    return [by_key[key] for key in DIMENSION_KEYS]


def headers(questionnaire_type: str) -> list[str]:
    return [
        name_column(questionnaire_type),
        id_column(questionnaire_type),
        TIMING,
        SCORE,
        *dimension_columns(questionnaire_type),
        EDIH,
    ]


@dataclass(frozen=True)
class ExportRow:
    name: str
    dma_id: str
    stage: str
    overall: Decimal
    dimensions: tuple[Decimal, ...]  # d1..d6
    hub: str


def chosen_result(assessment: Assessment, rule: str) -> Result | None:
    """The result under ``rule`` if the assessment has one, else its first (e.g. the imported one).

    Reads ``assessment.results.all()`` so that a prefetch ordered by creation serves every row."""
    results = sorted(assessment.results.all(), key=lambda r: (r.created_at, r.pk))
    return next((r for r in results if r.rule == rule), results[0] if results else None)


def hub_name() -> str:
    hub = own_hub()
    return hub.organisation.name if hub is not None else ""


def rows(questionnaire_type: str, rule: str) -> list[ExportRow]:
    """One row per submitted assessment of this questionnaire with a result, by organisation name, then stage."""
    edih = hub_name()
    assessments = (
        Assessment.objects.filter(status=Assessment.Status.SUBMITTED, questionnaire_type=questionnaire_type)
        .select_related("organisation")
        .prefetch_related("results")
    )
    found: list[tuple[tuple[str, str, str, int], ExportRow]] = []
    for assessment in assessments:
        result = chosen_result(assessment, rule)
        if result is None:
            continue
        scores = result.dimension_scores()
        organisation = assessment.organisation
        row = ExportRow(
            name=organisation.name,
            dma_id=organisation.ec_dma_id,
            stage=assessment.stage,
            overall=Decimal(result.overall).quantize(TWO_PLACES),
            dimensions=tuple(scores.get(key, Decimal(0)).quantize(TWO_PLACES) for key in DIMENSION_KEYS),
            hub=edih,
        )
        # Sorted here rather than by the database, whose collation differs between SQLite and PostgreSQL.
        found.append(((fold(row.name), row.name, row.stage, assessment.pk), row))
    found.sort(key=lambda pair: pair[0])
    return [row for _key, row in found]


def _text_cell(sheet: object, value: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # never a formula, even when a name starts with "="
    return cell


def _number_cell(sheet: object, value: Decimal) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=float(value))
    cell.number_format = "0.00"
    return cell


def workbook(rule: str) -> bytes:
    """Both sheets, SMEs then PSOs, as an XLSX file."""
    book = openpyxl.Workbook(write_only=True)
    for questionnaire_type in questionnaires.TYPES:
        sheet = book.create_sheet(title=SHEETS[questionnaire_type])
        sheet.append([_text_cell(sheet, header) for header in headers(questionnaire_type)])
        for row in rows(questionnaire_type, rule):
            sheet.append(
                [
                    _text_cell(sheet, row.name),
                    _text_cell(sheet, row.dma_id),
                    _text_cell(sheet, row.stage),
                    _number_cell(sheet, row.overall),
                    *(_number_cell(sheet, value) for value in row.dimensions),
                    _text_cell(sheet, row.hub),
                ]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_text(value: str) -> str:
    """A text cell a spreadsheet will not run: a leading formula character is quoted with an apostrophe,
    which ``dma_import`` removes again."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def csv_bytes(questionnaire_type: str, rule: str) -> bytes:
    """One sheet as CSV: UTF-8 with a byte-order mark, so that Excel reads the accents right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers(questionnaire_type))
    lines: Iterable[list[str]] = (
        [
            _csv_text(row.name),
            _csv_text(row.dma_id),
            row.stage,
            str(row.overall),
            *(str(value) for value in row.dimensions),
            _csv_text(row.hub),
        ]
        for row in rows(questionnaire_type, rule)
    )
    writer.writerows(lines)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
