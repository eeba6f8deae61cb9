"""Pages of a case's needs: the open needs in priority order with what each is computed from, the 2x2 chart
of importance and effort, the needs met or dropped; the advisor drafts them from the assessment, sets a
priority by hand and edits them; the company adds a need in its own words and says how much each matters.

Every read goes through ``journeys.access`` (404 when not allowed) and every write through an action; an
action's refusal is put on the field it names and the page answers 400."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from moselle.accounts.access import is_hub_staff, require_hub_staff
from moselle.accounts.forms import apply_errors
from moselle.assessments import questionnaires
from moselle.journeys import actions, queries
from moselle.journeys.access import get_case_for_user, get_case_to_manage, get_need_for_user
from moselle.journeys.charts import importance_effort_chart
from moselle.journeys.forms import NEED_ERROR_ALIASES, NeedForm, NeedsDraftForm, PriorityForm, need_fields
from moselle.journeys.models import Case, Need, Roadmap


@dataclass(frozen=True)
class NeedRow:
    """A need as the list shows it: its rank and, for hub staff, the form to set its priority by hand."""

    rank: int
    need: Need
    priority_form: PriorityForm | None


def dimension_scores(case: Case) -> list[tuple[str, str, Decimal]]:
    """Each dimension of the organisation's latest assessment: its key, its name ("D1 Digital business
    strategy") and its score; none without a submitted assessment."""
    if case.organisation is None:
        return []
    result = actions.latest_result(case.organisation)
    if result is None:
        return []
    questionnaire = questionnaires.get(result.questionnaire_type, result.questionnaire_version) or (
        questionnaires.current(result.questionnaire_type)
    )
    scores = result.dimension_scores()
    return [
        (dimension.key, f"{dimension.key.upper()} {dimension.name()}", scores[dimension.key])
        for dimension in questionnaire.dimensions
        if dimension.key in scores
    ]


def _priority_form(need: Need, bound: PriorityForm | None = None) -> PriorityForm:
    if bound is not None:
        return bound
    # One form per need on the same page: the ids name the need so that every label finds its field.
    return PriorityForm(initial=PriorityForm.initial_for(need), auto_id=f"id_priority_{need.pk}_%s")


def needs_page(
    request: HttpRequest,
    case: Case,
    *,
    need_form: NeedForm | None = None,
    draft_form: NeedsDraftForm | None = None,
    roadmap_errors: Sequence[str] = (),
    status: int = 200,
) -> HttpResponse:
    """The case's needs page, with the forms the person may use (bound ones when they come back with errors)."""
    staff = is_hub_staff(request.user)
    needs = queries.case_needs(case)
    closed = list(
        case.needs.exclude(status=Need.Status.OPEN)
        .select_related("result")
        .prefetch_related("technologies")
        .order_by("-updated_at", "-id")
    )
    if draft_form is None and staff:
        scores = dimension_scores(case)
        draft_form = NeedsDraftForm(scores=scores) if scores else None
    roadmap = Roadmap.objects.filter(case=case).first()
    context: dict[str, Any] = {
        "case": case,
        "staff": staff,
        "rows": [
            NeedRow(rank=rank, need=need, priority_form=_priority_form(need) if staff else None)
            for rank, need in enumerate(needs, start=1)
        ],
        "closed": closed,
        "chart": importance_effort_chart(needs),
        "need_form": need_form or NeedForm(fields=need_fields(staff=staff)),
        "draft_form": draft_form,
        "roadmap": roadmap,
        "may_draft_roadmap": staff and bool(needs) and case.status == Case.Status.OPEN,
        "roadmap_errors": list(roadmap_errors),
    }
    return render(request, "journeys/needs/list.html", context, status=status)


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


@login_required
def case_needs(request: HttpRequest, case_id: int) -> HttpResponse:
    """The case's needs; a POST adds one, in the advisor's or the company's own words."""
    case = get_case_for_user(request.user, case_id)
    form = NeedForm(_posted(request), fields=need_fields(staff=is_hub_staff(request.user)))
    if request.method != "POST":
        return needs_page(request, case, need_form=form)
    if form.is_valid():
        try:
            need = actions.need_create(actor=request.user, case=case, data=form.action_data())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The need “%(title)s” was added.") % {"title": need.title})
            return redirect("case_needs", case_id=case.pk)
    return needs_page(request, case, need_form=form, status=400)


@login_required
@require_POST
def needs_draft(request: HttpRequest, case_id: int) -> HttpResponse:
    """The advisor drafts the needs from the latest assessment, aiming at the band chosen in each dimension."""
    case = get_case_to_manage(request.user, case_id)
    form = NeedsDraftForm(request.POST, scores=dimension_scores(case))
    if form.is_valid():
        try:
            drafted = actions.needs_draft(actor=request.user, case=case, targets=form.targets())
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request,
                ngettext(
                    "%(count)d need was drafted from the assessment.",
                    "%(count)d needs were drafted from the assessment.",
                    len(drafted),
                )
                % {"count": len(drafted)},
            )
            return redirect("case_needs", case_id=case.pk)
    return needs_page(request, case, draft_form=form, status=400)


@login_required
@require_GET
def needs_chart(request: HttpRequest, case_id: int) -> HttpResponse:
    """The 2x2 chart of the case's open needs on its own, as an SVG image."""
    case = get_case_for_user(request.user, case_id)
    response = HttpResponse(importance_effort_chart(queries.case_needs(case)), content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


def _back_to(need: Need) -> HttpResponse:
    if need.case_id is not None:
        return redirect("case_needs", case_id=need.case_id)
    return redirect("need_edit", need_id=need.pk)


def _need_page(
    request: HttpRequest,
    need: Need,
    *,
    form: NeedForm | None = None,
    priority_form: PriorityForm | None = None,
    status: int = 200,
) -> HttpResponse:
    staff = is_hub_staff(request.user)
    context = {
        "need": need,
        "technologies": list(need.technologies.all()),
        "staff": staff,
        "form": form or NeedForm(fields=need_fields(staff=staff, need=need), initial=NeedForm.initial_for(need)),
        "priority_form": (priority_form or PriorityForm(initial=PriorityForm.initial_for(need))) if staff else None,
    }
    return render(request, "journeys/needs/edit.html", context, status=status)


@login_required
def need_edit(request: HttpRequest, need_id: int) -> HttpResponse:
    """Change a need: hub staff all the advisor's estimates (a drafted need's title and gap come from the
    assessment), a company member only how important it is to the company."""
    need = get_need_for_user(request.user, need_id)
    staff = is_hub_staff(request.user)
    allowed = need_fields(staff=staff, need=need)
    form = NeedForm(_posted(request), fields=allowed, initial=NeedForm.initial_for(need))
    if request.method != "POST":
        return _need_page(request, need, form=form)
    valid = form.is_valid()
    refused = sorted(name for name in NeedForm.base_fields if name not in allowed and request.POST.get(name))
    if refused and not staff:
        form.add_error(None, _("You may change how important a need is; the hub sets the rest with you."))
    elif valid:
        status = form.cleaned_data.get("status")
        try:
            with transaction.atomic():
                actions.need_update(actor=request.user, need=need, data=form.action_data())
                if status and status != need.status:
                    actions.need_close(actor=request.user, need=need, status=status)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The need “%(title)s” was saved.") % {"title": need.title})
            return _back_to(need)
    need.refresh_from_db()  # the page shows the need as stored, not as the refused form left it
    return _need_page(request, need, form=form, status=400)


@login_required
@require_POST
def need_prioritise(request: HttpRequest, need_id: int) -> HttpResponse:
    """The advisor sets a need's priority by hand with the reason, or goes back to the computed one."""
    require_hub_staff(request.user)
    need = get_need_for_user(request.user, need_id)
    form = PriorityForm(request.POST)
    if form.is_valid():
        try:
            actions.need_prioritise(
                actor=request.user,
                need=need,
                priority=form.cleaned_data["priority"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            apply_errors(form, error, NEED_ERROR_ALIASES)
        else:
            if need.priority_override is None:
                messages.success(request, _("“%(title)s” is back to its computed priority.") % {"title": need.title})
            else:
                messages.success(request, _("The priority of “%(title)s” was set.") % {"title": need.title})
            return _back_to(need)
    need.refresh_from_db()
    return _need_page(request, need, priority_form=form, status=400)
