"""API of test before invest: the proofs of concept and pilots the hub runs for companies with their partners,
success criteria, milestones, stage gates, bookings, aid, go/no-go, the company's sign-off and documents (the
facilities and their calendars are in ``pilots.api_facilities``).

Every read goes through ``pilots.access`` (someone who may not see a project, or one of its rows, gets 404, as
if it did not exist); every write through ``pilots.actions``, which names every bad field (422) and writes
nothing then. A facility's calendar shows everyone the units booked and free, and the projects behind the
bookings only to those who see them. Amounts are decimal strings in answers (numbers or strings in requests).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from moselle.accounts.access import require_hub_staff
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits, paginate
from moselle.core.files import ALLOWED_TYPES, absolute_path
from moselle.core.ids import TOP
from moselle.organisations.models import Organisation
from moselle.pilots import access, actions
from moselle.pilots.checks import LATEST
from moselle.pilots.models import Booking, Criterion, Document, Facility, Gate, Milestone, Partner, Project
from moselle.reporting.actions import EARLIEST

router = Router(tags=["pilots"])

TRANSLATED = 'Text per language: {"en": …, "fr": …, "de": …}.'
MONEY_HELP = "Euros with at most two decimals, as a string or a number."
FacilityKind = Literal["hpc", "ai_lab", "cyber_range", "pilot_line", "testbed_5g", "other"]
FacilityUnit = Literal["core_hours", "gpu_hours", "lab_days", "line_shifts", "testbed_days"]
FacilityPeriod = Literal["day", "week", "month"]
OfferStatus = Literal["draft", "submitted", "published", "archived"]
StageName = Literal["scoping", "feasibility", "execution", "evaluation", "decision"]
ProjectKind = Literal["poc", "pilot"]
ProjectStatus = Literal["active", "stopped", "decided", "completed"]
AidBasisName = Literal["de_minimis", "gber", "none"]
PartnerRole = Literal["performs", "advises", "facility", "other"]
MilestoneKind = Literal["milestone", "deliverable"]
BookingStatus = Literal["booked", "cancelled"]

# The days a calendar or a booking may name: the periods are counted a day past the last one, which must exist.
CALENDAR_DAYS = 366
CALENDAR_DEFAULT_DAYS = 31


def _day(value: date | None, field: str) -> None:
    if value is not None and not EARLIEST <= value <= LATEST:
        raise ValidationError(
            {field: _("Give a date from %(first)s to %(last)s.") % {"first": EARLIEST, "last": LATEST}}
        )


# --- Shared pieces -----------------------------------------------------------------------------------------------


class PilotOrganisationOut(Schema):
    id: int = Field(description="The organisation's id in the registry.")
    name: str


class PilotPersonOut(Schema):
    id: int = Field(description="The account's id.")
    name: str = Field(description="The person's full name; empty when they gave none.")


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return {"id": organisation.pk, "name": organisation.name}


def _person(user: Any) -> dict[str, Any] | None:
    return {"id": user.pk, "name": user.full_name} if user is not None else None


# --- Projects ----------------------------------------------------------------------------------------------------


class PilotSummaryOut(Schema):
    id: int
    kind: ProjectKind = Field(description="poc: a proof of concept; pilot: a pilot.")
    title: str
    organisation: PilotOrganisationOut = Field(description="The company (or public body) the project is for.")
    stage: StageName = Field(
        description="scoping, feasibility, execution (the proof of concept or pilot), "
        "evaluation, decision (the go/no-go)."
    )
    status: ProjectStatus = Field(
        description="active, stopped (at a gate), decided (awaiting the company's sign-off) or completed."
    )
    starts_on: date = Field(description="The planned start.")
    ends_on: date = Field(description="The planned end.")
    started_on: date | None = Field(description="The day the proof of concept or pilot started; null before.")
    created_at: datetime


class PilotPartnerOut(Schema):
    id: int = Field(description="The partner's id on this project (``/pilots/partners/{id}``).")
    organisation: PilotOrganisationOut
    role: PartnerRole = Field(description="performs (does the work), advises, facility (provides it) or other.")
    contribution: str
    budget: Decimal = Field(description="EUR: the partner's share of the project's budget.")


class PilotCriterionOut(Schema):
    id: int
    text: str = Field(description="The success criterion, agreed before the work started.")
    target: str
    result: str = Field(description="What was measured against it; empty until the evaluation.")
    met: bool | None = Field(description="Null until a result is recorded.")


class PilotMilestoneOut(Schema):
    id: int
    kind: MilestoneKind
    title: str
    due_on: date
    owner: PilotOrganisationOut = Field(description="The organisation that owes it: the company or a partner.")
    done_on: date | None


class PilotGateOut(Schema):
    id: int
    from_stage: StageName
    to_stage: StageName | None = Field(description="Null when the project was stopped at this gate.")
    passed: bool = Field(description="False: the project stopped here.")
    reason: str = Field(description="Why.")
    decided_by: PilotPersonOut | None
    decided_at: datetime


class PilotBookingOut(Schema):
    id: int
    facility: int = Field(description="The test-facility offer's id.")
    facility_title: dict[str, str] = Field(description=TRANSLATED)
    unit: FacilityUnit
    period_start: date
    period_end: date
    units: int
    used: int | None = Field(description="Units used, recorded once the period began.")
    status: BookingStatus
    note: str
    booked_at: datetime


class PilotDocumentOut(Schema):
    id: int = Field(description="The document's id: ``/pilots/documents/{id}`` gives its bytes.")
    title: str
    name: str = Field(description="The file's name as uploaded.")
    content_type: str = Field(description="The type recognised from the bytes.")
    size: int = Field(description="Bytes.")
    sha256: str = Field(description="The SHA-256 of the bytes, in hexadecimal.")
    uploaded_at: datetime


class PilotDecisionOut(Schema):
    decision: Literal["go", "no_go"]
    reason: str
    decided_by: PilotPersonOut | None
    decided_on: date | None
    lessons: str
    next_steps: str
    next_action: int | None = Field(description="The roadmap action that follows, if one was added.")
    investment: int | None = Field(description="The investment triggered, in funding's table, if any.")
    application: int | None = Field(description="The company's funding application that follows, if any.")


class PilotSignOffOut(Schema):
    signed_off_by: PilotPersonOut | None
    signed_off_at: datetime
    note: str = Field(description="The company's remark.")


class PilotOut(PilotSummaryOut):
    technologies: list[str] = Field(description="The technology areas, by their EDIH catalogue name.")
    need: int | None = Field(description="The company's need the project answers, if named.")
    action: int | None = Field(description="The roadmap action the project answers, if named.")
    scope: str
    objectives: str
    advisor: PilotPersonOut | None = Field(description="The hub's advisor who runs it.")
    budget: Decimal = Field(description="EUR: the partners' budgets added up (the service record's price).")
    aid_amount: Decimal = Field(description="EUR: aid of national or regional public nature.")
    aid_basis: AidBasisName
    grant: int | None = Field(description="The grant recorded when the pilot started (``/aid/grants/{id}``).")
    grant_number: str = Field(description="The number of the grant's written notice; empty without a grant.")
    service_record: int | None = Field(description="The service record opened when the pilot started.")
    stopped_reason: str = Field(description="Why the project stopped; empty unless stopped.")
    decision: PilotDecisionOut | None = Field(description="The go/no-go, once recorded.")
    sign_off: PilotSignOffOut | None = Field(description="The company's sign-off, once given.")
    partners: list[PilotPartnerOut]
    criteria: list[PilotCriterionOut] = Field(description="The success criteria with their results.")
    milestones: list[PilotMilestoneOut] = Field(description="Milestones and deliverables, by due date.")
    gates: list[PilotGateOut] = Field(description="The stage gates passed (or where it stopped), in order.")
    bookings: list[PilotBookingOut] = Field(description="Its bookings of facilities, cancelled ones included.")
    documents: list[PilotDocumentOut] = Field(description="What is known of its documents; the bytes are apart.")
    updated_at: datetime


def summary_out(project: Project) -> dict[str, Any]:
    return {
        "id": project.pk,
        "kind": project.kind,
        "title": project.title,
        "organisation": _organisation(project.organisation),
        "stage": project.stage,
        "status": project.status,
        "starts_on": project.starts_on,
        "ends_on": project.ends_on,
        "started_on": project.started_on,
        "created_at": project.created_at,
    }


def partner_out(partner: Partner) -> dict[str, Any]:
    return {
        "id": partner.pk,
        "organisation": _organisation(partner.organisation),
        "role": partner.role,
        "contribution": partner.contribution,
        "budget": partner.budget,
    }


def criterion_out(criterion: Criterion) -> dict[str, Any]:
    return {
        "id": criterion.pk,
        "text": criterion.text,
        "target": criterion.target,
        "result": criterion.result,
        "met": criterion.met,
    }


def milestone_out(milestone: Milestone) -> dict[str, Any]:
    return {
        "id": milestone.pk,
        "kind": milestone.kind,
        "title": milestone.title,
        "due_on": milestone.due_on,
        "owner": _organisation(milestone.owner),
        "done_on": milestone.done_on,
    }


def gate_out(gate: Gate) -> dict[str, Any]:
    return {
        "id": gate.pk,
        "from_stage": gate.from_stage,
        "to_stage": gate.to_stage or None,
        "passed": gate.passed,
        "reason": gate.reason,
        "decided_by": _person(gate.decided_by),
        "decided_at": gate.decided_at,
    }


def booking_out(booking: Booking) -> dict[str, Any]:
    facility = booking.facility
    return {
        "id": booking.pk,
        "facility": facility.offer_id,
        "facility_title": facility.offer.title,
        "unit": facility.unit,
        "period_start": booking.period_start,
        "period_end": facility.period_end(booking.period_start),
        "units": booking.units,
        "used": booking.used,
        "status": booking.status,
        "note": booking.note,
        "booked_at": booking.booked_at,
    }


def document_out(document: Document) -> dict[str, Any]:
    stored = document.file
    return {
        "id": document.pk,
        "title": document.title,
        "name": stored.original_name,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
        "uploaded_at": stored.created_at,
    }


def _documents(project: Project) -> QuerySet[Document]:
    return Document.objects.filter(project=project).select_related("file").order_by("-id")


def project_out(project: Project) -> dict[str, Any]:
    """The whole project, read afresh (an action may have changed it)."""
    project = (
        Project.objects.select_related("organisation", "advisor", "grant", "decided_by", "signed_off_by")
        .prefetch_related(
            "technologies",
            Prefetch("partners", Partner.objects.select_related("organisation").order_by("id")),
            Prefetch("criteria", Criterion.objects.order_by("id")),
            Prefetch("milestones", Milestone.objects.select_related("owner").order_by("due_on", "id")),
            Prefetch("gates", Gate.objects.select_related("decided_by").order_by("decided_at", "id")),
            Prefetch("bookings", Booking.objects.select_related("facility__offer").order_by("period_start", "id")),
        )
        .get(pk=project.pk)
    )
    partners = list(project.partners.all())
    decision = None
    if project.decision:
        decision = {
            "decision": project.decision,
            "reason": project.decision_reason,
            "decided_by": _person(project.decided_by),
            "decided_on": project.decided_on,
            "lessons": project.lessons,
            "next_steps": project.next_steps,
            "next_action": project.next_action_id,
            "investment": project.investment_id,
            "application": project.application_id,
        }
    sign_off = None
    if project.signed_off_at is not None:
        sign_off = {
            "signed_off_by": _person(project.signed_off_by),
            "signed_off_at": project.signed_off_at,
            "note": project.sign_off_note,
        }
    return {
        **summary_out(project),
        "technologies": sorted(t.name for t in project.technologies.all()),
        "need": project.need_id,
        "action": project.action_id,
        "scope": project.scope,
        "objectives": project.objectives,
        "advisor": _person(project.advisor),
        "budget": sum((p.budget for p in partners), Decimal("0.00")),
        "aid_amount": project.aid_amount,
        "aid_basis": project.aid_basis,
        "grant": project.grant_id,
        "grant_number": project.grant.number if project.grant else "",
        "service_record": project.service_record_id,
        "stopped_reason": project.stopped_reason,
        "decision": decision,
        "sign_off": sign_off,
        "partners": [partner_out(p) for p in partners],
        "criteria": [criterion_out(c) for c in project.criteria.all()],
        "milestones": [milestone_out(m) for m in project.milestones.all()],
        "gates": [gate_out(g) for g in project.gates.all()],
        "bookings": [booking_out(b) for b in project.bookings.all()],
        "documents": [document_out(d) for d in _documents(project)],
        "updated_at": project.updated_at,
    }


class PilotFilter(Schema):
    stage: Literal["", "scoping", "feasibility", "execution", "evaluation", "decision"] = Field(
        "", description="Only projects at this stage."
    )
    status: Literal["", "active", "stopped", "decided", "completed"] = Field(
        "", description="Only projects in this state."
    )
    kind: Literal["", "poc", "pilot"] = ""
    organisation: int | None = Field(None, ge=1, le=TOP, description="Only the projects for this company.")

    model_config = {"extra": "forbid"}


@router.get(
    "/pilots",
    response={200: Page[PilotSummaryOut], **ERRORS},
    summary="Proofs of concept and pilots you see: all for the hub, a company's and its partners' for their members",
)
def pilot_list(request: HttpRequest, params: Query[PageParams], filters: Query[PilotFilter]) -> Any:
    projects = access.visible_projects(request.user)
    if filters.stage:
        projects = projects.filter(stage=filters.stage)
    if filters.status:
        projects = projects.filter(status=filters.status)
    if filters.kind:
        projects = projects.filter(kind=filters.kind)
    if filters.organisation:
        projects = projects.filter(organisation_id=filters.organisation)
    limit, offset = page_limits(params)
    page = paginate(projects.order_by("-created_at", "-id"), limit=limit, offset=offset)
    page["items"] = [summary_out(p) for p in page["items"]]
    return page


class PilotIn(Schema):
    organisation: int = Field(ge=1, le=TOP, description="The company or public body the project is for.")
    kind: ProjectKind
    title: str = Field(description="At most 200 characters.")
    technologies: list[str] = Field(
        max_length=34, description="The technology areas, at least one: EDIH catalogue names."
    )
    need: int | None = Field(None, ge=1, le=TOP, description="One of the company's needs.")
    action: int | None = Field(None, ge=1, le=TOP, description="An action of the company's roadmap.")
    scope: str = Field(description="What the project covers; at most 5000 characters.")
    objectives: str = Field(description="What it is to show; at most 5000 characters.")
    starts_on: date
    ends_on: date = Field(description="Not before ``starts_on``.")
    aid_amount: Decimal = Field(
        Decimal("0"),
        description="Aid of national or regional public nature, granted when the pilot starts (checked against the "
        "company's de minimis headroom then). " + MONEY_HELP,
    )
    aid_basis: AidBasisName = Field("none", description="Needed with aid: de_minimis or gber.")

    model_config = {"extra": "forbid"}


class PilotPatch(Schema):
    kind: ProjectKind | None = None
    title: str | None = None
    technologies: list[str] | None = Field(None, max_length=34, description="Replaces the technology areas.")
    need: int | None = Field(None, ge=1, le=TOP, description="Null clears it.")
    action: int | None = Field(None, ge=1, le=TOP, description="Null clears it.")
    scope: str | None = None
    objectives: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    aid_amount: Decimal | None = Field(None, description="Changed only until the pilot starts. " + MONEY_HELP)
    aid_basis: AidBasisName | None = Field(None, description="Changed only until the pilot starts.")

    model_config = {"extra": "forbid"}


# On a change, null clears these; for any other field it means "leave as it is".
CLEARABLE = {"need", "action"}


def _organisation_for_project(user: Any, organisation_id: int) -> Organisation:
    try:
        return access.get_company_for_pilots(user, organisation_id)
    except Http404:
        raise ValidationError({"organisation": _("Choose an organisation of the registry.")}) from None


@router.post(
    "/pilots",
    response={201: PilotOut, **WRITE_ERRORS},
    summary="Open a proof of concept or a pilot for a company, in scoping (hub staff)",
)
def pilot_create(request: HttpRequest, payload: PilotIn) -> Any:
    require_hub_staff(request.user)
    data = payload.dict()
    organisation = _organisation_for_project(request.user, data.pop("organisation"))
    project = actions.project_create(actor=request.user, organisation=organisation, data=data)
    return Status(201, project_out(project))


@router.get(
    "/pilots/{project_id}",
    response={200: PilotOut, **ERRORS},
    summary="One project with its partners, criteria, milestones, gates, bookings, documents, aid and outcome",
)
def pilot_detail(request: HttpRequest, project_id: int) -> Any:
    return project_out(access.get_project_for_user(request.user, project_id))


@router.patch(
    "/pilots/{project_id}",
    response={200: PilotOut, **WRITE_ERRORS},
    summary="Change a project in progress: the fields sent; the aid only until the pilot starts (hub staff)",
)
def pilot_update(request: HttpRequest, project_id: int, payload: PilotPatch) -> Any:
    project = access.get_project_for_staff(request.user, project_id)
    given = payload.dict(exclude_unset=True)
    data = {name: value for name, value in given.items() if value is not None or name in CLEARABLE}
    project = actions.project_update(actor=request.user, project=project, data=data)
    return project_out(project)


# --- Partners, criteria, milestones --------------------------------------------------------------------------------


class PilotPartnerIn(Schema):
    organisation: int = Field(ge=1, le=TOP, description="An organisation of the registry, not the company itself.")
    role: PartnerRole
    contribution: str = Field("", description="What it brings; at most 300 characters.")
    budget: Decimal = Field(
        Decimal("0"), description="Its share of the budget, fixed once the pilot starts. " + MONEY_HELP
    )

    model_config = {"extra": "forbid"}


@router.post(
    "/pilots/{project_id}/partners",
    response={201: PilotPartnerOut, **WRITE_ERRORS},
    summary="Add a partner with its role and budget (hub staff)",
)
def partner_create(request: HttpRequest, project_id: int, payload: PilotPartnerIn) -> Any:
    project = access.get_project_for_staff(request.user, project_id)
    partner = actions.partner_save(actor=request.user, project=project, data=payload.dict())
    return Status(201, partner_out(partner))


@router.delete(
    "/pilots/partners/{partner_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a partner before the pilot starts, unless it owes milestones (hub staff)",
)
def partner_delete(request: HttpRequest, partner_id: int) -> Any:
    partner = access.get_partner_for_staff(request.user, partner_id)
    actions.partner_remove(actor=request.user, partner=partner)
    return Status(204, None)


class PilotCriterionIn(Schema):
    text: str = Field(description="What success looks like; at most 300 characters.")
    target: str = Field("", description="At most 200 characters.")

    model_config = {"extra": "forbid"}


@router.post(
    "/pilots/{project_id}/criteria",
    response={201: PilotCriterionOut, **WRITE_ERRORS},
    summary="Agree a success criterion, before the pilot starts (hub staff)",
)
def criterion_create(request: HttpRequest, project_id: int, payload: PilotCriterionIn) -> Any:
    project = access.get_project_for_staff(request.user, project_id)
    criterion = actions.criterion_save(actor=request.user, project=project, data=payload.dict())
    return Status(201, criterion_out(criterion))


class PilotResultIn(Schema):
    result: str = Field(description="What was measured against the criterion; at most 500 characters.")
    met: bool

    model_config = {"extra": "forbid"}


@router.put(
    "/pilots/criteria/{criterion_id}/result",
    response={200: PilotCriterionOut, **WRITE_ERRORS},
    summary="Record the result against a success criterion, in evaluation or at the decision (hub staff)",
)
def criterion_result(request: HttpRequest, criterion_id: int, payload: PilotResultIn) -> Any:
    criterion = access.get_criterion_for_staff(request.user, criterion_id)
    return criterion_out(actions.criterion_result(actor=request.user, criterion=criterion, data=payload.dict()))


class PilotMilestoneIn(Schema):
    kind: MilestoneKind = "milestone"
    title: str = Field(description="What is due; at most 200 characters.")
    due_on: date
    owner: int = Field(ge=1, le=TOP, description="The organisation that owes it: the company or one of the partners.")

    model_config = {"extra": "forbid"}


@router.post(
    "/pilots/{project_id}/milestones",
    response={201: PilotMilestoneOut, **WRITE_ERRORS},
    summary="Plan a milestone or deliverable with its due date and owner (hub staff)",
)
def milestone_create(request: HttpRequest, project_id: int, payload: PilotMilestoneIn) -> Any:
    project = access.get_project_for_staff(request.user, project_id)
    milestone = actions.milestone_save(actor=request.user, project=project, data=payload.dict())
    return Status(201, milestone_out(milestone))


class PilotMilestoneDoneIn(Schema):
    done_on: date | None = Field(None, description="Not in the future; null: today.")

    model_config = {"extra": "forbid"}


@router.post(
    "/pilots/milestones/{milestone_id}/done",
    response={200: PilotMilestoneOut, **WRITE_ERRORS},
    summary="Mark a milestone done: hub staff, or the members of the organisation that owes it",
)
def milestone_done(request: HttpRequest, milestone_id: int, payload: PilotMilestoneDoneIn) -> Any:
    milestone = access.get_milestone_for_user(request.user, milestone_id)
    return milestone_out(actions.milestone_done(actor=request.user, milestone=milestone, done_on=payload.done_on))


# --- Stage gates, stop, decision, sign-off -------------------------------------------------------------------------


class PilotGateIn(Schema):
    to_stage: StageName = Field(description="The next stage: no gate is skipped.")
    reason: str = Field(description="Why the project passes the gate; at most 500 characters.")

    model_config = {"extra": "forbid"}


@router.post(
    "/pilots/{project_id}/gates",
    response={201: PilotGateOut, **WRITE_ERRORS},
    summary="Pass the next stage gate (hub staff); into execution it starts the pilot: aid granted, service opened",
)
def gate_create(request: HttpRequest, project_id: int, payload: PilotGateIn) -> Any:
    project = access.get_project_for_staff(request.user, project_id)
    gate = actions.gate_pass(actor=request.user, project=project, to_stage=payload.to_stage, reason=payload.reason)
    return Status(201, gate_out(gate))


class PilotStopIn(Schema):
    reason: str = Field(description="Why the project stops; at most 500 characters.")

    model_config = {"extra": "forbid"}


@router.post(
    "/pilots/{project_id}/stop",
    response={200: PilotOut, **WRITE_ERRORS},
    summary="Stop a project at its current gate: bookings to come cancelled, service record closed (hub staff)",
)
def pilot_stop(request: HttpRequest, project_id: int, payload: PilotStopIn) -> Any:
    project = access.get_project_for_staff(request.user, project_id)
    return project_out(actions.project_stop(actor=request.user, project=project, reason=payload.reason))


class PilotDecisionIn(Schema):
    decision: Literal["go", "no_go"]
    decision_reason: str = Field(description="Why; at most 5000 characters.")
    lessons: str = Field("", description="Lessons learned; at most 5000 characters.")
    next_steps: str = Field("", description="What follows; at most 5000 characters.")
    application: int | None = Field(None, ge=1, le=TOP, description="One of the company's funding applications.")
    next_action_title: str = Field(
        "", description="A new action on the company's latest roadmap, if given; at most 200 characters."
    )
    investment_amount: Decimal | None = Field(
        None, description="An investment triggered, recorded in funding's table. " + MONEY_HELP
    )
    investment_kind: Literal["", "public_grant", "loan", "equity", "own_funds"] = Field(
        "", description="Needed with an investment."
    )

    model_config = {"extra": "forbid"}


@router.post(
    "/pilots/{project_id}/decision",
    response={200: PilotOut, **WRITE_ERRORS},
    summary="Record the go/no-go at the last gate, once every criterion has its result (hub staff)",
)
def pilot_decision(request: HttpRequest, project_id: int, payload: PilotDecisionIn) -> Any:
    project = access.get_project_for_staff(request.user, project_id)
    return project_out(actions.decision_record(actor=request.user, project=project, data=payload.dict()))


class PilotSignOffIn(Schema):
    note: str = Field("", description="The company's remark; at most 500 characters.")

    model_config = {"extra": "forbid"}


@router.post(
    "/pilots/{project_id}/sign-off",
    response={200: PilotOut, **WRITE_ERRORS},
    summary="The company signs the outcome off (its members only): the project is completed",
)
def pilot_sign_off(request: HttpRequest, project_id: int, payload: PilotSignOffIn) -> Any:
    project = access.get_project_for_user(request.user, project_id)
    return project_out(actions.sign_off(actor=request.user, project=project, note=payload.note))


# --- Bookings --------------------------------------------------------------------------------------------------------


class PilotBookingIn(Schema):
    facility: int = Field(ge=1, le=TOP, description="The test-facility offer's id: a published facility.")
    starts_on: date = Field(description="A day of the first period booked; that period not over.")
    ends_on: date | None = Field(None, description="A day of the last period booked; null: the first period only.")
    units: int = Field(description="Units booked in every period, 1 to 10,000,000; never beyond what is free.")
    note: str = Field("", description="At most 300 characters.")

    model_config = {"extra": "forbid"}


def _facility_for_booking(user: Any, offer_id: int) -> Facility:
    try:
        return access.get_facility_for_user(user, offer_id)
    except Http404:
        raise ValidationError({"facility": _("Choose a test facility of the catalogue.")}) from None


@router.post(
    "/pilots/{project_id}/bookings",
    response={201: list[PilotBookingOut], **WRITE_ERRORS},
    summary="Book units of a facility in every period from starts_on to ends_on, all or none: hub staff, and the "
    "facility's owner for the projects it is a partner of",
)
def booking_create(request: HttpRequest, project_id: int, payload: PilotBookingIn) -> Any:
    project = access.get_project_for_user(request.user, project_id)
    _day(payload.starts_on, "starts_on")
    _day(payload.ends_on, "ends_on")
    facility = _facility_for_booking(request.user, payload.facility)
    data = payload.dict()
    data.pop("facility")
    made = actions.book(actor=request.user, project=project, facility=facility, data=data)
    return Status(201, [booking_out(b) for b in made])


@router.post(
    "/pilots/bookings/{booking_id}/cancel",
    response={200: PilotBookingOut, **WRITE_ERRORS},
    summary="Cancel a booking whose period has not begun (hub staff and the facility's owner)",
)
def booking_cancel(request: HttpRequest, booking_id: int) -> Any:
    booking = access.get_booking_for_user(request.user, booking_id)
    cancelled = actions.booking_cancel(actor=request.user, booking=booking)
    cancelled.facility = booking.facility
    return booking_out(cancelled)


class PilotUsageIn(Schema):
    used: int = Field(description="Units used, from 0 to the units booked.")

    model_config = {"extra": "forbid"}


@router.put(
    "/pilots/bookings/{booking_id}/usage",
    response={200: PilotBookingOut, **WRITE_ERRORS},
    summary="Record the units used of a booking once its period began (hub staff and the facility's owner)",
)
def booking_usage(request: HttpRequest, booking_id: int, payload: PilotUsageIn) -> Any:
    booking = access.get_booking_for_user(request.user, booking_id)
    recorded = actions.usage_record(actor=request.user, booking=booking, used=payload.used)
    recorded.facility = booking.facility
    return booking_out(recorded)


# --- Documents -------------------------------------------------------------------------------------------------------


@router.get(
    "/pilots/{project_id}/documents",
    response={200: list[PilotDocumentOut], **ERRORS},
    summary="A project's documents, latest first: what is known of them, not their bytes",
)
def document_list(request: HttpRequest, project_id: int) -> Any:
    project = access.get_project_for_user(request.user, project_id)
    return [document_out(d) for d in _documents(project)]


class PilotDocumentForm(Schema):
    title: str = Field("", description="At most 200 characters; empty: the file's name.")


@router.post(
    "/pilots/{project_id}/documents",
    response={201: PilotDocumentOut, **WRITE_ERRORS},
    summary="Upload a document to a project (multipart/form-data: file, title): the project's people",
    description="Accepted types, recognised from the bytes: " + ", ".join(sorted(ALLOWED_TYPES.values())) + "; "
    "larger than the hub's upload limit is refused on ``file``.",
)
def document_create(
    request: HttpRequest, project_id: int, file: File[UploadedFile], form: Form[PilotDocumentForm]
) -> Any:
    project = access.get_project_for_user(request.user, project_id)
    document = actions.document_add(actor=request.user, project=project, upload=file, title=form.title)
    return Status(201, document_out(document))


DOWNLOAD = {
    "description": "The document's bytes, as an attachment.",
    "content": {media: {"schema": {"type": "string", "format": "binary"}} for media in sorted(ALLOWED_TYPES)},
}


@router.get(
    "/pilots/documents/{document_id}",
    response={200: None, **ERRORS},
    summary="A project's document, its bytes as an attachment: only for those who see the project",
    openapi_extra={"responses": {200: DOWNLOAD}},
)
def document_download(request: HttpRequest, document_id: int) -> Any:
    stored = access.get_document_for_user(request.user, document_id).file
    path = absolute_path(stored)
    if not path.is_file():
        raise Http404
    response = FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
