"""The assessment pages: an organisation's assessments, filling one in step by step, its results and the
printed report, the staff list, and the hub's interpretation texts.

Each page reads through ``assessments.access`` (404 when not allowed) and writes through an action; an
action's refusal is shown next to what it names and the page answers 400.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from moselle.accounts.access import is_hub_admin, is_hub_staff
from moselle.assessments import actions, presentation, questionnaires, scoring
from moselle.assessments import answers as answer_rules
from moselle.assessments.access import (
    get_assessment_for_user,
    get_assessment_to_fill,
    get_organisation_to_assess,
    require_assessment_staff,
    require_interpretation_editor,
    visible_assessments,
)
from moselle.assessments.models import IMPORTED_RULE, Assessment, Band, Interpretation, QuestionnaireType, Stage
from moselle.core.i18n import LANGUAGE_CODES
from moselle.core.models_taxonomy import nace_codes_in_section
from moselle.core.printing import render_document
from moselle.organisations.access import get_organisation_for_user

CUSTOMER_STEP, REVIEW_STEP = "customer", "review"


def _steps(questionnaire: questionnaires.Questionnaire) -> list[tuple[str, str]]:
    return [
        (CUSTOMER_STEP, _("About the organisation")),
        *[(d.key, d.name()) for d in questionnaire.dimensions],
        (REVIEW_STEP, _("Check and submit")),
    ]


def _errors_by_key(error: ValidationError) -> dict[str, list[str]]:
    return error.message_dict if hasattr(error, "error_dict") else {"": error.messages}


# --- an organisation's assessments ---------------------------------------------------------------------


class StartForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=Stage.choices)
    mode = forms.ChoiceField(
        label=gettext_lazy("Who fills it in"),
        choices=[
            (Assessment.Mode.SELF, gettext_lazy("the organisation, alone")),
            (Assessment.Mode.ADVISOR, gettext_lazy("an advisor, with the organisation")),
        ],
    )


def _next_stage(organisation: Any) -> str:
    submitted = set(organisation.assessments.filter(status=Assessment.Status.SUBMITTED).values_list("stage", flat=True))
    for stage in Stage.values:
        if stage not in submitted:
            return stage
    return ""


@login_required
def organisation_assessments(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """An organisation's assessments by stage, and the start of the next one."""
    organisation = get_organisation_for_user(request.user, organisation_id)
    staff = is_hub_staff(request.user)
    form = StartForm(
        request.POST or None, initial={"stage": _next_stage(organisation), "mode": "advisor" if staff else "self"}
    )
    status = 200
    if request.method == "POST":
        organisation = get_organisation_to_assess(request.user, organisation_id)
        if form.is_valid():
            try:
                assessment = actions.assessment_start(
                    actor=request.user,
                    organisation=organisation,
                    stage=form.cleaned_data["stage"],
                    mode=form.cleaned_data["mode"],
                )
            except ValidationError as error:
                for field, problems in _errors_by_key(error).items():
                    for problem in problems:
                        form.add_error(field if field in form.fields else None, problem)
            else:
                return redirect("assessment_fill", assessment_id=assessment.pk)
        status = 400
    rule = actions.current_rule().code
    rows = [
        (assessment, presentation.main_result(assessment, rule))
        for assessment in organisation.assessments.order_by("stage", "-created_at").prefetch_related("results")
    ]
    may_fill = not organisation.merged_into_id and not organisation.is_historical
    return render(
        request,
        "assessments/organisation.html",
        {"organisation": organisation, "rows": rows, "form": form, "may_fill": may_fill},
        status=status,
    )


# --- filling one in ------------------------------------------------------------------------------------


def _post_answers(questionnaire: questionnaires.Questionnaire, step: str, data: Any) -> dict[str, Any]:
    """The answers of one dimension's step from the posted form, in the shape the actions take."""
    dimension = questionnaire.dimension(step)
    found: dict[str, Any] = {}
    if dimension is None:
        return found
    for question in dimension.questions:
        if question.kind == questionnaires.CHECKLIST:
            found[question.key] = data.getlist(question.key)
        elif question.kind == questionnaires.DUAL:
            found[question.key] = {
                item.key: data.getlist(f"{question.key}.{item.key}")
                for item in question.items
                if data.getlist(f"{question.key}.{item.key}")
            }
        else:
            rows: dict[str, Any] = {}
            for item in question.items:
                raw = data.get(f"{question.key}.{item.key}", "")
                if raw == "":
                    continue
                if question.kind == questionnaires.SCALE:
                    rows[item.key] = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 3 else raw
                else:
                    rows[item.key] = raw
            found[question.key] = rows
    return found


def _post_customer(questionnaire: questionnaires.Questionnaire, data: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for spec in questionnaire.module1:
        name = f"customer.{spec.key}"
        found[spec.key] = data.getlist(name) if spec.kind == "multichoice" else data.get(name, "")
    return found


def _fill_context(
    assessment: Assessment, step: str, *, errors: dict[str, list[str]] | None = None, posted: Any = None
) -> dict[str, Any]:
    questionnaire = actions.questionnaire_of(assessment)
    steps = _steps(questionnaire)
    keys = [key for key, _label in steps]
    index = keys.index(step)
    missing = answer_rules.missing(questionnaire, assessment.customer, assessment.answers)
    return {
        "assessment": assessment,
        "organisation": assessment.organisation,
        "questionnaire": questionnaire,
        "steps": steps,
        "step": step,
        "step_number": index + 1,
        "step_count": len(steps),
        "step_label": steps[index][1],
        "previous_step": keys[index - 1] if index > 0 else "",
        "next_step": keys[index + 1] if index + 1 < len(keys) else "",
        "dimension": questionnaire.dimension(step),
        "answered": answer_rules.answered_share(questionnaire, assessment.customer, assessment.answers),
        "missing": missing,
        "missing_steps": {m.step for m in missing},
        "errors": errors or {},
        "scale_levels": [(grade, presentation.scale_level(grade)) for grade in range(questionnaires.SCALE_MAX + 1)],
        "npy_labels": [(key, str(label)) for key, label in presentation.NPY_LABELS.items()],
        "posted": posted,
    }


@login_required
def assessment_fill(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """One step of the questionnaire; each change is saved at once (htmx) or with the step's button."""
    assessment = get_assessment_to_fill(request.user, assessment_id)
    if assessment.is_submitted:
        return redirect("assessment_results", assessment_id=assessment.pk)
    questionnaire = actions.questionnaire_of(assessment)
    keys = [key for key, _label in _steps(questionnaire)]
    step = request.GET.get("step") or request.POST.get("step") or CUSTOMER_STEP
    if step not in keys:
        step = CUSTOMER_STEP
    if request.method == "POST":
        try:
            if step == CUSTOMER_STEP:
                assessment = actions.assessment_save(
                    actor=request.user, assessment=assessment, customer=_post_customer(questionnaire, request.POST)
                )
            elif step != REVIEW_STEP:
                assessment = actions.assessment_save(
                    actor=request.user,
                    assessment=assessment,
                    answers=_post_answers(questionnaire, step, request.POST),
                    version=request.POST.get("version"),
                )
        except ValidationError as error:
            if getattr(
                request, "htmx", False
            ):  # the form stays as the person left it; only the status line and progress change
                context = _fill_context(assessment, step, errors=_errors_by_key(error))
                return render(request, "assessments/partials/saved.html", context, status=400)
            context = _fill_context(assessment, step, errors=_errors_by_key(error), posted=request.POST)
            return render(request, "assessments/fill.html", context, status=400)
        if getattr(request, "htmx", False):
            context = _fill_context(assessment, step)
            context["saved_at"] = timezone.localtime().strftime("%H:%M:%S")
            return render(request, "assessments/partials/saved.html", context)
        target = request.POST.get("go") or step
        if target not in keys:
            target = step
        return redirect(reverse("assessment_fill", args=[assessment.pk]) + f"?step={target}")
    return render(request, "assessments/fill.html", _fill_context(assessment, step))


@login_required
@require_POST
def assessment_submit(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = get_assessment_to_fill(request.user, assessment_id)
    try:
        actions.assessment_submit(actor=request.user, assessment=assessment)
    except ValidationError as error:
        if assessment.is_submitted:
            return redirect("assessment_results", assessment_id=assessment.pk)
        context = _fill_context(assessment, REVIEW_STEP, errors=_errors_by_key(error))
        return render(request, "assessments/fill.html", context, status=400)
    messages.success(request, _("The assessment was submitted."))
    return redirect("assessment_results", assessment_id=assessment.pk)


@login_required
@require_POST
def assessment_discard(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = get_assessment_to_fill(request.user, assessment_id)
    organisation_id = assessment.organisation_id
    try:
        actions.assessment_discard(actor=request.user, assessment=assessment)
    except ValidationError as error:
        for problem in error.messages:
            messages.error(request, problem)
        return redirect("assessment_results", assessment_id=assessment.pk)
    messages.success(request, _("The draft was deleted."))
    return redirect("organisation_assessments", organisation_id=organisation_id)


# --- results ---------------------------------------------------------------------------------------------


class RescoreForm(forms.Form):
    dual = forms.ChoiceField(label=gettext_lazy("Invested/planned rule"), choices=list(scoring.DUAL_RULES.items()))
    negative = forms.ChoiceField(label=gettext_lazy("Negative-item rule"), choices=list(scoring.NEGATIVE_RULES.items()))


def _chosen_result(request: HttpRequest, assessment: Assessment) -> Any:
    wanted = request.GET.get("result", "")
    rows = list(assessment.results.select_related("rescored_from").order_by("created_at", "id"))
    if wanted.isascii() and wanted.isdigit():
        chosen = next((r for r in rows if str(r.pk) == wanted), None)
        if chosen is not None:
            return chosen, rows
    return presentation.main_result(assessment, actions.current_rule().code), rows


@login_required
def assessment_results(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The radar of the stages, the bands and their meaning, the gaps, and the comparison with peers."""
    assessment = get_assessment_for_user(request.user, assessment_id)
    if not assessment.is_submitted:
        return redirect(reverse("assessment_fill", args=[assessment.pk]) + f"?step={REVIEW_STEP}")
    staff = is_hub_staff(request.user)
    form = RescoreForm(request.POST or None)
    status = 200
    if request.method == "POST":
        require_assessment_staff(request.user)
        if form.is_valid():
            rule = scoring.ScoringRule(dual=form.cleaned_data["dual"], negative=form.cleaned_data["negative"])
            source, _rows = _chosen_result(request, assessment)
            try:
                new = actions.result_rescore(actor=request.user, result=source, rule=rule)
            except ValidationError as error:
                for problem in error.messages:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("The answers were scored again; the earlier result is kept."))
                return redirect(reverse("assessment_results", args=[assessment.pk]) + f"?result={new.pk}")
        status = 400
    result, all_results = _chosen_result(request, assessment)
    view = presentation.build(assessment, result)
    return render(
        request,
        "assessments/results.html",
        {
            "view": view,
            "assessment": assessment,
            "organisation": assessment.organisation,
            "all_results": [(r, presentation.result_label(r)) for r in all_results],
            "result_label": presentation.result_label(result),
            "form": form if staff and assessment.mode != Assessment.Mode.IMPORTED else None,
        },
        status=status,
    )


@login_required
def assessment_report(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The two-page printable report of a submitted assessment."""
    assessment = get_assessment_for_user(request.user, assessment_id)
    if not assessment.is_submitted:
        return redirect(reverse("assessment_fill", args=[assessment.pk]) + f"?step={REVIEW_STEP}")
    result, _rows = _chosen_result(request, assessment)
    view = presentation.build(assessment, result)
    title = _("Digital maturity report: %(name)s") % {"name": assessment.organisation.name}
    return render_document(
        request,
        "assessments/report.html",
        {"view": view, "assessment": assessment, "result_label": presentation.result_label(result)},
        title=title,
    )


# --- the staff list ----------------------------------------------------------------------------------------


class AssessmentFilterForm(forms.Form):
    stage = forms.ChoiceField(
        label=gettext_lazy("Stage"), choices=[("", gettext_lazy("any")), *Stage.choices], required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=[("", gettext_lazy("any")), *Assessment.Status.choices], required=False
    )
    band = forms.ChoiceField(
        label=gettext_lazy("Band"), choices=[("", gettext_lazy("any")), *Band.choices], required=False
    )
    questionnaire = forms.ChoiceField(
        label=gettext_lazy("Questionnaire"),
        choices=[("", gettext_lazy("any")), *QuestionnaireType.choices],
        required=False,
    )
    sector = forms.ChoiceField(label=gettext_lazy("Sector (NACE section)"), required=False)
    size = forms.ChoiceField(label=gettext_lazy("Size class"), required=False)
    since = forms.DateField(
        label=gettext_lazy("Taken from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("Taken until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from moselle.organisations import sme
        from moselle.organisations.forms import nace_section_choices

        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = nace_section_choices()  # type: ignore[attr-defined]
        self.fields["size"].choices = [  # type: ignore[attr-defined]
            ("", _("any")),
            *[(key, sme.size_class_label(key)) for key in sme.SIZE_CLASSES],
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end comes before the start."))
        return cleaned


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    """Every assessment, for hub staff, with filters on stage, band, sector, size and date."""
    require_assessment_staff(request.user)
    form = AssessmentFilterForm(request.GET or None)
    rows = (
        visible_assessments(request.user)
        .select_related("organisation")
        .prefetch_related("results")
        .order_by("-updated_at", "-id")
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["stage"]:
            rows = rows.filter(stage=data["stage"])
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["questionnaire"]:
            rows = rows.filter(questionnaire_type=data["questionnaire"])
        if data["band"]:
            rows = rows.filter(
                results__band=data["band"], results__rule__in=[actions.current_rule().code, IMPORTED_RULE]
            ).distinct()
        if data["sector"]:
            rows = rows.filter(organisation__primary_nace__in=nace_codes_in_section(data["sector"]).values("pk"))
        if data["size"]:
            rows = rows.filter(organisation__size_class=data["size"])
        if data["since"]:
            rows = rows.filter(taken_on__gte=data["since"])
        if data["until"]:
            rows = rows.filter(taken_on__lte=data["until"])
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    rule = actions.current_rule().code
    lines = [(a, presentation.main_result(a, rule)) for a in page.object_list]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "assessments/list.html",
        {"form": form, "page": page, "lines": lines, "query": query.urlencode()},
        status=400 if form.errors else 200,
    )


# --- interpretation texts -----------------------------------------------------------------------------------


class InterpretationForm(forms.Form):
    en = forms.CharField(
        label="English", widget=forms.Textarea(attrs={"rows": 3, "lang": "en"}), required=False, max_length=2000
    )
    fr = forms.CharField(
        label="Français", widget=forms.Textarea(attrs={"rows": 3, "lang": "fr"}), required=False, max_length=2000
    )
    de = forms.CharField(
        label="Deutsch", widget=forms.Textarea(attrs={"rows": 3, "lang": "de"}), required=False, max_length=2000
    )


@login_required
def interpretation_list(request: HttpRequest) -> HttpResponse:
    """The hub's words for each band, overall and per dimension; the hub manager edits them."""
    require_assessment_staff(request.user)
    kind = request.GET.get("questionnaire") or request.POST.get("questionnaire") or questionnaires.SME
    if kind not in questionnaires.TYPES:
        kind = questionnaires.SME
    questionnaire = questionnaires.current(kind)
    dimension = request.GET.get("dimension") or request.POST.get("dimension") or ""
    if dimension and questionnaire.dimension(dimension) is None:
        dimension = ""
    editor = is_hub_admin(request.user)
    stored = {row.band: row for row in Interpretation.objects.filter(questionnaire_type=kind, dimension=dimension)}
    status = 200
    forms_by_band: list[tuple[str, str, InterpretationForm]] = []
    posted_band = request.POST.get("band", "") if request.method == "POST" else ""
    if request.method == "POST":
        require_interpretation_editor(request.user)
    for band, label in scoring.BANDS.items():
        row = stored.get(band)
        initial = {code: (row.text.get(code, "") if row else "") for code in LANGUAGE_CODES}
        form = InterpretationForm(request.POST if posted_band == band else None, initial=initial, prefix=band)
        if posted_band == band and form.is_valid():
            try:
                actions.interpretation_set(
                    actor=request.user, questionnaire_type=kind, dimension=dimension, band=band, text=form.cleaned_data
                )
            except ValidationError as error:
                for problem in error.messages:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("The text was saved."))
                return redirect(reverse("interpretation_list") + f"?questionnaire={kind}&dimension={dimension}")
        if posted_band == band:
            status = 400
        forms_by_band.append((band, str(label), form))
    if request.method == "POST" and posted_band not in scoring.BANDS:
        messages.error(request, _("Choose the band the text is for."))
        status = 400
    return render(
        request,
        "assessments/interpretations.html",
        {
            "kind": kind,
            "kinds": QuestionnaireType.choices,
            "questionnaire": questionnaire,
            "dimension": dimension,
            "forms": forms_by_band,
            "editor": editor,
        },
        status=status,
    )
