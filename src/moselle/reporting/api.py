"""API of reporting: service records, the hub's grants with their ledger check, declarations of aid from
elsewhere and a single undertaking's ledger, under the same access rules as the pages (``reporting.access``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from moselle.accounts.access import require_hub_staff
from moselle.core.apicommon import ERRORS, WRITE_ERRORS, Page, PageParams, page_limits, paginate
from moselle.journeys.access import get_referral_for_user
from moselle.organisations.api import DeletedOut
from moselle.reporting import access, actions, kpis, suppression
from moselle.reporting import dashboard as boards
from moselle.reporting import ledger as ledgers
from moselle.reporting.models import Declaration, Grant, ServiceRecord

router = Router(tags=["reporting"])

Category = Literal[
    "test_before_invest", "skills_and_training", "support_to_find_investments", "ecosystem_and_networking"
]
RecordStatus = Literal["proposed", "rejected", "ongoing", "finalised", "invoiced"]
Basis = Literal["de_minimis", "gber", "none"]
TOP = 2**31 - 1
MONEY_HELP = "Euros with at most two decimals, as a string or a number."


# --- Service records -------------------------------------------------------------------------------------


class ServiceRecordOut(Schema):
    id: int
    customer_id: int
    customer_name: str
    category: Category
    hub_service: str = Field(description="The code of the hub's own service, or empty.")
    description: str
    technologies: list[str]
    partner_id: int | None
    started_on: date
    ended_on: date | None
    attendees: int
    price: Decimal
    invoiced: Decimal
    aid: Decimal = Field(description="Aid of national or regional public nature, in euros.")
    aid_basis: Basis
    aid_info: str
    grant_id: int | None
    status: RecordStatus
    reject_reason: str
    satisfaction: int | None
    source: str
    case_id: int | None
    referral_id: int | None
    created_at: datetime


def record_out(record: ServiceRecord) -> dict[str, Any]:
    return {
        "id": record.pk,
        "customer_id": record.customer_id,
        "customer_name": record.customer.name,
        "category": record.category,
        "hub_service": record.hub_service.code if record.hub_service else "",
        "description": record.description,
        "technologies": [t.name for t in record.technologies.all()],
        "partner_id": record.partner_id,
        "started_on": record.started_on,
        "ended_on": record.ended_on,
        "attendees": record.attendees,
        "price": record.price,
        "invoiced": record.invoiced,
        "aid": record.aid,
        "aid_basis": record.aid_basis,
        "aid_info": record.aid_info,
        "grant_id": record.grant_id,
        "status": record.status,
        "reject_reason": record.reject_reason,
        "satisfaction": record.satisfaction,
        "source": record.source,
        "case_id": record.case_id,
        "referral_id": record.referral_id,
        "created_at": record.created_at,
    }


def _records(user: Any) -> Any:
    return access.visible_records(user).select_related("customer", "hub_service").prefetch_related("technologies")


def _record(user: Any, record_id: int) -> dict[str, Any]:
    return record_out(_records(user).get(pk=record_id))


class RecordFilters(Schema):
    status: RecordStatus | Literal[""] = ""
    category: Category | Literal[""] = ""
    customer_id: int | None = Field(None, ge=1, le=TOP)


@router.get("/services", response={200: Page[ServiceRecordOut], **ERRORS}, summary="Service records the caller sees")
def service_list(request: HttpRequest, params: Query[PageParams], filters: Query[RecordFilters]) -> Any:
    rows = _records(request.user)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.category:
        rows = rows.filter(category=filters.category)
    if filters.customer_id:
        rows = rows.filter(customer_id=filters.customer_id)
    limit, offset = page_limits(params)
    page = paginate(rows.order_by("-started_on", "-id"), limit=limit, offset=offset)
    page["items"] = [record_out(record) for record in page["items"]]
    return page


@router.get("/services/{record_id}", response={200: ServiceRecordOut, **ERRORS}, summary="One service record")
def service_get(request: HttpRequest, record_id: int) -> Any:
    return record_out(access.get_record_for_user(request.user, record_id))


class ServiceRecordIn(Schema):
    customer_id: int = Field(..., ge=1, le=TOP, description="A registered organisation.")
    category: Category | Literal[""] = Field("", description="Empty: the hub service's category.")
    hub_service: str = Field("", description="The code of one of the hub's services.")
    description: str
    technologies: list[str] = Field([], description="EDIH technology names.")
    partner_id: int | None = Field(None, ge=1, le=TOP, description="Who delivered; a partner's members name their own.")
    started_on: date
    ended_on: date | None = None
    attendees: int = Field(1, ge=0, le=100000)
    price: str = Field("0", description=MONEY_HELP)
    invoiced: str = Field("0", description=MONEY_HELP)
    aid: str = Field("0", description="The national or regional public share only. " + MONEY_HELP)
    aid_basis: Basis = "none"
    aid_info: str = ""
    status: Literal["ongoing", "finalised", "invoiced"] = "ongoing"
    satisfaction: int | None = Field(None, ge=1, le=5)
    grant_id: int | None = Field(None, ge=1, le=TOP)

    model_config = {"extra": "forbid"}


class ServiceRecordPatch(Schema):
    category: Category | None = None
    hub_service: str | None = None
    description: str | None = None
    technologies: list[str] | None = None
    partner_id: int | None = Field(None, ge=1, le=TOP)
    started_on: date | None = None
    ended_on: date | None = None
    attendees: int | None = Field(None, ge=0, le=100000)
    price: str | None = Field(None, description=MONEY_HELP)
    invoiced: str | None = Field(None, description=MONEY_HELP)
    aid: str | None = Field(None, description=MONEY_HELP)
    aid_basis: Basis | None = None
    aid_info: str | None = None
    status: Literal["ongoing", "finalised", "invoiced"] | None = None
    satisfaction: int | None = Field(None, ge=1, le=5)
    grant_id: int | None = Field(None, ge=1, le=TOP)

    model_config = {"extra": "forbid"}


RENAMED = {"customer_id": "customer", "partner_id": "partner", "grant_id": "grant"}


# On a change, null clears these; for any other field it means "leave as it is".
CLEARABLE = {"ended_on", "partner_id", "satisfaction", "grant_id"}


def _data(payload: Schema, *, only_set: bool) -> dict[str, Any]:
    given = payload.dict(exclude_unset=only_set)
    if only_set:
        given = {name: value for name, value in given.items() if value is not None or name in CLEARABLE}
    return {RENAMED.get(name, name): value for name, value in given.items()}


@router.post("/services", response={201: ServiceRecordOut, **WRITE_ERRORS}, summary="Log a service delivered")
def service_create(request: HttpRequest, payload: ServiceRecordIn) -> Any:
    if not access.can_log_services(request.user):
        raise PermissionDenied(_("Only the hub and its partners log services."))
    record = actions.record_create(actor=request.user, data=_data(payload, only_set=False))
    return Status(201, _record(request.user, record.pk))


@router.patch("/services/{record_id}", response={200: ServiceRecordOut, **WRITE_ERRORS}, summary="Change a record")
def service_update(request: HttpRequest, record_id: int, payload: ServiceRecordPatch) -> Any:
    record = access.get_record_to_change(request.user, record_id)
    actions.record_update(actor=request.user, record=record, data=_data(payload, only_set=True))
    return _record(request.user, record.pk)


@router.post(
    "/services/{record_id}/confirm",
    response={200: ServiceRecordOut, **WRITE_ERRORS},
    summary="Confirm a proposed record, completing it (hub staff)",
)
def service_confirm(request: HttpRequest, record_id: int, payload: ServiceRecordPatch) -> Any:
    require_hub_staff(request.user)
    record = access.get_record_for_user(request.user, record_id)
    actions.record_confirm(actor=request.user, record=record, data=_data(payload, only_set=True))
    return _record(request.user, record.pk)


class ReasonIn(Schema):
    reason: str

    model_config = {"extra": "forbid"}


@router.post(
    "/services/{record_id}/reject",
    response={200: ServiceRecordOut, **WRITE_ERRORS},
    summary="Reject a proposed record (hub staff)",
)
def service_reject(request: HttpRequest, record_id: int, payload: ReasonIn) -> Any:
    require_hub_staff(request.user)
    record = access.get_record_for_user(request.user, record_id)
    actions.record_reject(actor=request.user, record=record, reason=payload.reason)
    return _record(request.user, record.pk)


# --- Grants, declarations and the ledger -------------------------------------------------------------------


class GrantOut(Schema):
    id: int
    number: str = Field(description="The number of the written notice.")
    organisation_id: int
    amount: Decimal
    granted_on: date = Field(description="The day the hub committed: the aid counts from then.")
    basis: Basis
    regulation: str
    gber_article: str
    description: str
    source: str
    referral_id: int | None
    undertaking: list[int] = Field(description="The single undertaking's organisations when granted.")
    counted_before: Decimal
    status: Literal["granted", "cancelled"]
    cancel_reason: str
    recorded_at: datetime


def grant_out(grant: Grant) -> dict[str, Any]:
    return {
        "id": grant.pk,
        "number": grant.number,
        "organisation_id": grant.organisation_id,
        "amount": grant.amount,
        "granted_on": grant.granted_on,
        "basis": grant.basis,
        "regulation": grant.regulation.code if grant.regulation else "",
        "gber_article": grant.gber_article,
        "description": grant.description,
        "source": grant.source,
        "referral_id": grant.referral_id,
        "undertaking": grant.undertaking,
        "counted_before": grant.counted_before,
        "status": grant.status,
        "cancel_reason": grant.cancel_reason,
        "recorded_at": grant.recorded_at,
    }


class DeclarationOut(Schema):
    id: int
    organisation_id: int
    amount: Decimal
    granted_on: date
    granting_body: str
    regulation: str
    declared_at: datetime


def declaration_out(declaration: Declaration) -> dict[str, Any]:
    return {
        "id": declaration.pk,
        "organisation_id": declaration.organisation_id,
        "amount": declaration.amount,
        "granted_on": declaration.granted_on,
        "granting_body": declaration.granting_body,
        "regulation": declaration.regulation,
        "declared_at": declaration.declared_at,
    }


class LedgerOut(Schema):
    organisation_id: int
    day: date
    regulation: str
    ceiling: Decimal | None
    window_start: date | None
    undertaking: list[int] = Field(description="The organisations linked by control that share the ceiling.")
    declared_total: Decimal
    granted_total: Decimal
    total: Decimal
    headroom: Decimal | None
    near_ceiling: bool
    excluded_sector: str = Field(description="The NACE code that excludes the organisation from de minimis, or empty.")
    declarations: list[DeclarationOut]
    grants: list[GrantOut]


@router.get(
    "/organisations/{organisation_id}/aid",
    response={200: LedgerOut, **ERRORS},
    summary="The de minimis ledger of the organisation's single undertaking",
)
def ledger_get(request: HttpRequest, organisation_id: int, day: date | None = None) -> Any:
    organisation = access.get_ledger_organisation(request.user, organisation_id)
    current = ledgers.ledger(organisation, day or timezone.localdate())
    return {
        "organisation_id": organisation.pk,
        "day": current.day,
        "regulation": current.regulation.code if current.regulation else "",
        "ceiling": current.ceiling,
        "window_start": current.start,
        "undertaking": sorted(m.pk for m in current.members),
        "declared_total": current.declared_total,
        "granted_total": current.granted_total,
        "total": current.total,
        "headroom": current.headroom,
        "near_ceiling": current.near_ceiling(),
        "excluded_sector": current.excluded,
        "declarations": [declaration_out(d) for d in current.declared],
        "grants": [grant_out(g) for g in current.granted],
    }


class DeclarationIn(Schema):
    amount: str = Field(..., description=MONEY_HELP)
    granted_on: date
    granting_body: str
    regulation: str = Field(..., description="The de minimis regulation, e.g. 2023/2831.")

    model_config = {"extra": "forbid"}


@router.post(
    "/organisations/{organisation_id}/aid/declarations",
    response={201: DeclarationOut, **WRITE_ERRORS},
    summary="Declare de minimis aid received from another body",
)
def declaration_create(request: HttpRequest, organisation_id: int, payload: DeclarationIn) -> Any:
    organisation = access.get_ledger_organisation(request.user, organisation_id)
    declaration = actions.declaration_add(actor=request.user, organisation=organisation, data=payload.dict())
    return Status(201, declaration_out(declaration))


@router.delete(
    "/aid/declarations/{declaration_id}",
    response={200: DeletedOut, **WRITE_ERRORS},
    summary="Remove a wrong declaration",
)
def declaration_delete(request: HttpRequest, declaration_id: int) -> Any:
    declaration = access.get_declaration_for_user(request.user, declaration_id)
    pk = declaration.pk
    actions.declaration_remove(actor=request.user, declaration=declaration)
    return {"id": pk, "deleted": True}


class GrantIn(Schema):
    amount: str = Field(..., description=MONEY_HELP)
    granted_on: date | None = Field(None, description="The day the hub committed; today by default.")
    description: str
    basis: Literal["de_minimis", "gber"] = "de_minimis"
    gber_article: str = ""
    referral_id: int | None = Field(None, ge=1, le=TOP, description="The accepted referral the aid is for.")

    model_config = {"extra": "forbid"}


class GrantedOut(GrantOut):
    warning: str = Field(description="Set when the undertaking comes near its ceiling.")


@router.post(
    "/organisations/{organisation_id}/aid/grants",
    response={201: GrantedOut, **WRITE_ERRORS},
    summary="Grant aid (hub staff): refused when it would cross the de minimis ceiling",
)
def grant_create(request: HttpRequest, organisation_id: int, payload: GrantIn) -> Any:
    require_hub_staff(request.user)
    organisation = access.get_ledger_organisation(request.user, organisation_id)
    referral_id = None
    if payload.referral_id:
        referral = get_referral_for_user(request.user, payload.referral_id)
        if referral.organisation_id != organisation.pk:
            raise ValidationError({"referral_id": _("This referral is for another organisation.")})
        referral_id = referral.pk
    grant, warning = actions.grant_record(
        actor=request.user,
        organisation=organisation,
        amount=payload.amount,
        granted_on=payload.granted_on,
        description=payload.description,
        basis=payload.basis,
        gber_article=payload.gber_article,
        source="referral" if referral_id else "manual",
        referral_id=referral_id,
    )
    grant = Grant.objects.select_related("regulation").get(pk=grant.pk)
    return Status(201, {**grant_out(grant), "warning": warning})


@router.get("/aid/grants", response={200: Page[GrantOut], **ERRORS}, summary="Aid granted that the caller sees")
def grant_list(request: HttpRequest, params: Query[PageParams]) -> Any:
    rows = access.visible_grants(request.user).select_related("regulation")
    limit, offset = page_limits(params)
    page = paginate(rows.order_by("-granted_on", "-id"), limit=limit, offset=offset)
    page["items"] = [grant_out(grant) for grant in page["items"]]
    return page


@router.get("/aid/grants/{grant_id}", response={200: GrantOut, **ERRORS}, summary="One grant")
def grant_get(request: HttpRequest, grant_id: int) -> Any:
    return grant_out(access.get_grant_for_user(request.user, grant_id))


@router.post(
    "/aid/grants/{grant_id}/cancel",
    response={200: GrantOut, **WRITE_ERRORS},
    summary="Cancel a grant (hub staff): the aid no longer counts",
)
def grant_cancel(request: HttpRequest, grant_id: int, payload: ReasonIn) -> Any:
    grant = access.get_grant_to_manage(request.user, grant_id)
    return grant_out(actions.grant_cancel(actor=request.user, grant=grant, reason=payload.reason))


# --- KPIs ----------------------------------------------------------------------------------------------------


class KpiQuery(Schema):
    start: str = Field("", description="First day, YYYY-MM-DD; the last twelve months by default.")
    end: str = Field("", description="Last day, YYYY-MM-DD.")
    partner: str = Field("", description="Only the services this partner (organisation id) delivered.")
    category: str = Field("", description="Only this EDIH category.")


class KpiValueOut(Schema):
    code: str
    label: str
    unit: str
    value: Decimal | int | None = Field(description="None when hidden from observers (fewer than five organisations).")


class TargetOut(Schema):
    indicator: str
    label: str
    target: int
    start: date
    end: date
    value: Decimal | int | None
    share: Decimal | None


class KpisOut(Schema):
    start: date
    end: date
    suppressed: bool = Field(description="True for observers: small cells are hidden.")
    values: list[KpiValueOut]
    targets: list[TargetOut]


@router.get("/kpis", response={200: KpisOut, **ERRORS}, summary="The hub's KPIs for a period (staff and observers)")
def kpi_list(request: HttpRequest, query: Query[KpiQuery]) -> Any:
    if not access.can_see_dashboard(request.user):
        raise Http404
    observer = access.sees_aggregates_only(request.user)
    period, filters = boards.read_choice(query.dict())
    figures = boards.board(period, filters, observer=observer)
    # The core figures are the dashboard's (for observers as it shows them: money and means from fewer than
    # five organisations hidden too); the other apps' figures are computed, and hidden by the registry's rule.
    more = {value.code: value.value for value in boards.more_figures(period, filters, observer=False)}
    values = kpis.compute_all(period, filters, known={**boards.core_figures(figures), **more})
    if observer:
        values = suppression.suppress_kpis(values)
    return {
        "start": period.start,
        "end": period.end,
        "suppressed": observer,
        "values": [{"code": v.code, "label": str(v.label), "unit": v.unit, "value": v.value} for v in values],
        "targets": [
            {
                "indicator": t.indicator,
                "label": str(t.label),
                "target": t.target,
                "start": t.period.start,
                "end": t.period.end,
                "value": t.value,
                "share": t.share,
            }
            for t in figures.targets
        ],
    }
