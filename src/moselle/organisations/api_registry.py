"""API of the registry's stewardship and of the hub directory: duplicates and merges, imports of files
(a dry run, then an all-or-nothing commit), and the hubs of Europe as the catalogue lists them."""

from __future__ import annotations

import json
import unicodedata
from datetime import date, datetime
from typing import Any, Literal

import pydantic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from moselle.core.api_taxonomy import LangParams
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits
from moselle.core.i18n import pick
from moselle.organisations import imports, merging, validation
from moselle.organisations.access import (
    directory_hubs,
    get_hub_for_user,
    get_import_for_user,
    get_organisation_for_user,
    require_import_right,
    require_registry_steward,
    visible_imports,
)
from moselle.organisations.models import ImportRun, Organisation

router = Router(tags=["registry"])


# --- Duplicates and merges --------------------------------------------------------------------------------


class OrganisationRefOut(Schema):
    id: int
    name: str
    trade_name: str
    country: str
    vat: str
    register_id: str
    founded_on: date | None
    website: str


class CandidateOut(Schema):
    """Two organisations that may be the same one; the machine proposes, a person decides."""

    first: OrganisationRefOut
    second: OrganisationRefOut
    decisive: bool = Field(description="The same VAT or register number: decisive evidence, not only a hint.")
    evidence: list[str] = Field(description="Why the two look alike, one reason per item.")


class CandidateFilter(Schema):
    organisation_id: int | None = Field(None, ge=1, description="Only the pairs that include this organisation.")
    decisive: bool | None = Field(None, description="Only decisive pairs (true) or only hints (false).")


@router.get(
    "/duplicates",
    response={200: Page[CandidateOut], **ERRORS},
    summary="Organisations that may be duplicates, with the evidence (hub staff)",
)
def duplicate_list(request: HttpRequest, params: Query[PageParams], filters: Query[CandidateFilter]) -> Any:
    require_registry_steward(request.user)
    candidates = merging.duplicate_candidates(focus=filters.organisation_id)
    if filters.decisive is not None:
        candidates = [c for c in candidates if c.decisive == filters.decisive]
    limit, offset = page_limits(params)
    return {"count": len(candidates), "items": candidates[offset : offset + limit]}


def _organisation_named(request: HttpRequest, organisation_id: int, field: str) -> Organisation:
    """An organisation named in the body: one the caller cannot see is refused under the field's name."""
    try:
        return get_organisation_for_user(request.user, organisation_id)
    except Http404:
        raise ValidationError({field: _("No organisation with this id.")}) from None


class DismissIn(Schema):
    first: int = Field(description="The id of one organisation of the pair.")
    second: int = Field(description="The id of the other.")
    reason: str = Field("", max_length=300, description="Why they are different organisations.")

    model_config = {"extra": "forbid"}


class DismissalOut(Schema):
    id: int
    first_id: int
    second_id: int
    reason: str
    decided_at: datetime


@router.post(
    "/duplicates/dismiss",
    response={200: DismissalOut, **WRITE_ERRORS},
    summary="Record that two organisations are not the same (hub staff)",
)
def duplicate_dismiss(request: HttpRequest, payload: DismissIn) -> Any:
    require_registry_steward(request.user)
    first = _organisation_named(request, payload.first, "first")
    second = _organisation_named(request, payload.second, "second")
    return merging.duplicate_dismiss(actor=request.user, first=first, second=second, reason=payload.reason)


class MergeIn(Schema):
    kept: int = Field(description="The id of the organisation that stays.")
    merged: int = Field(description="The id of the organisation merged into it; it is kept, marked as merged.")

    model_config = {"extra": "forbid"}


class MergeOut(Schema):
    id: int
    kept_id: int
    merged_id: int
    merged_at: datetime
    moved: dict[str, Any] = Field(
        description="What moved: counts by relation (moved), rows both held (dropped), fields filled (filled)."
    )


@router.post(
    "/duplicates/merge",
    response={200: MergeOut, **WRITE_ERRORS},
    summary="Merge one organisation into another (hub staff)",
)
def duplicate_merge(request: HttpRequest, payload: MergeIn) -> Any:
    require_registry_steward(request.user)
    kept = _organisation_named(request, payload.kept, "kept")
    merged = _organisation_named(request, payload.merged, "merged")
    return merging.organisation_merge(actor=request.user, kept=kept, merged=merged)


# --- Imports ----------------------------------------------------------------------------------------------

IMPORT_KINDS = list(ImportRun.Kind.values)


class ImportProblemOut(Schema):
    line: int = Field(description="The line of the file, as a spreadsheet numbers it (the header is line 1).")
    column: str = Field(description="The column of the file (or the field when no column holds it).")
    reason: str


class ImportReportOut(Schema):
    """What the file would do (after a check) or did (after the commit). Planners may add keys of their own."""

    counts: dict[str, int] = Field(default_factory=dict, description="Rows by outcome: create, update, unchanged...")
    problems: list[ImportProblemOut] = Field(default_factory=list, description="Every bad row: line, column, reason.")
    headers: list[str] = Field(default_factory=list)
    rows: int = Field(0, description="How many data rows the file holds.")
    format: str = Field("", description="csv or xlsx, told by the content.")
    mapping: dict[str, str] | None = Field(None, description="Which file column fills which field.")
    committed: dict[str, int] | None = Field(None, description="After the commit: what was done.")

    model_config = {"extra": "allow"}


class ImportRunOut(Schema):
    id: int
    kind: str = Field(json_schema_extra={"enum": [*IMPORT_KINDS]})
    filename: str
    sha256: str
    status: str = Field(description="checked (dry run), committed or refused.")
    options: dict[str, Any]
    report: ImportReportOut
    created_by_id: int | None
    created_at: datetime
    committed_at: datetime | None


class ImportOptionsIn(Schema):
    """How to read the file; every option may be left out."""

    mapping: dict[str, str] | None = Field(
        None, description='Which field each column fills, {"file column": "field"}; "" ignores a column.'
    )
    encoding: str | None = Field(None, max_length=20, description="CSV: auto, utf-8, cp1252, iso8859-1 or utf-16.")
    delimiter: str | None = Field(None, max_length=4, description='CSV: auto, ",", ";", tab or "|".')
    nace_revision: Literal["2", "2.1"] | None = Field(None, description="The revision of the NACE codes in the file.")

    model_config = {"extra": "forbid"}


class ImportForm(Schema):
    kind: Literal["organisations", "edih_catalogue", "s3_legacy", "dma_results"] = Field(
        description="What the file holds: organisations (CSV or XLSX, any layout), the EDIH catalogue export, "
        "the 2022 S3 hub catalogue, or the official DMA tool's results export."
    )
    options: str = Field(
        "", max_length=20000, description="The options (mapping, encoding, delimiter, nace_revision) as a JSON object."
    )


def _options(given: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in given.items() if value is not None}


def _holds_nul(value: Any) -> bool:
    """Whether a NUL character hides in the decoded JSON (``\\u0000``), which no database text may hold."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _parse_options(text: str) -> dict[str, Any]:
    """The options sent as a JSON string in a form field, checked as the JSON body of a re-check is."""
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError({"options": _("is not valid JSON (%(reason)s).") % {"reason": exc.msg}}) from None
    if _holds_nul(data):
        raise ValidationError({"options": _("must not contain the NUL character (code point 0).")})
    try:
        return _options(ImportOptionsIn.model_validate(data).dict(exclude_unset=True))
    except pydantic.ValidationError as exc:
        errors: dict[str, list[str]] = {}
        for item in exc.errors():
            where = ".".join(["options", *(str(part) for part in item["loc"])])
            errors.setdefault(where, []).append(str(item["msg"]))
        raise ValidationError(errors) from None


def _filename(upload: UploadedFile) -> str:
    name = "".join(ch for ch in str(upload.name or "") if unicodedata.category(ch) not in {"Cc", "Cf", "Cs", "Co"})
    return name.strip()[:200] or "upload"


@router.post(
    "/imports",
    response={201: ImportRunOut, **WRITE_ERRORS},
    summary="Upload a file and check it (a dry run; nothing changes yet)",
)
def import_create(request: HttpRequest, file: File[UploadedFile], form: Form[ImportForm]) -> Any:
    require_import_right(request.user, form.kind)
    options = _parse_options(form.options)
    limit = settings.MOSELLE_UPLOAD_MAX_BYTES
    if (file.size or 0) > limit:
        raise ValidationError(
            {"file": _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)}}
        )
    data = file.read(limit + 1)
    run = imports.import_check(actor=request.user, kind=form.kind, filename=_filename(file), data=data, options=options)
    return Status(201, run)


class ImportFilter(Schema):
    kind: str = Field("", description="Only imports of this kind.", json_schema_extra={"enum": ["", *IMPORT_KINDS]})
    status: str = Field(
        "", description="Only imports in this state.", json_schema_extra={"enum": ["", *ImportRun.Status.values]}
    )


@router.get("/imports", response={200: Page[ImportRunOut], **ERRORS}, summary="Imports, latest first (hub staff)")
def import_list(request: HttpRequest, params: Query[PageParams], filters: Query[ImportFilter]) -> Any:
    runs = visible_imports(request.user)
    if filters.kind:
        if filters.kind not in IMPORT_KINDS:
            raise ValidationError({"kind": _("Choose one of: %(choices)s.") % {"choices": ", ".join(IMPORT_KINDS)}})
        runs = runs.filter(kind=filters.kind)
    if filters.status:
        if filters.status not in ImportRun.Status.values:
            raise ValidationError(
                {"status": _("Choose one of: %(choices)s.") % {"choices": ", ".join(ImportRun.Status.values)}}
            )
        runs = runs.filter(status=filters.status)
    limit, offset = page_limits(params)
    runs = runs.order_by("-created_at", "-id")
    return {"count": runs.count(), "items": list(runs[offset : offset + limit])}


@router.get("/imports/{import_id}", response={200: ImportRunOut, **ERRORS}, summary="One import and its report")
def import_detail(request: HttpRequest, import_id: int) -> Any:
    return get_import_for_user(request.user, import_id)


@router.post(
    "/imports/{import_id}/check",
    response={200: ImportRunOut, **WRITE_ERRORS},
    summary="Check the same file again with other options (a new mapping, encoding or delimiter)",
)
def import_recheck(request: HttpRequest, import_id: int, payload: ImportOptionsIn) -> Any:
    run = get_import_for_user(request.user, import_id)
    return imports.import_recheck(actor=request.user, run=run, options=_options(payload.dict(exclude_unset=True)))


@router.post(
    "/imports/{import_id}/commit",
    response={200: ImportRunOut, **WRITE_ERRORS},
    summary="Apply a checked file: every row or none (refused while it has problems)",
)
def import_commit(request: HttpRequest, import_id: int) -> Any:
    run = get_import_for_user(request.user, import_id)
    return imports.import_commit(actor=request.user, run=run)


# --- The hub directory ------------------------------------------------------------------------------------

CATALOGUE_KINDS = list(Organisation.CatalogueKind.values)


class HubListOut(Schema):
    id: int
    name: str
    trade_name: str
    country: str = Field(description="ISO 3166 country code.")
    locality: str
    website: str
    catalogue_ref: str = Field(description="The row of the European catalogue, e.g. edih-203.")
    catalogue_kind: str = Field(description="EDIH, Seal of Excellence or DIH.")
    catalogue_title: str
    catalogue_listed: bool = Field(description="Whether the latest catalogue export still lists it.")


class HubLabelOut(Schema):
    name: str = Field(description="The catalogue's own English text.")
    label: str = Field(description="The label in the requested language.")
    level: int | None = Field(description="The level the hub declares, 1 to 5.")


class HubDetailOut(HubListOut):
    description: str
    address: str
    region: str
    working_languages: list[str]
    technologies: list[HubLabelOut]
    services: list[HubLabelOut]
    sectors: list[HubLabelOut]


class HubFilter(Schema):
    q: str = Field("", max_length=200, description="Search the names and catalogue titles.")
    country: str = Field("", max_length=2, description="Only hubs in this country (ISO 3166 code).")
    catalogue_kind: str = Field(
        "", description="Only hubs of this catalogue status.", json_schema_extra={"enum": ["", *CATALOGUE_KINDS]}
    )


@router.get(
    "/hubs",
    response={200: Page[HubListOut], **ERRORS},
    summary="The directory of European hubs, as the catalogue lists them",
)
def hub_list(request: HttpRequest, params: Query[PageParams], filters: Query[HubFilter]) -> Any:
    hubs = directory_hubs(request.user)
    query = " ".join(filters.q.split())
    if query:
        hubs = hubs.filter(
            Q(name__icontains=query) | Q(trade_name__icontains=query) | Q(catalogue_title__icontains=query)
        )
    if filters.country:
        hubs = hubs.filter(country=validation.clean_country(filters.country))
    if filters.catalogue_kind:
        if filters.catalogue_kind not in CATALOGUE_KINDS:
            raise ValidationError(
                {"catalogue_kind": _("Choose one of: %(choices)s.") % {"choices": ", ".join(CATALOGUE_KINDS)}}
            )
        hubs = hubs.filter(catalogue_kind=filters.catalogue_kind)
    limit, offset = page_limits(params)
    hubs = hubs.order_by("country", "name", "id")
    return {"count": hubs.count(), "items": list(hubs[offset : offset + limit])}


def _hub_labels(rows: Any, relation: str, lang: str) -> list[dict[str, Any]]:
    return [
        {
            "name": getattr(row, relation).name,
            "label": pick(getattr(row, relation).label, lang) or getattr(row, relation).name,
            "level": row.level,
        }
        for row in rows.select_related(relation).order_by(f"{relation}__position", f"{relation}_id")
    ]


@router.get(
    "/hubs/{organisation_id}",
    response={200: HubDetailOut, **ERRORS},
    summary="One hub of the directory, with its technologies, services and sectors and their levels",
)
def hub_directory_detail(request: HttpRequest, organisation_id: int, params: Query[LangParams]) -> Any:
    hub = get_hub_for_user(request.user, organisation_id)
    data: dict[str, Any] = {name: getattr(hub, name) for name in HubListOut.model_fields}
    data.update(
        description=hub.description,
        address=hub.address,
        region=hub.region,
        working_languages=hub.working_languages,
        technologies=_hub_labels(hub.technology_rows.filter(role="offer"), "technology", params.lang),
        services=_hub_labels(hub.service_rows, "service", params.lang),
        sectors=_hub_labels(hub.sector_rows, "sector", params.lang),
    )
    return data


__all__ = ["router"]
