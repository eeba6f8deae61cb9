"""API of the journeys: requests for help, cases and their funnel moves, needs, roadmaps and their actions,
referrals, the timeline and tasks, under the same access rules as the pages (``journeys.access``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from moselle.accounts.access import require_hub_staff
from moselle.accounts.models import User
from moselle.catalogue.access import get_offer_for_user
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits, paginate
from moselle.journeys import actions, queries
from moselle.journeys.access import (
    get_action_for_user,
    get_case_for_user,
    get_case_to_manage,
    get_need_for_user,
    get_referral_for_user,
    get_roadmap_for_user,
    get_task_for_user,
    nameable_recipients,
    side_of,
    timeline_for_user,
    visible_cases,
    visible_referrals,
    visible_tasks,
)
from moselle.journeys.models import Activity, Case, Need, Referral, Roadmap, RoadmapAction, Task
from moselle.organisations.access import get_organisation_for_user

router = Router(tags=["journeys"])

StageCode = Literal["inform", "inspire", "engage"]
CaseStatus = Literal["triage", "open", "closed"]
Category = Literal[
    "test_before_invest", "skills_and_training", "support_to_find_investments", "ecosystem_and_networking"
]


# --- Requests and cases ----------------------------------------------------------------------------------


class RequestIn(Schema):
    name: str
    email: str
    phone: str = ""
    role: str = ""
    organisation_name: str
    country: str = Field(description="ISO 3166 code or country name.")
    message: str = Field(description="What is needed, in the person's own words.")
    categories: list[Category] = []
    heard_from: Literal["", "event", "search", "colleague", "partner", "chamber", "press", "other"] = ""
    privacy_notice: bool = Field(description="The person has read how the hub uses what they send.")
    language: Literal["", "en", "fr", "de"] = ""

    model_config = {"extra": "forbid"}


class MoveOut(Schema):
    from_stage: str
    to_stage: StageCode
    reason: str
    at: datetime
    by_id: int | None


class CaseOut(Schema):
    id: int
    organisation_id: int | None
    organisation_name: str
    title: str
    status: CaseStatus
    stage: StageCode
    stage_changed_at: datetime
    origin: str
    categories: list[str]
    owner_id: int | None
    next_step: str
    next_step_due: date | None
    close_reason: str
    created_at: datetime
    moves: list[MoveOut] = Field(description="The funnel history, oldest first.")


def case_out(case: Case) -> dict[str, Any]:
    return {
        "id": case.pk,
        "organisation_id": case.organisation_id,
        "organisation_name": case.organisation.name if case.organisation else "",
        "title": case.title,
        "status": case.status,
        "stage": case.stage,
        "stage_changed_at": case.stage_changed_at,
        "origin": case.origin,
        "categories": case.categories,
        "owner_id": case.owner_id,
        "next_step": case.next_step,
        "next_step_due": case.next_step_due,
        "close_reason": case.close_reason,
        "created_at": case.created_at,
        "moves": [
            {"from_stage": m.from_stage, "to_stage": m.to_stage, "reason": m.reason, "at": m.at, "by_id": m.by_id}
            for m in case.moves.all()
        ],
    }


def _case(case_id: int, user: Any) -> dict[str, Any]:
    return case_out(visible_cases(user).select_related("organisation").prefetch_related("moves").get(pk=case_id))


@router.post(
    "/requests",
    response={201: CaseOut, **WRITE_ERRORS},
    summary="A request for help (e.g. from the hub's website): opens a case at Inform in the triage queue",
)
def request_create(request: HttpRequest, payload: RequestIn) -> Any:
    data = payload.dict()
    language = data.pop("language") or None
    case = actions.intake_submit(actor=request.user, data=data, language=language)
    return Status(201, case_out(Case.objects.prefetch_related("moves").get(pk=case.pk)))


class CaseFilter(Schema):
    status: Literal["", "triage", "open", "closed"] = ""
    stage: Literal["", "inform", "inspire", "engage"] = ""
    owner: int | None = Field(None, ge=1, le=2**31 - 1, description="The advisor's user id.")
    organisation: int | None = Field(None, ge=1, le=2**31 - 1)

    model_config = {"extra": "forbid"}


@router.get("/cases", response={200: Page[CaseOut], **ERRORS}, summary="Cases the caller may see")
def case_list(request: HttpRequest, params: Query[PageParams], filters: Query[CaseFilter]) -> Any:
    rows: QuerySet[Case] = visible_cases(request.user).select_related("organisation").prefetch_related("moves")
    values = filters.dict()
    for name in ("status", "stage"):
        if values[name]:
            rows = rows.filter(**{name: values[name]})
    if values["owner"]:
        rows = rows.filter(owner_id=values["owner"])
    if values["organisation"]:
        rows = rows.filter(organisation_id=values["organisation"])
    limit, offset = page_limits(params)
    page = paginate(rows.order_by("id"), limit=limit, offset=offset)
    page["items"] = [case_out(case) for case in page["items"]]
    return page


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS}, summary="One case with its funnel history")
def case_detail(request: HttpRequest, case_id: int) -> Any:
    return _case(get_case_for_user(request.user, case_id).pk, request.user)


class CaseIn(Schema):
    organisation_id: int = Field(ge=1, le=2**31 - 1)
    title: str
    categories: list[Category] = []
    owner_id: int | None = Field(None, ge=1, le=2**31 - 1, description="An advisor; none: the triage queue.")

    model_config = {"extra": "forbid"}


def _staff_user(user_id: int | None, field: str) -> User | None:
    if user_id is None:
        return None
    found = User.objects.filter(pk=user_id).first()
    if found is None:
        raise ValidationError({field: _("No such person.")})
    return found


@router.post("/cases", response={201: CaseOut, **WRITE_ERRORS}, summary="Open a case for an organisation (hub staff)")
def case_create(request: HttpRequest, payload: CaseIn) -> Any:
    require_hub_staff(request.user)
    organisation = get_organisation_for_user(request.user, payload.organisation_id)
    case = actions.case_open(
        actor=request.user,
        organisation=organisation,
        title=payload.title,
        categories=payload.categories,
        owner=_staff_user(payload.owner_id, "owner_id"),
    )
    return Status(201, _case(case.pk, request.user))


class TriageIn(Schema):
    owner_id: int = Field(ge=1, le=2**31 - 1)
    organisation_id: int | None = Field(None, ge=1, le=2**31 - 1)
    register_organisation: bool = Field(False, description="Register the organisation from the request.")

    model_config = {"extra": "forbid"}


@router.post("/cases/{case_id}/triage", response={200: CaseOut, **WRITE_ERRORS}, summary="Triage a case")
def case_triage(request: HttpRequest, case_id: int, payload: TriageIn) -> Any:
    case = get_case_to_manage(request.user, case_id)
    organisation = get_organisation_for_user(request.user, payload.organisation_id) if payload.organisation_id else None
    owner = _staff_user(payload.owner_id, "owner_id")
    assert owner is not None
    actions.case_triage(
        actor=request.user, case=case, owner=owner, organisation=organisation, register=payload.register_organisation
    )
    return _case(case.pk, request.user)


class MoveIn(Schema):
    stage: StageCode
    reason: str = Field("", description="Required to move back to an earlier stage.")

    model_config = {"extra": "forbid"}


@router.post("/cases/{case_id}/move", response={200: CaseOut, **WRITE_ERRORS}, summary="Move a case in the funnel")
def case_move(request: HttpRequest, case_id: int, payload: MoveIn) -> Any:
    case = get_case_to_manage(request.user, case_id)
    actions.case_move(actor=request.user, case=case, stage=payload.stage, reason=payload.reason)
    return _case(case.pk, request.user)


class CloseIn(Schema):
    reason: Literal["completed", "duplicate", "out_of_scope", "not_eligible", "no_response", "withdrawn", "spam"]
    note: str = ""

    model_config = {"extra": "forbid"}


@router.post("/cases/{case_id}/close", response={200: CaseOut, **WRITE_ERRORS}, summary="Close a case")
def case_close(request: HttpRequest, case_id: int, payload: CloseIn) -> Any:
    case = get_case_to_manage(request.user, case_id)
    actions.case_close(actor=request.user, case=case, reason=payload.reason, note=payload.note)
    return _case(case.pk, request.user)


# --- Needs -------------------------------------------------------------------------------------------


class NeedOut(Schema):
    id: int
    case_id: int | None
    organisation_id: int
    source: Literal["assessment", "advisor", "company"]
    status: Literal["open", "met", "dropped"]
    title: str
    description: str
    dimension: str
    current_score: Decimal | None
    target_score: Decimal | None
    gap: Decimal
    missing: list[dict[str, Any]] = Field(
        description="The questionnaire items not yet in place: question, item, status, level and the words."
    )
    technologies: list[str]
    category: str
    importance: int
    urgency: int
    effort: int
    priority: Decimal = Field(description="importance x gap x urgency / effort")
    priority_override: Decimal | None
    override_reason: str


def need_out(need: Need) -> dict[str, Any]:
    return {
        "id": need.pk,
        "case_id": need.case_id,
        "organisation_id": need.organisation_id,
        "source": need.source,
        "status": need.status,
        "title": need.title,
        "description": need.description,
        "dimension": need.dimension,
        "current_score": need.current_score,
        "target_score": need.target_score,
        "gap": need.gap,
        "missing": need.missing,
        "technologies": sorted(t.name for t in need.technologies.all()),
        "category": need.category,
        "importance": need.importance,
        "urgency": need.urgency,
        "effort": need.effort,
        "priority": need.priority,
        "priority_override": need.priority_override,
        "override_reason": need.override_reason,
    }


@router.get(
    "/cases/{case_id}/needs", response={200: list[NeedOut], **ERRORS}, summary="A case's open needs, by priority"
)
def need_list(request: HttpRequest, case_id: int) -> Any:
    return [need_out(need) for need in queries.case_needs(get_case_for_user(request.user, case_id))]


class DraftIn(Schema):
    targets: dict[str, Literal["basic", "average", "moderately_advanced", "advanced"]] = Field(
        {}, description='The band each dimension aims at, e.g. {"d1": "average"}; others: the next band up.'
    )

    model_config = {"extra": "forbid"}


@router.post(
    "/cases/{case_id}/needs/draft",
    response={200: list[NeedOut], **WRITE_ERRORS},
    summary="Draft the needs from the latest assessment's gaps (hub staff)",
)
def needs_draft(request: HttpRequest, case_id: int, payload: DraftIn) -> Any:
    case = get_case_to_manage(request.user, case_id)
    actions.needs_draft(actor=request.user, case=case, targets=payload.targets)
    return [need_out(need) for need in queries.case_needs(case)]


class NeedIn(Schema):
    title: str | None = None
    description: str | None = None
    gap: Decimal | None = Field(None, description="0 to 100, for a need without a dimension.")
    technologies: list[str] | None = None
    category: Category | None = None
    importance: int | None = None
    urgency: int | None = None
    effort: int | None = None

    model_config = {"extra": "forbid"}


def _need_data(request: HttpRequest, payload: NeedIn) -> dict[str, Any]:
    return payload.dict(exclude_unset=True)


@router.post("/cases/{case_id}/needs", response={201: NeedOut, **WRITE_ERRORS}, summary="Add a need in free text")
def need_create(request: HttpRequest, case_id: int, payload: NeedIn) -> Any:
    case = get_case_for_user(request.user, case_id)
    need = actions.need_create(actor=request.user, case=case, data=_need_data(request, payload))
    return Status(201, need_out(need))


@router.patch("/needs/{need_id}", response={200: NeedOut, **WRITE_ERRORS}, summary="Change a need")
def need_update(request: HttpRequest, need_id: int, payload: NeedIn) -> Any:
    need = get_need_for_user(request.user, need_id)
    return need_out(actions.need_update(actor=request.user, need=need, data=_need_data(request, payload)))


class PriorityIn(Schema):
    priority: Decimal | None = Field(description="None: back to the computed priority.")
    reason: str = ""

    model_config = {"extra": "forbid"}


@router.post(
    "/needs/{need_id}/priority", response={200: NeedOut, **WRITE_ERRORS}, summary="Set a need's priority by hand"
)
def need_prioritise(request: HttpRequest, need_id: int, payload: PriorityIn) -> Any:
    require_hub_staff(request.user)
    need = get_need_for_user(request.user, need_id)
    return need_out(
        actions.need_prioritise(actor=request.user, need=need, priority=payload.priority, reason=payload.reason)
    )


# --- Roadmaps --------------------------------------------------------------------------------------------


class ActionOut(Schema):
    id: int
    need_id: int | None
    title: str
    description: str
    horizon: Literal["0-3", "3-12", "12-24"]
    owner_kind: Literal["company", "hub", "provider", "partner"]
    owner_id: int | None
    due_on: date
    status: Literal["planned", "in_progress", "done", "dropped"]
    technologies: list[str]
    category: str


class RoadmapVersionOut(Schema):
    number: int
    agreed_by_id: int | None
    agreed_at: datetime
    actions: list[dict[str, Any]]


class RoadmapOut(Schema):
    id: int
    case_id: int
    organisation_id: int
    drafted_at: datetime
    changed_since_agreement: bool
    actions: list[ActionOut]
    versions: list[RoadmapVersionOut] = Field(description="Every agreed version, newest first.")


def action_out(action: RoadmapAction) -> dict[str, Any]:
    return {
        "id": action.pk,
        "need_id": action.need_id,
        "title": action.title,
        "description": action.description,
        "horizon": action.horizon,
        "owner_kind": action.owner_kind,
        "owner_id": action.owner_id,
        "due_on": action.due_on,
        "status": action.status,
        "technologies": sorted(t.name for t in action.technologies.all()),
        "category": action.category,
    }


def roadmap_out(roadmap: Roadmap) -> dict[str, Any]:
    return {
        "id": roadmap.pk,
        "case_id": roadmap.case_id,
        "organisation_id": roadmap.organisation_id,
        "drafted_at": roadmap.drafted_at,
        "changed_since_agreement": roadmap.changed_since_agreement,
        "actions": [action_out(a) for a in roadmap.actions.prefetch_related("technologies")],
        "versions": [
            {"number": v.number, "agreed_by_id": v.agreed_by_id, "agreed_at": v.agreed_at, "actions": v.actions}
            for v in roadmap.versions.all()
        ],
    }


@router.post(
    "/cases/{case_id}/roadmap",
    response={200: RoadmapOut, **WRITE_ERRORS},
    summary="Draft the roadmap from the case's prioritised needs (hub staff)",
)
def roadmap_draft(request: HttpRequest, case_id: int) -> Any:
    case = get_case_to_manage(request.user, case_id)
    return roadmap_out(actions.roadmap_draft(actor=request.user, case=case))


@router.get("/roadmaps/{roadmap_id}", response={200: RoadmapOut, **ERRORS}, summary="A roadmap and its versions")
def roadmap_detail(request: HttpRequest, roadmap_id: int) -> Any:
    return roadmap_out(get_roadmap_for_user(request.user, roadmap_id))


@router.post(
    "/roadmaps/{roadmap_id}/agree",
    response={200: RoadmapOut, **WRITE_ERRORS},
    summary="Agree the roadmap as it stands (a member of the company)",
)
def roadmap_agree(request: HttpRequest, roadmap_id: int) -> Any:
    roadmap = get_roadmap_for_user(request.user, roadmap_id)
    actions.roadmap_agree(actor=request.user, roadmap=roadmap)
    return roadmap_out(Roadmap.objects.get(pk=roadmap.pk))


class ActionIn(Schema):
    title: str | None = None
    description: str | None = None
    horizon: Literal["0-3", "3-12", "12-24"] | None = None
    owner_kind: Literal["company", "hub", "provider", "partner"] | None = None
    owner_id: int | None = Field(None, ge=1, le=2**31 - 1)
    due_on: date | None = None
    status: Literal["planned", "in_progress", "done", "dropped"] | None = None
    technologies: list[str] | None = None

    model_config = {"extra": "forbid"}


def _action_data(payload: ActionIn) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    if "owner_id" in data:
        data["owner"] = _staff_user(data.pop("owner_id"), "owner_id")
    return data


@router.post(
    "/roadmaps/{roadmap_id}/actions",
    response={201: ActionOut, **WRITE_ERRORS},
    summary="Add an action to a roadmap (hub staff)",
)
def action_create(request: HttpRequest, roadmap_id: int, payload: ActionIn) -> Any:
    require_hub_staff(request.user)
    roadmap = get_roadmap_for_user(request.user, roadmap_id)
    return Status(201, action_out(actions.action_save(actor=request.user, roadmap=roadmap, data=_action_data(payload))))


@router.patch(
    "/roadmap-actions/{action_id}", response={200: ActionOut, **WRITE_ERRORS}, summary="Change a roadmap action"
)
def action_update(request: HttpRequest, action_id: int, payload: ActionIn) -> Any:
    require_hub_staff(request.user)
    action = get_action_for_user(request.user, action_id)
    saved = actions.action_save(actor=request.user, roadmap=action.roadmap, action=action, data=_action_data(payload))
    return action_out(saved)


# --- Referrals -------------------------------------------------------------------------------------------


class ReferralOut(Schema):
    id: int
    organisation_id: int
    organisation_name: str
    recipient_id: int
    recipient_name: str
    case_id: int | None
    need_id: int | None
    action_id: int | None
    offer_id: int | None
    status: Literal["proposed", "accepted", "declined", "in_progress", "done", "withdrawn"]
    note: str
    shared: list[str] = Field(description="The parts of the company's file it consented to share.")
    consent_given: bool
    decline_reason: str
    outcome: str
    satisfaction: int | None
    service_record_draft: dict[str, Any] = Field(description="Empty for the recipient.")
    shared_file: dict[str, Any] | None = Field(
        description="For the recipient: the parts of the file it may read, and nothing else."
    )
    created_at: datetime


def referral_out(referral: Referral, user: Any) -> dict[str, Any]:
    from moselle.journeys import sharing

    side = side_of(user, referral)
    return {
        "id": referral.pk,
        "organisation_id": referral.organisation_id,
        "organisation_name": referral.organisation.name
        if side != "recipient" or Referral.Share.PROFILE in referral.shared
        else "",
        "recipient_id": referral.recipient_id,
        "recipient_name": referral.recipient.name,
        "case_id": referral.case_id if side != "recipient" else None,
        "need_id": referral.need_id if side != "recipient" else None,
        "action_id": referral.action_id if side != "recipient" else None,
        "offer_id": referral.offer_id,
        "status": referral.status,
        "note": referral.note,
        "shared": referral.shared,
        "consent_given": bool(referral.consent and referral.consent.given),
        "decline_reason": referral.decline_reason,
        "outcome": referral.outcome,
        "satisfaction": referral.satisfaction if side != "recipient" else None,
        "service_record_draft": referral.service_record_draft if side != "recipient" else {},
        "shared_file": _plain(asdict(sharing.shared_file(referral))) if side == "recipient" else None,
        "created_at": referral.created_at,
    }


def _plain(value: Any) -> Any:
    """The shared file as JSON: dates and amounts as text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (date, datetime, Decimal)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _referrals(user: Any) -> QuerySet[Referral]:
    return visible_referrals(user).select_related("organisation", "recipient", "consent")


@router.get("/referrals", response={200: Page[ReferralOut], **ERRORS}, summary="Referrals the caller may see")
def referral_list(
    request: HttpRequest,
    params: Query[PageParams],
    status: Literal["", "proposed", "accepted", "declined", "in_progress", "done", "withdrawn"] = "",
) -> Any:
    rows = _referrals(request.user)
    if status:
        rows = rows.filter(status=status)
    limit, offset = page_limits(params)
    page = paginate(rows.order_by("id"), limit=limit, offset=offset)
    page["items"] = [referral_out(r, request.user) for r in page["items"]]
    return page


@router.get(
    "/referrals/{referral_id}",
    response={200: ReferralOut, **ERRORS},
    summary="One referral; its recipient sees only what the company consented to share",
)
def referral_detail(request: HttpRequest, referral_id: int) -> Any:
    return referral_out(get_referral_for_user(request.user, referral_id), request.user)


class ReferralIn(Schema):
    organisation_id: int = Field(ge=1, le=2**31 - 1, description="The company referred.")
    recipient_id: int | None = Field(None, ge=1, le=2**31 - 1, description="A provider or partner.")
    need_id: int | None = Field(None, ge=1, le=2**31 - 1)
    action_id: int | None = Field(None, ge=1, le=2**31 - 1)
    offer_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Its provider is the recipient.")
    note: str = ""

    model_config = {"extra": "forbid"}


@router.post(
    "/referrals",
    response={201: ReferralOut, **WRITE_ERRORS},
    summary="Propose a referral (hub staff, or the company itself)",
)
def referral_create(request: HttpRequest, payload: ReferralIn) -> Any:
    organisation = get_organisation_for_user(request.user, payload.organisation_id)
    recipient = None
    if payload.recipient_id is not None:
        recipient = nameable_recipients(request.user).filter(pk=payload.recipient_id).first()
        if recipient is None:
            raise ValidationError({"recipient_id": _("No such organisation.")})
    referral = actions.referral_propose(
        actor=request.user,
        organisation=organisation,
        recipient=recipient,
        need=get_need_for_user(request.user, payload.need_id) if payload.need_id else None,
        action=get_action_for_user(request.user, payload.action_id) if payload.action_id else None,
        offer=get_offer_for_user(request.user, payload.offer_id) if payload.offer_id else None,
        note=payload.note,
    )
    return Status(201, referral_out(_referrals(request.user).get(pk=referral.pk), request.user))


class ReferralConsentIn(Schema):
    shared: list[Literal["profile", "contact", "need", "assessment", "roadmap"]] = []
    given: bool = True
    email: str = Field("", description="Hub staff recording a consent given on paper: the person's e-mail.")
    method: Literal["web", "api", "paper"] = "web"

    model_config = {"extra": "forbid"}


@router.post(
    "/referrals/{referral_id}/consent",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="The company consents to share parts of its file with the recipient, or withdraws its consent",
)
def referral_consent(request: HttpRequest, referral_id: int, payload: ReferralConsentIn) -> Any:
    referral = get_referral_for_user(request.user, referral_id)
    actions.referral_consent(
        actor=request.user,
        referral=referral,
        shared=payload.shared,
        given=payload.given,
        email=payload.email,
        method=payload.method,
    )
    return referral_out(_referrals(request.user).get(pk=referral.pk), request.user)


class ReferralMoveIn(Schema):
    status: Literal["accepted", "declined", "in_progress", "done", "withdrawn"]
    note: str = Field("", description="The reason of a decline; the outcome when done.")

    model_config = {"extra": "forbid"}


@router.post(
    "/referrals/{referral_id}/move",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="Accept, decline, start, complete or withdraw a referral",
)
def referral_move(request: HttpRequest, referral_id: int, payload: ReferralMoveIn) -> Any:
    referral = get_referral_for_user(request.user, referral_id)
    actions.referral_move(actor=request.user, referral=referral, status=payload.status, note=payload.note)
    return referral_out(_referrals(request.user).get(pk=referral.pk), request.user)


class RateIn(Schema):
    satisfaction: int

    model_config = {"extra": "forbid"}


@router.post(
    "/referrals/{referral_id}/rate",
    response={200: ReferralOut, **WRITE_ERRORS},
    summary="The company rates what it received, 1 to 5",
)
def referral_rate(request: HttpRequest, referral_id: int, payload: RateIn) -> Any:
    referral = get_referral_for_user(request.user, referral_id)
    actions.referral_rate(actor=request.user, referral=referral, satisfaction=payload.satisfaction)
    return referral_out(_referrals(request.user).get(pk=referral.pk), request.user)


# --- Timeline and tasks -----------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    kind: str
    verb: str
    summary: str
    target_type: str
    target_id: int | None
    case_id: int | None
    at: datetime
    actor_id: int | None


def activity_out(entry: Activity) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "verb": entry.verb,
        "summary": entry.summary,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "case_id": entry.case_id,
        "at": entry.at,
        "actor_id": entry.actor_id,
    }


@router.get(
    "/organisations/{organisation_id}/activities",
    response={200: Page[ActivityOut], **ERRORS},
    summary="An organisation's timeline, newest first (hub staff)",
)
def activity_list(request: HttpRequest, organisation_id: int, params: Query[PageParams]) -> Any:
    entries = timeline_for_user(request.user, get_organisation_for_user(request.user, organisation_id).pk)
    limit, offset = page_limits(params)
    page = paginate(entries, limit=limit, offset=offset)
    page["items"] = [activity_out(entry) for entry in page["items"]]
    return page


class ActivityIn(Schema):
    kind: Literal["meeting", "call", "email", "note"]
    summary: str
    at: datetime | None = None
    case_id: int | None = Field(None, ge=1, le=2**31 - 1)

    model_config = {"extra": "forbid"}


@router.post(
    "/organisations/{organisation_id}/activities",
    response={201: ActivityOut, **WRITE_ERRORS},
    summary="Log a meeting, call, e-mail or note (hub staff)",
)
def activity_create(request: HttpRequest, organisation_id: int, payload: ActivityIn) -> Any:
    require_hub_staff(request.user)
    organisation = get_organisation_for_user(request.user, organisation_id)
    case = get_case_for_user(request.user, payload.case_id) if payload.case_id else None
    entry = actions.activity_log(
        actor=request.user,
        organisation=organisation,
        kind=payload.kind,
        summary=payload.summary,
        case=case,
        at=payload.at,
    )
    return Status(201, activity_out(entry))


class TaskOut(Schema):
    id: int
    title: str
    assignee_id: int
    organisation_id: int | None
    case_id: int | None
    due_on: date
    status: Literal["open", "done"]
    done_at: datetime | None


def task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "title": task.title,
        "assignee_id": task.assignee_id,
        "organisation_id": task.organisation_id,
        "case_id": task.case_id,
        "due_on": task.due_on,
        "status": task.status,
        "done_at": task.done_at,
    }


@router.get("/tasks", response={200: Page[TaskOut], **ERRORS}, summary="The caller's tasks (hub staff)")
def task_list(request: HttpRequest, params: Query[PageParams], status: Literal["", "open", "done"] = "open") -> Any:
    rows = visible_tasks(request.user).filter(assignee_id=request.user.pk)
    if status:
        rows = rows.filter(status=status)
    limit, offset = page_limits(params)
    page = paginate(rows.order_by("due_on", "id"), limit=limit, offset=offset)
    page["items"] = [task_out(task) for task in page["items"]]
    return page


class TaskIn(Schema):
    title: str
    due_on: date
    assignee_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Hub staff; the caller by default.")
    case_id: int | None = Field(None, ge=1, le=2**31 - 1)

    model_config = {"extra": "forbid"}


@router.post("/tasks", response={201: TaskOut, **WRITE_ERRORS}, summary="Add a task (hub staff)")
def task_create(request: HttpRequest, payload: TaskIn) -> Any:
    require_hub_staff(request.user)
    case = get_case_to_manage(request.user, payload.case_id) if payload.case_id else None
    assignee = _staff_user(payload.assignee_id, "assignee_id") if payload.assignee_id else request.user
    task = actions.task_create(
        actor=request.user, title=payload.title, assignee=assignee, due_on=payload.due_on, case=case
    )
    return Status(201, task_out(task))


@router.post("/tasks/{task_id}/done", response={200: TaskOut, **WRITE_ERRORS}, summary="Mark a task done")
def task_done(request: HttpRequest, task_id: int) -> Any:
    task = get_task_for_user(request.user, task_id)
    return task_out(actions.task_done(actor=request.user, task=task))
