"""Pages of the import flow: upload a file, read its dry-run report, map its columns, commit it.

Hub staff import organisation files and the official DMA tool's results; the two European catalogues
change the directory for everyone, so only the hub manager imports them (``require_catalogue_steward``).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from moselle.accounts.access import is_hub_admin
from moselle.accounts.forms import apply_errors
from moselle.core import tabular
from moselle.organisations import imports
from moselle.organisations.access import (
    STAFF_IMPORT_KINDS,
    get_import_for_user,
    require_import_right,
    require_registry_steward,
    visible_imports,
)
from moselle.organisations.forms import ColumnMappingForm, ImportUploadForm
from moselle.organisations.models import ImportRun

# Report keys every planner gives; any other list in a report is shown as a table of its rows.
_KNOWN_KEYS = {"counts", "problems", "mapping", "headers", "rows", "format", "committed"}
# At most this many rows of one table are shown; the page says how many more there are.
ROWS_SHOWN = 500
_TITLES = {
    "repeats": gettext_lazy("Labels declared more than once"),
    "conflicts": gettext_lazy("Labels declared with different levels (the lower level is kept)"),
    "ambiguous": gettext_lazy("Rows that match more than one hub (left for a person)"),
    "delisted": gettext_lazy("Hubs no longer in the catalogue (kept, marked as not listed)"),
    "changes": gettext_lazy("What each row would do"),
    "ignored_sheets": gettext_lazy("Sheets left aside"),
}
_COUNTS = {
    "create": gettext_lazy("new"),
    "update": gettext_lazy("changed"),
    "unchanged": gettext_lazy("unchanged"),
    "delisted": gettext_lazy("no longer listed"),
    "hubs": gettext_lazy("hubs in the file"),
    "labels": gettext_lazy("labels"),
    "ambiguous": gettext_lazy("ambiguous matches"),
    "assessments": gettext_lazy("assessments"),
    "organisations_new": gettext_lazy("new organisations"),
    "organisations_matched": gettext_lazy("organisations of the registry"),
}
_COLUMNS = {
    "line": gettext_lazy("Line"),
    "column": gettext_lazy("Column"),
    "reason": gettext_lazy("Reason"),
    "ref": gettext_lazy("Catalogue row"),
    "hub": gettext_lazy("Hub"),
    "name": gettext_lazy("Name"),
    "country": gettext_lazy("Country"),
    "dimension": gettext_lazy("Dimension"),
    "label": gettext_lazy("Label"),
    "levels": gettext_lazy("Levels"),
    "kept": gettext_lazy("Kept"),
    "candidates": gettext_lazy("Candidates"),
    "organisation": gettext_lazy("Organisation"),
    "action": gettext_lazy("Action"),
    "changes": gettext_lazy("Changes"),
    "sheet": gettext_lazy("Sheet"),
}
_HIDDEN_COLUMNS = {"candidate_ids", "id"}


def _readable(key: str) -> str:
    return key.replace("_", " ").capitalize()


_COLUMN_ORDER = [
    "line",
    "column",
    "id",
    "ref",
    "hub",
    "organisation",
    "action",
    "changes",
    "country",
    "dimension",
    "label",
    "levels",
    "kept",
    "reason",
    "candidates",
]


def _table(key: str, rows: list[Any]) -> dict[str, Any]:
    """A list of the report as a table: the columns are the keys of its rows, the known ones in a fixed
    order (PostgreSQL's JSON storage does not keep the order the keys were written in), then the others."""
    columns: list[str] = []
    for row in rows[:ROWS_SHOWN]:
        if isinstance(row, dict):
            columns.extend(k for k in row if k not in columns and k not in _HIDDEN_COLUMNS)
    columns.sort(key=lambda c: (_COLUMN_ORDER.index(c) if c in _COLUMN_ORDER else len(_COLUMN_ORDER), c))
    if not columns:
        columns = ["value"]
    shown = [[row.get(c) for c in columns] if isinstance(row, dict) else [row] for row in rows[:ROWS_SHOWN]]
    return {
        "key": key,
        "title": str(_TITLES.get(key, _readable(key))),
        "columns": [str(_COLUMNS.get(c, _readable(c))) for c in columns],
        "rows": shown,
        "total": len(rows),
        "more": max(0, len(rows) - ROWS_SHOWN),
    }


def _run_page(
    request: HttpRequest, run: ImportRun, *, mapping_form: ColumnMappingForm | None = None, error: str = ""
) -> HttpResponse:
    report: dict[str, Any] = run.report or {}
    problems = list(report.get("problems") or [])
    checked = run.status == ImportRun.Status.CHECKED
    if mapping_form is None and checked and run.kind == ImportRun.Kind.ORGANISATIONS:
        mapping = report.get("mapping") or run.options.get("mapping") or {}
        mapping_form = ColumnMappingForm(headers=list(report.get("headers") or []), mapping=mapping)
    counts = report.get("counts") or {}
    committed = report.get("committed") or {}
    count_rows = [
        (str(_COUNTS.get(key, _readable(key))), counts.get(key), committed.get(key))
        for key in dict.fromkeys([*counts, *committed])
    ]
    extra = [
        _table(key, value)
        for key, value in report.items()
        if key not in _KNOWN_KEYS and isinstance(value, list) and value
    ]
    status = 400 if error or (mapping_form is not None and mapping_form.errors) else 200
    return render(
        request,
        "organisations/import_run.html",
        {
            "run": run,
            "report": report,
            "checked": checked,
            "count_rows": count_rows,
            "problems": _table("problems", problems),
            "extra_tables": extra,
            "mapping_form": mapping_form,
            "may_commit": checked and not problems,
            "error": error,
        },
        status=status,
    )


@login_required
def import_list(request: HttpRequest) -> HttpResponse:
    """Upload a file for a dry run, and the imports made before."""
    require_registry_steward(request.user)
    catalogues = is_hub_admin(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None, catalogues=catalogues)
    if not catalogues:
        form.fields["kind"].choices = [(k.value, k.label) for k in STAFF_IMPORT_KINDS]  # type: ignore[attr-defined]
    mapping_form: ColumnMappingForm | None = None
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        require_import_right(request.user, kind)
        upload = form.cleaned_data["file"]
        limit = settings.MOSELLE_UPLOAD_MAX_BYTES
        if upload.size > limit:
            form.add_error(
                "file", _("The file is larger than the limit of %(limit)s.") % {"limit": filesizeformat(limit)}
            )
        else:
            data = upload.read()
            options: dict[str, Any] = form.options()
            try:
                if kind == ImportRun.Kind.ORGANISATIONS and "column_0" in request.POST:
                    # The person mapped the columns on this page after a first attempt.
                    headers = tabular.read_table(
                        data, encoding=options["encoding"], delimiter=options["delimiter"]
                    ).headers
                    mapping_form = ColumnMappingForm(request.POST, headers=headers)
                    if mapping_form.is_valid():
                        options["mapping"] = mapping_form.mapping()
                run = imports.import_check(
                    actor=request.user, kind=kind, filename=upload.name or "upload", data=data, options=options
                )
            except ValidationError as error:
                apply_errors(form, error)
                if kind == ImportRun.Kind.ORGANISATIONS and "mapping" in getattr(error, "error_dict", {}):
                    mapping_form = _mapping_for_upload(data, options)
            else:
                messages.success(request, _("The file was checked; nothing was changed yet."))
                return redirect("hub_import_run", import_id=run.pk)
    runs = Paginator(visible_imports(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "organisations/imports.html",
        {"form": form, "mapping_form": mapping_form, "runs": runs},
        status=400 if form.errors else 200,
    )


def _mapping_for_upload(data: bytes, options: dict[str, Any]) -> ColumnMappingForm | None:
    """When no column could be matched to the legal name, a mapping to choose before uploading again."""
    try:
        headers = tabular.read_table(data, encoding=options["encoding"], delimiter=options["delimiter"]).headers
    except ValidationError:
        return None
    guess = options.get("mapping") or imports.guess_mapping(headers)
    return ColumnMappingForm(headers=headers, mapping=guess)


@login_required
def import_run(request: HttpRequest, import_id: int) -> HttpResponse:
    """The dry-run report of a file, or what its commit did."""
    return _run_page(request, get_import_for_user(request.user, import_id))


@login_required
@require_POST
def import_run_recheck(request: HttpRequest, import_id: int) -> HttpResponse:
    """Check the same file again with the column mapping chosen on the page."""
    run = get_import_for_user(request.user, import_id)
    if run.kind != ImportRun.Kind.ORGANISATIONS:
        raise Http404
    form = ColumnMappingForm(request.POST, headers=list((run.report or {}).get("headers") or []))
    if form.is_valid():
        try:
            imports.import_recheck(actor=request.user, run=run, options={"mapping": form.mapping()})
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The file was checked again with these columns."))
            return redirect("hub_import_run", import_id=run.pk)
    return _run_page(request, run, mapping_form=form)


@login_required
@require_POST
def import_run_commit(request: HttpRequest, import_id: int) -> HttpResponse:
    """Apply the file, every row or none."""
    run = get_import_for_user(request.user, import_id)
    try:
        run = imports.import_commit(actor=request.user, run=run)
    except ValidationError as error:
        run.refresh_from_db()
        return _run_page(request, run, error=" ".join(error.messages))
    messages.success(request, _("The import was committed."))
    return redirect("hub_import_run", import_id=run.pk)
