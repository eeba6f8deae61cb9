"""Pages of the journey: the public request for help, the triage queue, the advisor's cases, the pipeline
board, a case's page, an organisation's timeline and the advisor's tasks. Reads go through
``journeys.access`` (404 when not allowed), writes through ``journeys.actions``; an action's refusal is put on
the field it names and the page answers 400. Needs, roadmaps and referrals have their own modules."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from moselle.accounts.access import is_hub_staff, require_hub_staff
from moselle.accounts.forms import apply_errors
from moselle.accounts.models import User
from moselle.journeys import actions, queries
from moselle.journeys.access import (
    get_case_for_user,
    get_case_to_manage,
    get_task_for_user,
    timeline_for_user,
    visible_cases,
    visible_referrals,
    visible_tasks,
)
from moselle.journeys.forms_cases import (
    ActivityForm,
    BoardFilterForm,
    CaseCreateForm,
    CloseForm,
    MoveForm,
    NextStepForm,
    RequestHelpForm,
    TaskForm,
    TriageForm,
    triage_choices,
)
from moselle.journeys.models import STAGE_ORDER, Activity, Case, Stage, StageMove, Task
from moselle.organisations.access import get_organisation_for_user

PAGE_SIZE = 30
FILTERS = ("owner", "sector", "size", "technology")  # the board's filters, kept across its moves
TIMELINE_ON_CASE = 20
NEEDS_ON_CASE = 5


# --- The request for help ----------------------------------------------------------------------------


def request_help(request: HttpRequest) -> HttpResponse:
    """Anyone may ask the hub for help; a signed-in person finds their name and e-mail filled in."""
    initial: dict[str, Any] = {}
    if request.user.is_authenticated:
        initial = {"name": getattr(request.user, "full_name", ""), "email": getattr(request.user, "email", "")}
    form = RequestHelpForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        form.is_valid()
        try:
            actions.intake_submit(actor=request.user, data=form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
            status = 400
        else:
            return redirect("request_help_sent")
    return render(request, "journeys/request_help.html", {"form": form}, status=status)


def request_help_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "journeys/request_help_sent.html")


# --- Lists ----------------------------------------------------------------------------------------------


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """An advisor's cases (every open case with ``?all=1``); a company member's own organisation's cases."""
    staff = is_hub_staff(request.user)
    cases = visible_cases(request.user).select_related("organisation", "owner")
    everyone = request.GET.get("all") == "1"
    if staff and not everyone and "all" not in request.GET:
        # A manager who holds no case of their own starts from every case.
        everyone = not cases.filter(owner_id=request.user.pk).exclude(status=Case.Status.CLOSED).exists()
    if staff and not everyone:
        cases = cases.filter(owner_id=request.user.pk)
    if request.GET.get("closed") != "1":
        cases = cases.exclude(status=Case.Status.CLOSED)
    page = Paginator(cases.order_by("-updated_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "journeys/cases/list.html",
        {"page": page, "staff": staff, "everyone": everyone, "closed": request.GET.get("closed") == "1"},
    )


@login_required
def triage_queue(request: HttpRequest) -> HttpResponse:
    require_hub_staff(request.user)
    cases = list(queries.triage_queue(visible_cases(request.user)))
    choices = triage_choices()
    rows = [
        (
            case,
            TriageForm(
                prefix=f"t{case.pk}",
                initial={
                    "owner": request.user.pk,
                    "organisation": case.organisation_id
                    or (
                        choices.organisation_named(case.request.organisation_name, case.request.country)
                        if hasattr(case, "request")
                        else None
                    ),
                },
                choices=choices,
            ),
            CloseForm(prefix=f"c{case.pk}"),
        )
        for case in cases
    ]
    return render(request, "journeys/cases/triage.html", {"rows": rows})


@login_required
def pipeline_board(request: HttpRequest) -> HttpResponse:
    require_hub_staff(request.user)
    return render(request, _board_template(request), _board_context(request))


def _board_template(request: HttpRequest) -> str:
    return "journeys/cases/partials/board.html" if getattr(request, "htmx", False) else "journeys/cases/board.html"


def _board_context(request: HttpRequest) -> dict[str, Any]:
    source = request.GET if request.method == "GET" else request.POST
    form = BoardFilterForm({key: source.get(key, "") for key in FILTERS})
    values = form.cleaned_data if form.is_valid() else {}
    filters = queries.BoardFilters(
        owner=values["owner"].pk if values.get("owner") else None,
        sector=values.get("sector") or "",
        size=values.get("size") or "",
        technology=values["technology"].pk if values.get("technology") else None,
    )
    cases = queries.board_cases(visible_cases(request.user), filters).annotate(
        open_needs=Count("needs", filter=Q(needs__status="open"), distinct=True)
    )
    columns = queries.by_stage(cases)
    for column in columns.values():
        for case in column:
            here = STAGE_ORDER[Stage(case.stage)]
            case.moves_to = [  # type: ignore[attr-defined]
                (value, label, STAGE_ORDER[Stage(value)] < here)
                for value, label in Stage.choices
                if value != case.stage
            ]
    query = urlencode([(key, source[key]) for key in FILTERS if source.get(key)])
    return {
        "form": form,
        "columns": [(Stage(stage), columns[stage]) for stage in columns],
        "query": query,
    }


# --- A case --------------------------------------------------------------------------------------------


@login_required
def case_create(request: HttpRequest) -> HttpResponse:
    """An advisor's quick entry: a case at Inform for an organisation of the registry."""
    require_hub_staff(request.user)
    initial = {"organisation": request.GET.get("organisation")} if request.GET.get("organisation") else {}
    form = CaseCreateForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                case = actions.case_open(
                    actor=request.user,
                    organisation=form.cleaned_data["organisation"],
                    title=form.cleaned_data["title"],
                    categories=form.cleaned_data["categories"],
                    owner=form.cleaned_data["owner"],
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Case opened."))
                return redirect("case_detail", case_id=case.pk)
        status = 400
    return render(request, "journeys/cases/new.html", {"form": form}, status=status)


@login_required
def case_detail(
    request: HttpRequest, case_id: int, forms: dict[str, Any] | None = None, status: int = 200
) -> HttpResponse:
    case = get_case_for_user(request.user, case_id)
    staff = is_hub_staff(request.user)
    forms = forms or {}
    context: dict[str, Any] = {
        "case": case,
        "staff": staff,
        "moves": list(StageMove.objects.filter(case=case).select_related("by")),
        "needs": (needs := queries.case_needs(case))[:NEEDS_ON_CASE],
        "more_needs": max(0, len(needs) - NEEDS_ON_CASE),
        "roadmap": getattr(case, "roadmap", None),
        "referrals": list(
            visible_referrals(request.user).filter(case=case).select_related("recipient").order_by("-created_at")
        ),
    }
    if staff:
        context.update(
            {
                "request_for_help": getattr(case, "request", None),
                "move_form": forms.get("move") or MoveForm(initial={"stage": _next_stage(case)}),
                "close_form": forms.get("close") or CloseForm(),
                "next_form": forms.get("next")
                or NextStepForm(
                    initial={"next_step": case.next_step, "next_step_due": case.next_step_due, "owner": case.owner_id}
                ),
                "triage_form": forms.get("triage") or TriageForm(initial={"owner": request.user.pk}),
                "task_form": forms.get("task") or TaskForm(initial={"assignee": request.user.pk}),
                "tasks": list(case.tasks.select_related("assignee").order_by("status", "due_on", "id")),
                "timeline": [
                    (entry, _target_url(entry))
                    for entry in timeline_for_user(request.user, case.organisation_id).select_related("actor")[
                        :TIMELINE_ON_CASE
                    ]
                ]
                if case.organisation_id
                else [],
            }
        )
    return render(request, "journeys/cases/detail.html", context, status=status)


def _next_stage(case: Case) -> str:
    order = sorted(Stage.values, key=lambda s: STAGE_ORDER[Stage(s)])
    index = order.index(case.stage)
    return order[min(index + 1, len(order) - 1)]


@login_required
@require_POST
def case_triage(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_to_manage(request.user, case_id)
    prefix = request.POST.get("prefix") or None
    form = TriageForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            actions.case_triage(
                actor=request.user,
                case=case,
                owner=form.cleaned_data["owner"],
                organisation=form.cleaned_data["organisation"],
                register=form.cleaned_data["register"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("The case is now with its advisor."))
            return redirect("case_detail", case_id=case.pk)
    if prefix:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("triage_queue")
    return case_detail(request, case_id, {"triage": form}, status=400)


@login_required
@require_POST
def case_move(request: HttpRequest, case_id: int) -> HttpResponse:
    """Move a case on the board or from its page; from the board (htmx) the board comes back redrawn."""
    case = get_case_to_manage(request.user, case_id)
    form = MoveForm(request.POST)
    error_text = ""
    if form.is_valid():
        try:
            actions.case_move(
                actor=request.user, case=case, stage=form.cleaned_data["stage"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_errors(form, error)
            error_text = " ".join(error.messages)
    else:
        error_text = " ".join(str(e) for errors in form.errors.values() for e in errors)
    from_board = request.POST.get("from") == "board"
    if from_board and getattr(request, "htmx", False):
        context = _board_context(request)
        context["board_error"] = error_text
        return render(request, "journeys/cases/partials/board.html", context, status=400 if error_text else 200)
    if error_text:
        if from_board:
            messages.error(request, error_text)
            return redirect(reverse("pipeline_board") + _board_query(request))
        return case_detail(request, case_id, {"move": form}, status=400)
    messages.success(request, _("Case moved to %(stage)s.") % {"stage": Stage(case.stage).label})
    if from_board:
        return redirect(reverse("pipeline_board") + _board_query(request))
    return redirect("case_detail", case_id=case.pk)


def _board_query(request: HttpRequest) -> str:
    query = urlencode(
        [(key, request.POST[key]) for key in ("owner", "sector", "size", "technology") if request.POST.get(key)]
    )
    return f"?{query}" if query else ""


@login_required
@require_POST
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_to_manage(request.user, case_id)
    prefix = request.POST.get("prefix") or None
    form = CloseForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            actions.case_close(
                actor=request.user, case=case, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Case closed."))
            return redirect("triage_queue" if prefix else "case_list")
    if prefix:
        messages.error(request, _("Choose why the case is closed."))
        return redirect("triage_queue")
    return case_detail(request, case_id, {"close": form}, status=400)


@login_required
@require_POST
def case_update(request: HttpRequest, case_id: int) -> HttpResponse:
    case = get_case_to_manage(request.user, case_id)
    form = NextStepForm(request.POST)
    if form.is_valid():
        try:
            actions.case_update(
                actor=request.user,
                case=case,
                next_step=form.cleaned_data["next_step"],
                next_step_due=form.cleaned_data["next_step_due"],
                owner=form.cleaned_data["owner"],
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Next step saved."))
            return redirect("case_detail", case_id=case.pk)
    return case_detail(request, case_id, {"next": form}, status=400)


# --- The timeline ------------------------------------------------------------------------------------------

TARGET_PAGES = {
    "journeys.case": ("case_detail", "case_id"),
    "journeys.need": ("need_edit", "need_id"),
    "journeys.roadmap": ("roadmap_detail", "roadmap_id"),
    "journeys.roadmapaction": ("roadmap_action_edit", "action_id"),
    "journeys.referral": ("referral_detail", "referral_id"),
}


def _target_url(entry: Activity) -> str:
    """The page of the row an entry points at, when it has one."""
    page = TARGET_PAGES.get(entry.target_type)
    if page is None or entry.target_id is None:
        return ""
    try:
        return reverse(page[0], kwargs={page[1]: entry.target_id})
    except NoReverseMatch:
        return ""


@login_required
def organisation_timeline(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """Everything the hub did with an organisation, newest first; an advisor logs a meeting, call or note."""
    require_hub_staff(request.user)
    organisation = get_organisation_for_user(request.user, organisation_id)
    form = ActivityForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            day = form.cleaned_data["at"]
            when = None
            if day is not None:
                when = timezone.make_aware(datetime.combine(day, time(12, 0)))
                if day == timezone.localdate():
                    when = None
            try:
                actions.activity_log(
                    actor=request.user,
                    organisation=organisation,
                    kind=form.cleaned_data["kind"],
                    summary=form.cleaned_data["summary"],
                    at=when,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Logged on the timeline."))
                return redirect("organisation_timeline", organisation_id=organisation.pk)
        status = 400
    entries = timeline_for_user(request.user, organisation.pk).select_related("actor", "case")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [(entry, _target_url(entry)) for entry in page]
    return render(
        request,
        "journeys/timeline.html",
        {"organisation": organisation, "page": page, "rows": rows, "form": form},
        status=status,
    )


# --- Tasks -------------------------------------------------------------------------------------------------


@login_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The advisor's open tasks, the overdue first, and a form to add one (to a case with ``?case=``)."""
    require_hub_staff(request.user)
    user = request.user
    assert isinstance(user, User)
    case = None
    case_id = request.POST.get("case") or request.GET.get("case")
    if case_id:
        if not str(case_id).isdigit():
            raise Http404
        case = get_case_to_manage(request.user, int(case_id))
    form = TaskForm(request.POST or None, initial={"assignee": request.user.pk})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                actions.task_create(
                    actor=request.user,
                    title=form.cleaned_data["title"],
                    assignee=form.cleaned_data["assignee"],
                    due_on=form.cleaned_data["due_on"],
                    case=case,
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Task added."))
                if case is not None:
                    return redirect("case_detail", case_id=case.pk)
                return redirect("my_tasks")
        status = 400
    tasks = (
        visible_tasks(request.user)
        .filter(assignee=user, status=Task.Status.OPEN)
        .select_related("organisation", "case")
        .order_by("due_on", "id")
    )
    done = (
        visible_tasks(request.user)
        .filter(assignee=user, status=Task.Status.DONE)
        .select_related("organisation", "case")
        .order_by("-done_at")[:10]
    )
    cases = (
        visible_cases(request.user)
        .filter(owner=user, status=Case.Status.OPEN)
        .select_related("organisation")
        .prefetch_related(Prefetch("tasks", queryset=Task.objects.filter(status=Task.Status.OPEN)))
        .order_by("next_step_due", "-updated_at")[:PAGE_SIZE]
    )
    return render(
        request,
        "journeys/tasks.html",
        {
            "tasks": list(tasks),
            "done": list(done),
            "form": form,
            "case": case,
            "today": timezone.localdate(),
            "cases": list(cases),
        },
        status=status,
    )


@login_required
@require_POST
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(request.user, task_id)
    actions.task_done(actor=request.user, task=task, done=request.POST.get("done", "1") == "1")
    messages.success(request, _("Task updated."))
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("my_tasks")
