"""The pilots pages: the project board by stage, a project's page with the forms that run it (partners, success
criteria and results, milestones, stage gates, bookings and usage, the go/no-go and the company's sign-off,
documents), a company's own projects, and the test facilities with their details and booking calendar.

Reads go through ``pilots.access`` (404 when not allowed), writes through ``pilots.actions``; an action's refusal
is put on the field it names and the page answers 400 with nothing written."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from moselle.accounts.access import is_hub_staff, member_organisation_ids, require_hub_staff
from moselle.accounts.forms import apply_errors
from moselle.catalogue.access import can_edit_offer
from moselle.catalogue.models import Offer
from moselle.core import files
from moselle.core.ids import row_id
from moselle.events.follow_up import CUSTOMER_KINDS
from moselle.funding.models import Application
from moselle.journeys.models import Need, RoadmapAction
from moselle.organisations.models import Organisation
from moselle.pilots import access, actions, queries
from moselle.pilots.forms import (
    BookingForm,
    CalendarForm,
    CriterionForm,
    DecisionForm,
    DocumentForm,
    FacilityForm,
    GateForm,
    MilestoneForm,
    PartnerForm,
    ProjectForm,
    ResultForm,
    SignOffForm,
    StopForm,
    UsageForm,
)
from moselle.pilots.models import Booking, Facility, Partner, Project, Stage
from moselle.reporting.access import delivering_partners, loggable_customers

EDITABLE_BY_PROVIDER = (Offer.Status.DRAFT, Offer.Status.SUBMITTED)


def _language() -> str:
    return (get_language() or "en")[:2]


class ActionForm(forms.Form):
    """A button's form (remove, cancel, done): it has no field, so an action's refusal is its form error."""


# --- The board -----------------------------------------------------------------------------------------------


@login_required
@require_GET
def project_board(request: HttpRequest) -> HttpResponse:
    """The projects by stage: the hub's staff see all of them, others the projects their organisation takes part
    in (as the company or a partner). Completed and stopped projects are listed apart."""
    access.require_board_reader(request.user)
    kind = request.GET.get("kind", "").strip()
    problem = ""
    projects = access.visible_projects(request.user)
    if kind and kind not in Project.Kind.values:
        problem = _("kind: choose proof of concept or pilot.")
    elif kind:
        projects = projects.filter(kind=kind)
    context = {
        "columns": queries.board(projects),
        "finished": queries.finished(projects),
        "kinds": Project.Kind.choices,
        "kind": kind if not problem else "",
        "problem": problem,
        "is_staff": is_hub_staff(request.user),
    }
    return render(request, "pilots/board.html", context, status=400 if problem else 200)


def _companies(user: Any) -> list[Organisation]:
    """The companies and public bodies of the registry a project can be opened for."""
    return list(loggable_customers(user).filter(kind_rows__kind__in=CUSTOMER_KINDS).distinct().only("pk", "name"))


@login_required
def project_create(request: HttpRequest) -> HttpResponse:
    """Open a proof of concept or a pilot for a company (the hub's staff). The company's needs and roadmap actions
    are offered once the company is known (``?organisation=`` from its projects page, or the form sent)."""
    require_hub_staff(request.user)
    companies = _companies(request.user)
    source = request.POST if request.method == "POST" else request.GET
    chosen = row_id(source.get("organisation"))
    organisation = next((o for o in companies if o.pk == chosen), None)
    needs = list(Need.objects.filter(organisation=organisation).order_by("title", "id")) if organisation else []
    roadmap_actions = (
        list(RoadmapAction.objects.filter(roadmap__organisation=organisation).order_by("title", "id"))
        if organisation
        else []
    )
    status = 200
    if request.method == "POST":
        form = ProjectForm(request.POST, companies=companies, needs=needs, actions=roadmap_actions)
        if form.is_valid() and organisation is not None:
            try:
                project = actions.project_create(
                    actor=request.user, organisation=organisation, data=form.data_for_action()
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The project is opened, in scoping."))
                return redirect("pilot_detail", project.pk)
        status = 400
    else:
        form = ProjectForm(
            initial={"organisation": organisation.pk if organisation else ""},
            companies=companies,
            needs=needs,
            actions=roadmap_actions,
        )
    context = {"form": form, "organisation": organisation}
    return render(request, "pilots/project_form.html", context, status=status)


@login_required
def project_edit(request: HttpRequest, project_id: int) -> HttpResponse:
    """Change a project in progress (the hub's staff): its kind, title, technologies, need or roadmap action,
    scope, objectives, planned dates, and its aid until the pilot starts."""
    project = access.get_project_for_staff(request.user, project_id)
    organisation = project.organisation
    needs = list(Need.objects.filter(organisation=organisation).order_by("title", "id"))
    roadmap_actions = list(RoadmapAction.objects.filter(roadmap__organisation=organisation).order_by("title", "id"))
    status = 200
    options: dict[str, Any] = {"companies": [organisation], "needs": needs, "actions": roadmap_actions}
    if request.method == "POST":
        form = ProjectForm(request.POST, **options)
        form.fields["organisation"].required = False
        if form.is_valid():
            try:
                actions.project_update(actor=request.user, project=project, data=form.data_for_action())
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The project is saved."))
                return redirect("pilot_detail", project.pk)
        status = 400
    else:
        form = ProjectForm(
            initial={
                "organisation": organisation.pk,
                "kind": project.kind,
                "title": project.title,
                "technologies": [t.name for t in project.technologies.all()],
                "need": project.need_id or "",
                "action": project.action_id or "",
                "scope": project.scope,
                "objectives": project.objectives,
                "starts_on": project.starts_on.isoformat(),
                "ends_on": project.ends_on.isoformat(),
                "aid_amount": project.aid_amount,
                "aid_basis": project.aid_basis,
            },
            **options,
        )
    form.fields["organisation"].disabled = True
    context = {"form": form, "organisation": organisation, "project": project}
    return render(request, "pilots/project_form.html", context, status=status)


# --- A project -------------------------------------------------------------------------------------------------


def _partner_choices(user: Any, project: Project, partners: list[Any]) -> list[Organisation]:
    taken = {project.organisation_id, *(p.organisation_id for p in partners)}
    return [o for o in delivering_partners(user).only("pk", "name") if o.pk not in taken]


def _bookable(user: Any, project: Project, partners: list[Any]) -> list[Facility]:
    """The published facilities the person may book for this project: any for the hub's staff; for a facility's
    owner, its own facilities when it is a partner of the project."""
    facilities = access.visible_facilities(user).filter(offer__status=Offer.Status.PUBLISHED).order_by("offer_id")
    if is_hub_staff(user):
        return list(facilities)
    own = member_organisation_ids(user) & {p.organisation_id for p in partners}
    return list(facilities.filter(offer__provider_id__in=own)) if own else []


def _project_page(
    request: HttpRequest, project: Project, bound: dict[str, forms.Form] | None = None, status: int = 200
) -> HttpResponse:
    """The project page; ``bound`` holds the form sent and refused (shown with its errors, status 400)."""
    user = request.user
    staff = is_hub_staff(user)
    own = member_organisation_ids(user)
    facts = queries.project_facts(project)
    today = timezone.localdate()
    is_open = project.is_open
    not_started = project.started_on is None
    shown: dict[str, forms.Form | None] = {}
    if staff and is_open:
        if not_started:
            shown["partner"] = PartnerForm(organisations=_partner_choices(user, project, facts.partners))
            shown["criterion"] = CriterionForm()
        shown["milestone"] = MilestoneForm(owners=[project.organisation, *(p.organisation for p in facts.partners)])
        if project.next_stage:
            shown["gate"] = GateForm(initial={"to_stage": project.next_stage})
        shown["stop"] = StopForm()
        if project.stage in (Stage.EVALUATION, Stage.DECISION):
            for criterion in facts.criteria:
                shown[f"result-{criterion.pk}"] = ResultForm(
                    criterion_id=criterion.pk,
                    initial={
                        "result": criterion.result,
                        "met": {True: "yes", False: "no"}.get(criterion.met, ""),
                    },
                )
        if project.stage == Stage.DECISION:
            applications = Application.objects.filter(organisation_id=project.organisation_id).select_related(
                "programme"
            )
            shown["decision"] = DecisionForm(applications=list(applications.order_by("-id")))
    bookable = _bookable(user, project, facts.partners) if is_open else []
    if bookable:
        shown["book"] = BookingForm(facilities=bookable)
    shown["document"] = DocumentForm()
    decided = project.status == Project.Status.DECIDED
    if decided and (project.organisation_id in own or (staff and not actions.has_members(project.organisation_id))):
        shown["sign_off"] = SignOffForm()
    # As ``actions.may_book``: the hub's staff and the facility's owner record use and cancel.
    booking_rights = {b.facility_id: staff or b.facility.offer.provider_id in own for b in facts.bookings}
    for booking in facts.bookings:
        if (
            booking_rights[booking.facility_id]
            and booking.status == Booking.Status.BOOKED
            and booking.period_start <= today
        ):
            shown[f"usage-{booking.pk}"] = UsageForm(booking_id=booking.pk, initial={"used": booking.used})
    shown.update(bound or {})
    partner_rows = [(p, staff and is_open and not_started) for p in facts.partners]
    criterion_rows = [(c, staff and is_open and not_started, shown.get(f"result-{c.pk}")) for c in facts.criteria]
    milestone_rows = [(m, is_open and m.done_on is None and (staff or m.owner_id in own)) for m in facts.milestones]
    booking_rows = [
        (
            b,
            booking_rights.get(b.facility_id, False) and b.status == Booking.Status.BOOKED and b.period_start > today,
            shown.get(f"usage-{b.pk}"),
        )
        for b in facts.bookings
    ]
    document_rows = [
        (d, staff or (d.file.uploaded_by_id is not None and d.file.uploaded_by_id == user.pk)) for d in facts.documents
    ]
    context = {
        "project": project,
        "facts": facts,
        "forms": shown,
        "partner_rows": partner_rows,
        "criterion_rows": criterion_rows,
        "criteria_actions": any(removable or form for _c, removable, form in criterion_rows),
        "milestone_rows": milestone_rows,
        "booking_rows": booking_rows,
        "document_rows": document_rows,
        "refused": [line for form in (bound or {}).values() for line in _error_lines(form)],
        "is_staff": staff,
        "is_company_member": project.organisation_id in own,
        "next_stage": Stage(project.next_stage).label if project.next_stage else "",
        "today": today,
        "used_total": sum(b.used or 0 for b in facts.bookings if b.status == Booking.Status.BOOKED),
        "booked_total": sum(b.units for b in facts.bookings if b.status == Booking.Status.BOOKED),
    }
    return render(request, "pilots/project.html", context, status=status)


def _error_lines(form: forms.Form) -> list[str]:
    lines = [str(message) for message in form.non_field_errors()]
    for name, errors in form.errors.items():
        if name in form.fields:
            label = form.fields[name].label or name
            lines.extend(f"{label}: {message}" for message in errors)
    return lines


def _refused(
    request: HttpRequest,
    project: Project,
    key: str,
    form: forms.Form,
    error: ValidationError | None = None,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    if error is not None:
        apply_errors(form, error, aliases)
    return _project_page(request, project, bound={key: form}, status=400)


def _saved(request: HttpRequest, message: str, project: Project, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("pilot_detail", args=[project.pk]) + f"#{anchor}")


def _submit(
    request: HttpRequest,
    project: Project,
    key: str,
    form: forms.Form | None,
    run: Callable[[dict[str, Any]], object],
    message: str | Callable[[], str],
    anchor: str,
    aliases: dict[str, str] | None = None,
) -> HttpResponse:
    """One of the project page's forms (or buttons, ``form`` None): the action runs on what the form cleaned; a
    refusal re-renders the page with the messages at the fields (400), a success goes back to ``anchor``."""
    form = form if form is not None else ActionForm(data={})
    if not form.is_valid():
        return _refused(request, project, key, form)
    try:
        run(form.cleaned_data)
    except ValidationError as error:
        return _refused(request, project, key, form, error, aliases)
    return _saved(request, message() if callable(message) else message, project, anchor)


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, project_id)
    return _project_page(request, project)


@login_required
@require_POST
def partner_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_staff(request.user, project_id)
    partners = list(project.partners.all())
    form = PartnerForm(request.POST, organisations=_partner_choices(request.user, project, partners))
    return _submit(
        request,
        project,
        "partner",
        form,
        lambda data: actions.partner_save(actor=request.user, project=project, data=data),
        _("The partner is added."),
        "partners",
    )


@login_required
@require_POST
def partner_remove(request: HttpRequest, partner_id: int) -> HttpResponse:
    partner = access.get_partner_for_staff(request.user, partner_id)
    return _submit(
        request,
        partner.project,
        "partner_remove",
        None,
        lambda data: actions.partner_remove(actor=request.user, partner=partner),
        _("The partner is removed."),
        "partners",
    )


@login_required
@require_POST
def criterion_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_staff(request.user, project_id)
    return _submit(
        request,
        project,
        "criterion",
        CriterionForm(request.POST),
        lambda data: actions.criterion_save(actor=request.user, project=project, data=data),
        _("The success criterion is added."),
        "criteria",
    )


@login_required
@require_POST
def criterion_remove(request: HttpRequest, criterion_id: int) -> HttpResponse:
    criterion = access.get_criterion_for_staff(request.user, criterion_id)
    return _submit(
        request,
        criterion.project,
        "criterion_remove",
        None,
        lambda data: actions.criterion_remove(actor=request.user, criterion=criterion),
        _("The success criterion is removed."),
        "criteria",
    )


@login_required
@require_POST
def criterion_result(request: HttpRequest, criterion_id: int) -> HttpResponse:
    criterion = access.get_criterion_for_staff(request.user, criterion_id)
    return _submit(
        request,
        criterion.project,
        f"result-{criterion.pk}",
        ResultForm(request.POST, criterion_id=criterion.pk),
        lambda data: actions.criterion_result(actor=request.user, criterion=criterion, data=data),
        _("The result is recorded."),
        "criteria",
    )


@login_required
@require_POST
def milestone_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_staff(request.user, project_id)
    owners = [project.organisation, *(p.organisation for p in project.partners.select_related("organisation"))]
    return _submit(
        request,
        project,
        "milestone",
        MilestoneForm(request.POST, owners=owners),
        lambda data: actions.milestone_save(actor=request.user, project=project, data=data),
        _("The milestone is planned."),
        "milestones",
    )


@login_required
@require_POST
def milestone_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    """Mark a milestone done: the hub's staff, or the members of the organisation that owes it."""
    milestone = access.get_milestone_for_user(request.user, milestone_id)
    done_on = request.POST.get("done_on") or None
    return _submit(
        request,
        milestone.project,
        "milestone_done",
        None,
        lambda data: actions.milestone_done(actor=request.user, milestone=milestone, done_on=done_on),
        _("The milestone is done."),
        "milestones",
    )


@login_required
@require_POST
def gate_pass(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_staff(request.user, project_id)

    def passed() -> str:
        project.refresh_from_db()
        return _("The project passed into %(stage)s.") % {"stage": Stage(project.stage).label}

    return _submit(
        request,
        project,
        "gate",
        GateForm(request.POST),
        lambda data: actions.gate_pass(
            actor=request.user, project=project, to_stage=data["to_stage"], reason=data["reason"]
        ),
        passed,
        "stages",
        # A gate refused for what the project lacks, or for its aid, is the form's message, not one field's.
        {"to_stage": "", "aid_amount": ""},
    )


@login_required
@require_POST
def project_stop(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_staff(request.user, project_id)
    return _submit(
        request,
        project,
        "stop",
        StopForm(request.POST),
        lambda data: actions.project_stop(actor=request.user, project=project, reason=data["reason"]),
        _("The project is stopped."),
        "stages",
    )


@login_required
@require_POST
def booking_add(request: HttpRequest, project_id: int) -> HttpResponse:
    """Book a facility for the project: the hub's staff, or a facility's owner that is a partner of it."""
    project = access.get_project_for_user(request.user, project_id)
    bookable = _bookable(request.user, project, list(project.partners.all()))
    if not bookable:
        raise Http404
    form = BookingForm(request.POST, facilities=bookable)
    if not form.is_valid():
        return _refused(request, project, "book", form)
    data = dict(form.cleaned_data)
    chosen = data.pop("facility")
    facility = next(f for f in bookable if f.pk == chosen)
    try:
        made = actions.book(actor=request.user, project=project, facility=facility, data=data)
    except ValidationError as error:
        return _refused(request, project, "book", form, error)
    message = ngettext(
        "%(units)d %(unit)s booked in %(count)d period.",
        "%(units)d %(unit)s booked in each of %(count)d periods.",
        len(made),
    ) % {"units": made[0].units, "unit": facility.get_unit_display(), "count": len(made)}
    return _saved(request, message, project, "bookings")


@login_required
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = access.get_booking_for_user(request.user, booking_id)
    try:
        actions.booking_cancel(actor=request.user, booking=booking)
    except ValidationError as error:
        return _booking_refused(request, booking, "booking_cancel", ActionForm(data={}), error)
    return _booking_saved(request, booking, _("The booking is cancelled."))


@login_required
@require_POST
def usage_record(request: HttpRequest, booking_id: int) -> HttpResponse:
    """The units a project used of a booking: the hub's staff and the facility's owner."""
    booking = access.get_booking_for_user(request.user, booking_id)
    key = f"usage-{booking.pk}"
    form = UsageForm(request.POST, booking_id=booking.pk)
    if not form.is_valid():
        return _booking_refused(request, booking, key, form)
    try:
        actions.usage_record(actor=request.user, booking=booking, used=form.cleaned_data["used"])
    except ValidationError as error:
        return _booking_refused(request, booking, key, form, error)
    return _booking_saved(request, booking, _("The use is recorded."))


def _booking_refused(
    request: HttpRequest, booking: Booking, key: str, form: forms.Form, error: ValidationError | None = None
) -> HttpResponse:
    """A facility's owner may act on bookings of projects it does not see: it gets the facility's page."""
    if access.can_see_project(request.user, booking.project):
        return _refused(request, booking.project, key, form, error)
    if error is not None:
        apply_errors(form, error)
    for line in _error_lines(form):
        messages.error(request, line)
    return redirect("facility_detail", booking.facility.offer_id)


def _booking_saved(request: HttpRequest, booking: Booking, message: str) -> HttpResponse:
    if access.can_see_project(request.user, booking.project):
        return _saved(request, message, booking.project, "bookings")
    messages.success(request, message)
    return redirect("facility_detail", booking.facility.offer_id)


@login_required
@require_POST
def decision_record(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_staff(request.user, project_id)
    applications = list(Application.objects.filter(organisation_id=project.organisation_id).select_related("programme"))
    return _submit(
        request,
        project,
        "decision",
        DecisionForm(request.POST, applications=applications),
        lambda data: actions.decision_record(actor=request.user, project=project, data=data),
        _("The decision is recorded; the company signs it off."),
        "decision",
    )


@login_required
@require_POST
def sign_off(request: HttpRequest, project_id: int) -> HttpResponse:
    """The company's sign-off of the outcome (one of its members; the hub for a company without members)."""
    project = access.get_project_for_user(request.user, project_id)
    return _submit(
        request,
        project,
        "sign_off",
        SignOffForm(request.POST),
        lambda data: actions.sign_off(actor=request.user, project=project, note=data["note"]),
        _("The outcome is signed off: the project is completed."),
        "decision",
    )


@login_required
@require_POST
def document_add(request: HttpRequest, project_id: int) -> HttpResponse:
    project = access.get_project_for_user(request.user, project_id)
    return _submit(
        request,
        project,
        "document",
        DocumentForm(request.POST, request.FILES),
        lambda data: actions.document_add(
            actor=request.user, project=project, upload=data["file"], title=data["title"]
        ),
        _("The document is added."),
        "documents",
    )


@login_required
@require_GET
def document_download(request: HttpRequest, document_id: int) -> FileResponse:
    """A project's document, as an attachment, to those who see the project (404 for anyone else)."""
    document = access.get_document_for_user(request.user, document_id)
    stored = document.file
    path = files.absolute_path(stored)
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"), as_attachment=True, filename=stored.original_name, content_type=stored.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def document_remove(request: HttpRequest, document_id: int) -> HttpResponse:
    """The hub's staff, or who uploaded it, remove a document; anyone else learns nothing of the route (404)."""
    document = access.get_document_for_user(request.user, document_id)
    if not (is_hub_staff(request.user) or document.file.uploaded_by_id == request.user.pk):
        raise Http404
    return _submit(
        request,
        document.project,
        "document_remove",
        None,
        lambda data: actions.document_remove(actor=request.user, document=document),
        _("The document is removed."),
        "documents",
    )


# --- A company's projects ----------------------------------------------------------------------------------------


@login_required
@require_GET
def company_pilots(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The company's proofs of concept and pilots: stage, status, next milestone, and its sign-off to give."""
    organisation = access.get_company_for_pilots(request.user, organisation_id)
    projects = queries.company_projects(access.visible_projects(request.user).filter(organisation=organisation))
    context = {
        "organisation": organisation,
        "projects": projects,
        "is_staff": is_hub_staff(request.user),
        "is_member": organisation.pk in member_organisation_ids(request.user),
    }
    return render(request, "pilots/company.html", context)


# --- Facilities --------------------------------------------------------------------------------------------------


@require_GET
def facility_list(request: HttpRequest) -> HttpResponse:
    """The test facilities: kind, owner, unit, capacity per period and when they can be booked."""
    facilities = access.visible_facilities(request.user).order_by("offer_id")
    rows = [(f, actions.availability_text(f)) for f in facilities]
    return render(request, "pilots/facilities.html", {"rows": rows})


def _may_edit_facility(user: Any, offer: Offer) -> bool:
    """As ``facility_save`` allows: the hub's staff, and the provider's members while the offer is not published."""
    return can_edit_offer(user, offer) and (is_hub_staff(user) or offer.status in EDITABLE_BY_PROVIDER)


def _calendar_context(request: HttpRequest, facility: Facility) -> dict[str, Any]:
    view, day = queries.calendar_params(request.GET.get("view"), request.GET.get("date"))
    return {
        "calendar": queries.calendar(facility, request.user, view, day),
        "calendar_form": CalendarForm(initial={"view": view, "date": day.isoformat()}),
        "today": timezone.localdate(),
    }


@require_GET
def facility_detail(request: HttpRequest, offer_id: int) -> HttpResponse:
    """A facility: its offer, owner, access conditions, unit and capacity, and its calendar."""
    offer = access.get_facility_offer_for_user(request.user, offer_id)
    facility = queries.facility_of(offer)
    context: dict[str, Any] = {
        "offer": offer,
        "facility": facility,
        "can_edit": _may_edit_facility(request.user, offer),
        "availability": actions.availability_text(facility) if facility else "",
        "open_days": ", ".join(str(WEEKDAYS[day]) for day in facility.open_weekdays if day in WEEKDAYS)
        if facility
        else "",
    }
    if facility is not None:
        context.update(_calendar_context(request, facility))
        if actions.may_book(request.user, facility):
            context["owner_bookings"] = _owner_bookings(request.user, facility)
    return render(request, "pilots/facility.html", context)


def _owner_bookings(user: Any, facility: Facility) -> list[tuple[Booking, bool, Any, bool]]:
    """The facility's bookings of the last three months and to come, for the hub's staff and the owner's members,
    who record the units used (a project they do not see is named by nothing but its bookings)."""
    today = timezone.localdate()
    since = facility.period_of(today - timedelta(days=92))
    bookings = list(
        Booking.objects.filter(facility=facility, status=Booking.Status.BOOKED, period_start__gte=since)
        .select_related("project")
        .order_by("period_start", "id")[:200]
    )
    ids = {b.project_id for b in bookings}
    seen = set(access.visible_projects(user).filter(pk__in=ids).values_list("pk", flat=True))
    # As ``actions.may_cancel``: the owner cancels the bookings of the projects it is a partner of.
    owner = facility.offer.provider_id
    partnered = set(
        Partner.objects.filter(project_id__in=ids, organisation_id=owner).values_list("project_id", flat=True)
    )
    rows = []
    for booking in bookings:
        begun = booking.period_start <= today
        usage = UsageForm(initial={"used": booking.used}, booking_id=booking.pk) if begun else None
        taking_part = booking.project_id in partnered or booking.project.organisation_id == owner
        cancellable = not begun and (is_hub_staff(user) or taking_part)
        rows.append((booking, booking.project_id in seen, usage, cancellable))
    return rows


@require_GET
def facility_calendar(request: HttpRequest, offer_id: int) -> HttpResponse:
    """The calendar alone: a month or a week; htmx asks for the fragment when moving from one to the next."""
    facility = access.get_facility_for_user(request.user, offer_id)
    context = {"offer": facility.offer, "facility": facility, **_calendar_context(request, facility)}
    if getattr(request, "htmx", False):
        return render(request, "pilots/partials/calendar.html", context)
    return render(request, "pilots/calendar.html", context)


@login_required
def facility_edit(request: HttpRequest, offer_id: int) -> HttpResponse:
    """Give a test-facility offer its details or change them (the hub's staff; the provider before publication)."""
    offer = access.get_facility_offer_for_edit(request.user, offer_id)
    facility = queries.facility_of(offer)
    language = _language()
    status = 200
    if request.method == "POST":
        form = FacilityForm(request.POST)
        if form.is_valid():
            existing = dict(facility.access_conditions) if facility else {}
            try:
                actions.facility_save(actor=request.user, offer=offer, data=form.data_for_action(language, existing))
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("The facility's details are saved."))
                return redirect("facility_detail", offer.pk)
        status = 400
    elif facility is not None:
        form = FacilityForm(
            initial={
                "kind": facility.kind,
                "unit": facility.unit,
                "capacity": facility.capacity,
                "period": facility.period,
                "access_conditions": (facility.access_conditions or {}).get(language, ""),
                "available_from": facility.available_from.isoformat(),
                "available_until": facility.available_until.isoformat() if facility.available_until else "",
                "open_weekdays": [str(day) for day in facility.open_weekdays],
                "price_per_unit": facility.price_per_unit,
            }
        )
    else:
        form = FacilityForm(
            initial={
                "period": Facility.Period.DAY,
                "available_from": timezone.localdate().isoformat(),
                "open_weekdays": ["0", "1", "2", "3", "4"],
            }
        )
    context = {"form": form, "offer": offer, "facility": facility}
    return render(request, "pilots/facility_form.html", context, status=status)
